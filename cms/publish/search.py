"""The search stage, kept separate so it can be swapped (a chunked Chinese index will replace it).

For now: Material for MkDocs' built-in search plugin, always run over a full build (``mkdocs build
--dirty`` leaves its index nearly empty). ``verify`` refuses a site whose index is missing pages.
"""

import json
from pathlib import Path
from urllib.parse import unquote

INDEX = "search/search_index.json"
# Whether the index can be brought up to date after a build that rendered only the changed pages.
# MkDocs' plugin cannot: it indexes only the pages it rendered, so every build is a full one.
INCREMENTAL = False


def mkdocs_plugins():
    return [{"search": {"lang": ["zh"], "separator": r"[\s\u200b\-_,:!=\[\]()\"`/]+|[，。、；：！？（）《》“”]+"}}]


def verify(site_dir, page_urls):
    """Problems with the search index: every built page must be in it. ``page_urls``: site-relative URLs."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return [f"搜索索引缺失：{INDEX}"]
    try:
        docs = json.loads(path.read_text("utf-8")).get("docs", [])
    except ValueError as error:
        return [f"搜索索引无法解析：{error}"]
    indexed = {unquote(doc.get("location", "").split("#", 1)[0]) for doc in docs}
    missing = sorted(url for url in page_urls if url not in indexed)
    if missing:
        shown = "、".join(missing[:5])
        return [f"搜索索引不完整：{len(missing)} 个页面未被索引（{shown}…）"]
    return []
