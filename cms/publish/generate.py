"""Pages the publish step derives from the exported documents: listings, tag pages, feed, sitemap.

Generic: built only from documents' paths, front matter and the page tree, never from page types.
"""

from datetime import datetime, time
from email.utils import format_datetime
from xml.sax.saxutils import escape

from django.utils import timezone

from .export import canonical_of, relative, safe_name, serialise

RECENT_ON_HOME = 12
FEED_LENGTH = 50


def _sort_key(document):
    return (document.meta.get("date") or "", document.path)


def _item(from_path, document):
    line = f"- [{_escape(document.meta['title'])}]({relative(from_path, document.path)})"
    if document.meta.get("date"):
        line += f" · {document.meta['date']}"
    if document.meta.get("description"):
        line += f" — {_escape(document.meta['description'])}"
    return line


def _escape(text):
    return text.replace("[", "\\[").replace("]", "\\]")


def tag_path(tag):
    return f"tags/{safe_name(tag)}.md"


def finish_documents(documents, groups):
    """Append child listings, tag links and (on the home page) the latest items to each body.

    ``groups`` maps a document path to the heading its kind is listed under (e.g. 科学家故事).
    Returns {path: bytes} for every page document.
    """
    items = sorted((d for d in documents.values() if not d.children and d.path != "index.md"),
                   key=_sort_key, reverse=True)
    rendered = {}
    for path, document in sorted(documents.items()):
        parts = [document.body.strip()]
        if document.meta.get("tags"):
            links = "、".join(f"[{_escape(t)}]({relative(path, tag_path(t))})" for t in document.meta["tags"])
            parts.append(f"标签：{links}")
        if document.children:
            by_group = {}
            for child_path in document.children:
                by_group.setdefault(groups[child_path], []).append(documents[child_path])
            for heading, children in by_group.items():
                children.sort(key=_sort_key, reverse=True)
                parts.append(f"## {heading}\n\n" + "\n".join(_item(path, c) for c in children))
        if path == "index.md" and items:
            parts.append("## 最新内容\n\n" + "\n".join(_item(path, d) for d in items[:RECENT_ON_HOME]))
        body = "\n\n".join(p for p in parts if p)
        rendered[path] = serialise(document.meta, body)
    return rendered


def tag_pages(documents):
    """{path: bytes} for tags/index.md and one page per tag."""
    by_tag = {}
    for document in documents.values():
        for tag in document.meta.get("tags", []):
            by_tag.setdefault(tag_path(tag), (tag, []))[1].append(document)
    if not by_tag:
        return {}
    pages = {}
    index_lines = []
    for path, (tag, tagged) in sorted(by_tag.items()):
        tagged.sort(key=_sort_key, reverse=True)
        meta = {"title": f"标签：{tag}", "description": f"标有“{tag}”的内容", "kind": "tag",
                "canonical": canonical_of(path), "generated": True}
        pages[path] = serialise(meta, "\n".join(_item(path, d) for d in tagged))
        index_lines.append(f"- [{_escape(tag)}]({relative('tags/index.md', path)}) （{len(tagged)}）")
    meta = {"title": "标签", "description": "按标签浏览全部内容", "kind": "tags",
            "canonical": canonical_of("tags/index.md"), "generated": True}
    pages["tags/index.md"] = serialise(meta, "\n".join(index_lines))
    return pages


def feed(documents, *, site_name, base_url, description):
    """An RSS 2.0 feed of the latest items. Dates come from the content, never from the clock."""
    base = base_url.rstrip("/")
    items = sorted((d for d in documents.values() if not d.children and d.path != "index.md"),
                   key=_sort_key, reverse=True)[:FEED_LENGTH]

    def rfc822(day):
        value = datetime.combine(datetime.fromisoformat(day).date(), time(0, 0),
                                 tzinfo=timezone.get_current_timezone())
        return format_datetime(value)

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0">',
        "<channel>",
        f"<title>{escape(site_name)}</title>",
        f"<link>{escape(base)}/</link>",
        f"<description>{escape(description or site_name)}</description>",
        "<language>zh</language>",
    ]
    if items and items[0].meta.get("date"):
        lines.append(f"<lastBuildDate>{rfc822(items[0].meta['date'])}</lastBuildDate>")
    for document in items:
        url = base + document.meta["canonical"]
        lines += [
            "<item>",
            f"<title>{escape(document.meta['title'])}</title>",
            f"<link>{escape(url)}</link>",
            f'<guid isPermaLink="true">{escape(url)}</guid>',
        ]
        if document.meta.get("date"):
            lines.append(f"<pubDate>{rfc822(document.meta['date'])}</pubDate>")
        if document.meta.get("description"):
            lines.append(f"<description>{escape(document.meta['description'])}</description>")
        lines.append("</item>")
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines).encode("utf-8")


def sitemap(documents, generated, *, base_url):
    """sitemap.xml: every page document (dated from its own ``updated``, never from the build date,
    so the same content gives the same sitemap) and every generated page (tags …)."""
    base = base_url.rstrip("/")
    entries = [(d.meta["canonical"], d.meta.get("updated")) for d in documents.values()]
    entries += [(canonical_of(path), None) for path in generated if path.endswith(".md")]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for canonical, updated in sorted(entries):
        lastmod = f"<lastmod>{updated}</lastmod>" if updated else ""
        lines.append(f"<url><loc>{escape(base + canonical)}</loc>{lastmod}</url>")
    lines += ["</urlset>", ""]
    return "\n".join(lines).encode("utf-8")
