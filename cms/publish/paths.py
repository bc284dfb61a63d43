"""Where things go: content/ paths, public URLs and build outputs. Pure functions, no Django.

A document path is content/-relative: the home page is ``index.md``, a page that can hold
children ``<slugs>/index.md``, any other page ``<slugs>.md``. Its public URL is a directory URL
(``/a/b/``) and its build output ``a/b/index.html``.
"""

import functools
import hashlib
import posixpath
import re

from .errors import ExportError

# Top-level names the publish step itself uses; a programme may not take them as its slug.
# The Traditional mirror on a host of its own is built into this folder of site/ (its web root, swapped
# with the Simplified site by the same rename; the Simplified host does not serve it: deploy/nginx.conf).
MIRROR_HOST_DIR = "_zh-hant"
# The folder of a listing's archive pages (``<dir>/page/<n>/``): no page may take it as its slug, at any depth.
PAGER_DIR = "page"
RESERVED = {"tags", "library", "media", "assets", "search", "feed.xml", "sitemap.xml", "robots.txt", "404.html",
            "corrections", MIRROR_HOST_DIR, PAGER_DIR}
CORRECTIONS_PAGE = "corrections.md"  # 更正记录: every correction of the site, newest first
LIBRARY_DIR = "library"


def document_path(slugs, *, is_root, has_children):
    """The document path of a page from the slugs below the site root down to it."""
    if is_root:
        return "index.md"
    return "/".join(slugs) + ("/index.md" if has_children else ".md")


def check_paths(paths):
    """Raise ExportError if a page would take a reserved name or two pages the same path
    (``paths``: {page id: document path})."""
    for path in paths.values():
        parts = path.split("/")
        if PAGER_DIR in parts or f"{PAGER_DIR}.md" in parts:
            raise ExportError(f"页面别名“{PAGER_DIR}”为发布系统保留（用于分页），请换一个别名：{path}")
        top = parts[0]
        if top in RESERVED or (top.endswith(".md") and top[:-3] in RESERVED):
            raise ExportError(f"页面路径与发布系统保留的名称冲突：{path}")
    if len(set(paths.values())) != len(paths):
        raise ExportError("两个页面导出到了同一路径，请检查页面别名。")


@functools.lru_cache(maxsize=1 << 17)  # listings, tags and breadcrumbs link the same pages over and over
def canonical_of(path):
    """The public URL path (directory URLs) of a document path."""
    if path == "index.md":
        return "/"
    stem = path[: -len("index.md")] if path.endswith("/index.md") else path[: -len(".md")] + "/"
    return "/" + stem


def page_url(doc_path):
    """Site-relative directory URL of a document path (``a/b.md`` → ``a/b/``, ``index.md`` → ``""``)."""
    return canonical_of(doc_path)[1:]


def relative(from_path, to_path):
    """The relative link from one content/ file to another."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def output_path(content_path):
    """Where the build (directory URLs) puts what a content/ file becomes: a page's HTML, or the
    file itself."""
    if content_path == "index.md":
        return "index.html"
    if content_path.endswith("/index.md"):
        return content_path[: -len("index.md")] + "index.html"
    if content_path.endswith(".md"):
        return content_path[: -len(".md")] + "/index.html"
    return content_path


_ATTACHMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_PAGE_SUFFIXES = (".md", ".html", ".htm")


def attachment_path(doc_path, name):
    """The content path of a file beside a document: in the folder of its page's URL, so that the
    page links to it by ``name`` alone (``a/b.md`` + ``b.ics`` → ``a/b/b.ics``). Raises ExportError
    for a name that is not one plain file name, or that the build would take for a page."""
    if not _ATTACHMENT_NAME.fullmatch(name) or name.lower().endswith(_PAGE_SUFFIXES):
        raise ExportError(f"{doc_path} 附带的文件名不可用：{name}")
    return posixpath.join(posixpath.dirname(output_path(doc_path)), name)


@functools.lru_cache(maxsize=1 << 16)  # every tag and facet value, named on every page that shows it
def safe_name(text):
    """A file-name-safe version of a tag or file name that keeps Chinese characters.

    Different texts never share a name: where characters had to be replaced ("A B" → "A-B"), a
    short hash of the text is added, so that the tag "A B" does not overwrite the tag "A-B".
    """
    text = text.strip()
    name = re.sub(r"[\s/\\?#%:*\"<>|\[\]{}]+", "-", text).strip("-.")
    if name != text:
        name = f"{name or 'tag'}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:6]}"
    return name or "tag"


def tag_path(tag):
    return f"tags/{safe_name(tag)}.md"


def facet_path(facet, value):
    return f"{LIBRARY_DIR}/{safe_name(facet)}/{safe_name(value)}.md"


_LISTING_KEY = re.compile(r"[a-z][a-z0-9-]*")


def archive_path(listing_path, number, key=None):
    """The document path of archive page ``number`` (1 = the oldest) of the listing on ``listing_path``;
    ``key`` names which of the page's listings (a document's section: ``Document.group_key``), None for
    a page with one listing (a tag, the library, a facet value). ``("a/index.md", 7, "stories")`` →
    ``a/page/stories/7.md``; ``("tags/航天.md", 3)`` → ``tags/航天/page/3.md``. A key is never a
    number, so the two shapes cannot meet."""
    if key is not None and not _LISTING_KEY.fullmatch(key):
        raise ExportError(f"列表的键不可用：{key}")
    if number < 1:
        raise ExportError(f"分页页码须从 1 开始：{number}")
    folder = canonical_of(listing_path)[1:]  # "a/", "tags/航天/", "" (the home page)
    return f"{folder}{PAGER_DIR}/{key + '/' if key else ''}{number}.md"


def feed_path(section_path):
    """The URL of a section's RSS feed (``/a/feed.xml`` for ``a/index.md``); None for a top-level
    page without children (``a.md``), which has nothing to feed."""
    if not section_path.endswith("/index.md"):
        return None
    return "/" + section_path[: -len("index.md")] + "feed.xml"


def forget():
    """Empty the memo caches (they are pure; this only frees memory)."""
    canonical_of.cache_clear()
    safe_name.cache_clear()
