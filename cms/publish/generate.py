"""Pages the publish step derives from the exported documents: listings, tag pages, the resource
library, feeds, the sitemap.

Generic: built only from documents' paths, front matter and the page tree, never from page types.
Listings are plain data in front matter (``sections``, ``items``, ``facets`` …) for the templates
to lay out. Keys a document may set for this:

- ``card``: what a listing shows besides title, date and summary (``image``, ``facts``, ``colour``);
- ``children_sort``: how its children are listed (``order``, ``-issue`` …; default newest first);
  with ``children_sequence`` its children also link to the one before and after (``sequence``);
- ``published``: when it went live (ISO 8601, to the second): listings and feeds are newest first
  by it, then by ``date``;
- ``container``: the document only holds others (e.g. an institute's contribution area): it is
  not content, so not in 最新内容 or the feeds, and not counted in its parent's card;
- ``library`` and ``facets``: the document belongs to the library of that title, filed under
  ``{facet: [values]}`` (one static page per value, and a filter over them all);
- ``listed: false``: the page is built and reachable at its URL, but no listing names it: not its
  parent's sections (nor its count), 最新内容, tag pages, the library, the feeds, the navigation or
  the previous/next links (a 公示 notice linked from one place only);
- ``gathers`` (page ids): the document is a campaign (专题) of those pages: each of them gets
  ``campaigns: [{title, url}]`` (所属专题), and the campaign's feed holds them rather than its
  descendants; with ``feature: {from, until}`` (ISO datetimes) the home page features it
  (``featured_campaigns``) while the publish's moment is inside that window;
- ``corrections`` ([{date, wrong, right}], newest first): each is told in the piece's feed entry,
  and listed on the site's 更正记录 page (``corrections.md``), newest first;
- ``retracted: true`` (with ``retraction: {date, reason}``): a withdrawn piece's tombstone. Unlisted
  as above, and also left out of sitemap.xml and marked ``noindex`` (front matter the theme prints as
  ``<meta name="robots" content="noindex">``; the site search skips it too).
"""

import heapq
import posixpath
from dataclasses import dataclass, replace
from datetime import datetime, time
from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

from .errors import ExportError
from .markdown_text import md_text
from .paths import (
    CORRECTIONS_PAGE,
    LIBRARY_DIR,
    attachment_path,
    canonical_of,
    facet_path,
    feed_path,
    relative,
    tag_path,
)

QR_FILE = "qr.svg"  # (render.QR_NAME) the QR code of the page's URL, when the site makes them
RECENT_ON_HOME = 12
FEED_LENGTH = 50


@dataclass
class Generated:
    pages: dict  # document path → (meta, body): the documents with listings, breadcrumbs and links added
    listings: dict  # path → (meta, body): tag pages and library pages
    files: dict  # path → bytes: feeds and the sitemap
    nav: list  # the site navigation (mkdocs.yml ``nav``)
    attachments: dict = None  # path → bytes: the files beside documents (their ``attachments``)
    tree: object = None  # the documents' Tree (the mirror's feeds and sitemap are made from it too)


def generate(documents, *, site_name, base_url, description, now=None, qr_code=None, finished=None):
    """Everything derived from the documents ({path: Document}, from render). Raises ExportError
    when a page would take the path of a generated one. ``now``: the publish's moment (which
    campaigns the home page features; default the clock's). ``qr_code``: a function of an absolute
    URL giving its QR code's SVG bytes (the worker's render.QRCodes.maker(): each URL drawn once), for
    the QR code beside each generated page; None: none. ``finished``: what the worker's last publish
    made of its pages (a ``Finished``, kept by the worker: PublishState.finished), to make again only
    what changed; None: every page made."""
    tree = Tree(documents)
    pages = finish_documents(documents, tree, now=now, memo=finished)
    listings = {**tag_pages(documents, tree), **library_pages(documents, tree), **corrections_page(documents)}
    files = site_files(documents, listings, tree=tree, site_name=site_name, base_url=base_url,
                       description=description)
    attachments = {path: data for d in documents.values() for path, data in d.attachments.items()}
    if qr_code is not None:
        attachments.update(listing_qr_codes(listings, base_url, qr_code))
    clashes = sorted(set(pages) & (set(listings) | set(files)) | set(attachments) & (set(listings) | set(files)))
    if clashes:
        raise ExportError(f"页面路径与发布系统生成的页面冲突：{'、'.join(clashes)}")
    return Generated(pages, listings, files, navigation(documents, listings), attachments, tree)


def listing_qr_codes(listings, base_url, qr_code):
    """{path: bytes}: the QR code of each generated page's absolute URL, beside it (its front matter
    gets ``qr_code`` as a document's does)."""
    codes = {}
    for path, (meta, _body) in listings.items():
        meta["qr_code"] = QR_FILE
        url = quote(base_url.rstrip("/") + meta["canonical"], safe=":/?&=#%")  # /tags/航天/: ASCII in the code
        codes[attachment_path(path, QR_FILE)] = qr_code(url)
    return codes


def _newest_first(document):
    return (document.meta.get("published") or document.meta.get("date") or "", document.path)


def _newest(documents, count):
    """The first ``count`` of ``_sorted(documents)`` (newest first), without sorting them all."""
    return heapq.nlargest(count, documents, key=_newest_first)


def _sorted(documents, spec=None):
    """Documents sorted by a front matter key (``-key`` for descending), newest first by default."""
    if not spec:
        return sorted(documents, key=_newest_first, reverse=True)
    key = spec.lstrip("-")
    documents = list(documents)
    having = sorted((d for d in documents if d.meta.get(key) is not None), key=lambda d: (d.meta[key], d.path),
                    reverse=spec.startswith("-"))
    return having + sorted((d for d in documents if d.meta.get(key) is None), key=_newest_first, reverse=True)


def listed(document):
    """Whether listings, feeds and tag pages may name the document (see the module docstring)."""
    return document.meta.get("listed", True) is not False and not document.meta.get("retracted")


def _link(document):
    return {"title": document.meta["title"], "url": canonical_of(document.path)}


class Tree:
    """Parents, ancestors and the top-level section (programme) of every document, and the
    campaigns that gather each."""

    def __init__(self, documents):
        self.documents = documents
        self.parent = {child: path for path, d in documents.items() for child in d.children}
        self.members, self.campaigns = _gathered(documents)
        self._ancestors = {}
        self._cards = {}
        self._leaves = {}

    def card(self, document):
        """``card(document)``, made once: a piece shows in its parent's listing, its tags' pages and
        the library's."""
        if document.path not in self._cards:
            self._cards[document.path] = card(document, self)
        return self._cards[document.path]

    def ancestors(self, path):
        if path not in self._ancestors:
            parent = self.parent.get(path)
            self._ancestors[path] = [*self.ancestors(parent), parent] if parent is not None else []
        return self._ancestors[path]

    def section(self, path):
        """The top-level document (a child of the home page) this one lies under, or None."""
        chain = self.ancestors(path) + [path]
        return self.documents[chain[1]] if len(chain) > 1 and chain[0] == "index.md" else None

    def leaves(self, path=None):
        """The pieces of content (documents without children, not containers), of the whole site or
        under ``path``."""
        if path not in self._leaves:
            found = self.documents.values() if path is None else self.descendants(path)
            self._leaves[path] = [d for d in found if not d.children and d.path != "index.md"
                                  and not d.meta.get("container") and listed(d)]
        return self._leaves[path]

    def descendants(self, path):
        found = []
        for child in self.documents[path].children:
            found.append(self.documents[child])
            found.extend(self.descendants(child))
        return found


def _gathered(documents):
    """({campaign path: [member documents]}, {member path: [campaign links]}) from ``gathers``."""
    by_page = {d.page_id: d for d in documents.values() if d.page_id is not None}
    members, campaigns = {}, {}
    for campaign in sorted(documents.values(), key=lambda d: d.path):
        if not campaign.meta.get("gathers") or not listed(campaign):
            continue
        found = [by_page[pk] for pk in campaign.meta["gathers"] if pk in by_page and listed(by_page[pk])]
        members[campaign.path] = found
        for member in found:
            campaigns.setdefault(member.path, []).append(_link(campaign))
    return members, campaigns


def _featured(tree, now):
    """Cards of the campaigns whose ``feature`` window holds ``now``."""
    found = []
    for path in tree.members:
        window = tree.documents[path].meta.get("feature") or {}
        if window.get("from") and window.get("until") and (
                datetime.fromisoformat(window["from"]) <= now < datetime.fromisoformat(window["until"])):
            found.append(tree.documents[path])
    return [tree.card(d) for d in sorted(found, key=lambda d: (d.meta["feature"]["until"], d.path))]


def card(document, tree):
    """A document as a listing item: plain data the templates lay out."""
    item = {"title": document.meta["title"], "url": canonical_of(document.path)}
    for key in ("date", "description"):
        if document.meta.get(key):
            item[key] = document.meta[key]
    item.update(document.meta.get("card") or {})
    item["group"] = document.group
    section = tree.section(document.path)
    if section is not None and section is not document:
        item["section"] = section.meta["title"]
    count = sum(not tree.documents[child].meta.get("container") and listed(tree.documents[child])
                for child in document.children)
    if count:
        item["count"] = count
    return item


def _section_info(section):
    info = {"title": section.meta["title"], "url": canonical_of(section.path)}
    if feed_path(section.path):
        info["feed"] = feed_path(section.path)
    if section.meta.get("image"):
        info["image"] = section.meta["image"]  # e.g. the programme's logo, for pieces without an image of their own
    for key in ("colour", "colour_text"):
        if (section.meta.get("card") or {}).get(key):
            info[key] = section.meta["card"][key]
    return info


def finish_documents(documents, tree=None, now=None, memo=None):
    """Add listings, breadcrumbs, tag links and feeds to each document's front matter.

    Returns {path: (front matter, body)} for every page document. ``memo`` (a ``Finished``: what
    the last call made): only the pages a changed document can reach are made again (``Finished.reach``);
    the others are the very (meta, body) objects made then."""
    tree = tree or Tree(documents)
    now = now or timezone.now()
    sequences = _sequences(documents)
    todo = documents.keys() if memo is None else memo.reach(documents, tree)
    rendered = {}
    for path in sorted(documents):
        if path in todo:
            rendered[path] = _finish(documents[path], documents, tree, sequences, now)
        else:
            rendered[path] = memo.pages[path]
    if memo is not None:
        memo.tree, memo.pages = tree, rendered
    return rendered


class Finished:
    """What ``finish_documents`` made at the last publish (the Tree of the documents given, and {path:
    (meta, body)} made), so that a publish makes again only the pages its changes reach.

    A page's front matter is made from its own document, those of its ancestors (breadcrumbs, its
    section), of its children and grandchildren (their cards and the cards' counts), of its siblings
    when their parent links them in sequence, and of the campaigns that gather it; the home page's also
    from every piece (最新内容), every campaign and the moment (``now``), so it is always made again."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.tree, self.pages = Tree({}), {}  # the last publish's tree (its documents) and pages

    def reach(self, documents, tree):
        """The paths of the pages to make again: those whose document differs from the last one given
        (by equality: a document taken from the render cache shares its values, so this is cheap) or is
        new, and those such a document, or one gone since, reaches (see the class docstring), by the
        tree of then and of now."""
        old = self.tree.documents
        changed = {path for path, document in documents.items() if old.get(path) != document}
        changed |= old.keys() - documents.keys()
        todo = {"index.md"} & documents.keys()
        if not changed:
            return todo
        trees = [tree, self.tree]
        for path in changed:
            todo.add(path)
            # A document whose children alone changed (a piece added, moved or removed below it) is not
            # in its descendants' pages (they show its title, link and card colours): each child added
            # or gone is itself a change, which reaches its siblings when they are in sequence.
            own = not _children_alone(old.get(path), documents.get(path))
            for known in trees:
                if path not in known.documents:
                    continue
                if own:
                    todo.update(d.path for d in known.descendants(path))
                parent = known.parent.get(path)
                if parent is not None:
                    todo.add(parent)
                    todo.add(known.parent.get(parent))
                    if known.documents[parent].meta.get("children_sequence"):
                        todo.update(known.documents[parent].children)
                todo.update(member.path for member in known.members.get(path, ()))
        return todo & documents.keys()


def _children_alone(old, new):
    """Whether two documents of a path differ in their ``children`` only."""
    return old is not None and new is not None and old.children != new.children and (
        replace(old, children=new.children) == new)


def _finish(document, documents, tree, sequences, now):
    """(front matter, body) of one page document (``finish_documents``)."""
    path = document.path
    meta = dict(document.meta)
    ancestors = tree.ancestors(path)
    if ancestors:
        meta["breadcrumbs"] = [_link(documents[a]) for a in ancestors]
    section = tree.section(path)
    if section is not None:
        meta["section"] = _section_info(section)
        if section is document and feed_path(path):
            meta["feed"] = feed_path(path)
    if meta.get("tags"):
        meta["tag_links"] = [{"title": t, "url": canonical_of(tag_path(t))} for t in meta["tags"]]
    if meta.get("facets"):
        meta["facet_links"] = {facet: [{"title": v, "url": canonical_of(facet_path(facet, v))} for v in values]
                               for facet, values in meta["facets"].items()}
    if path in sequences:
        meta["sequence"] = sequences[path]
    if meta.get("retracted"):
        meta["noindex"] = True
    if path in tree.campaigns:
        meta["campaigns"] = tree.campaigns[path]
    if meta.get("corrections") and not meta.get("retracted"):
        meta["corrections_page"] = canonical_of(CORRECTIONS_PAGE)  # the page tools link 更正记录
    if path in tree.members and feed_path(path):
        meta["feed"] = feed_path(path)
    if any(posixpath.basename(p) == QR_FILE for p in document.attachments):
        meta["qr_code"] = QR_FILE  # beside the page: the theme links it by name
    if document.children:
        by_group = {}
        for child in (documents[child_path] for child_path in document.children):
            if not listed(child):
                continue
            by_group.setdefault((child.group_order, child.group), []).append(child)
        meta["sections"] = [
            {"title": heading, "items": [tree.card(c) for c in _sorted(children, meta.get("children_sort"))]}
            for (_order, heading), children in sorted(by_group.items())
        ]
    if path == "index.md":
        featured = _featured(tree, now)
        if featured:
            meta["featured_campaigns"] = featured
        latest = _newest(tree.leaves(), RECENT_ON_HOME)
        if latest:
            meta.setdefault("sections", []).append({"title": "最新内容", "items": [tree.card(d) for d in latest]})
    # Never an empty page: its summary or title stands in for a body it does not have.
    body = document.body.strip() or md_text(meta.get("description") or meta["title"])
    return meta, body


def _sequences(documents):
    """{path: {"previous": …, "next": …}} for the children of documents that set ``children_sequence``."""
    found = {}
    for parent in documents.values():
        if not parent.meta.get("children_sequence"):
            continue
        spec = parent.meta.get("children_sort")
        ordered = _sorted((documents[c] for c in parent.children if listed(documents[c])), spec)
        if spec and spec.startswith("-") or not spec:
            ordered.reverse()  # oldest first: "previous" is the one before
        for index, document in enumerate(ordered):
            links = {}
            if index > 0:
                links["previous"] = _link(ordered[index - 1])
            if index + 1 < len(ordered):
                links["next"] = _link(ordered[index + 1])
            if links:
                found[document.path] = links
    return found


def tag_pages(documents, tree=None):
    """{path: (front matter, body)} for tags/index.md and one page per tag."""
    tree = tree or Tree(documents)
    by_tag = {}
    for document in documents.values():
        for tag in document.meta.get("tags", []) if listed(document) else ():
            by_tag.setdefault(tag_path(tag), (tag, []))[1].append(document)
    if not by_tag:
        return {}
    pages = {}
    cloud = []
    crumbs = [{"title": documents["index.md"].meta["title"], "url": "/"}] if "index.md" in documents else []
    index_crumbs = crumbs + [{"title": "标签", "url": canonical_of("tags/index.md")}]
    for path, (tag, tagged) in sorted(by_tag.items()):
        meta = {"title": f"标签：{tag}", "description": f"标有“{tag}”的 {len(tagged)} 篇内容，来自各个品牌项目。",
                "kind": "tag", "canonical": canonical_of(path), "generated": True, "breadcrumbs": index_crumbs,
                "items": [tree.card(d) for d in _sorted(tagged)]}
        pages[path] = (meta, md_text(meta["description"]))
        cloud.append({"title": tag, "url": canonical_of(path), "count": len(tagged)})
    meta = {"title": "标签", "description": "按标签浏览全部内容", "kind": "tags",
            "canonical": canonical_of("tags/index.md"), "generated": True, "breadcrumbs": crumbs,
            "tag_cloud": cloud}
    pages["tags/index.md"] = (meta, md_text(meta["description"]))
    return pages


def correction_text(correction):
    return f"{correction['date']} 更正：原文“{correction['wrong']}”，应为“{correction['right']}”。"


def corrections_page(documents):
    """{corrections.md: (front matter, body)}: every correction of a public piece, newest first."""
    found = [(c, d) for d in documents.values() if not d.meta.get("retracted") for c in d.meta.get("corrections") or ()]
    if not found:
        return {}
    found.sort(key=lambda pair: (pair[0]["date"], pair[1].path), reverse=True)
    crumbs = [{"title": documents["index.md"].meta["title"], "url": "/"}] if "index.md" in documents else []
    meta = {"title": "更正记录", "description": f"本站已发布内容的 {len(found)} 处更正，最新的在前。",
            "kind": "corrections", "canonical": canonical_of(CORRECTIONS_PAGE), "generated": True,
            "breadcrumbs": crumbs}
    lines = [md_text(meta["description"]), ""]
    for correction, document in found:
        link = f"[{md_text(document.meta['title'])}]({relative(CORRECTIONS_PAGE, document.path)})"
        lines.append(f"- {link}：{md_text(correction_text(correction))}")
    # In the theme's text wrapper: links in a line of text are underlined (kepu.css .kepu-body).
    return {CORRECTIONS_PAGE: (meta, '<div class="kepu-body" markdown="1">\n\n' + "\n".join(lines) + "\n\n</div>")}


def library_title(members):
    return min(d.meta.get("library") or "资源库" for d in members)


def site_files(documents, listings, *, site_name, base_url, description, tree=None):
    """{path: bytes}: the feeds and the sitemap, the only generated output that holds the site's base URL
    (the Traditional mirror makes its own with its base URL from the same documents)."""
    if not documents:
        return {}
    files = feeds(documents, tree=tree or Tree(documents), site_name=site_name, base_url=base_url,
                  description=description)
    files["sitemap.xml"] = sitemap(documents, listings, base_url=base_url)
    return files


def navigation(documents, generated):
    """Top navigation: the home page's children (the programmes) by their ``order``, then the
    library and the tags."""
    home = documents.get("index.md")
    top = [documents[path] for path in (home.children if home else []) if listed(documents[path])]
    top.sort(key=lambda d: (d.meta.get("order", 1000), d.path))
    nav = [{"title": d.meta["title"], "path": d.path} for d in top]
    if f"{LIBRARY_DIR}/index.md" in generated:
        members = [d for d in documents.values() if d.meta.get("facets") and listed(d)]
        nav.append({"title": library_title(members), "path": f"{LIBRARY_DIR}/index.md"})
    if "tags/index.md" in generated:
        nav.append({"title": "标签", "path": "tags/index.md"})
    return nav


def library_pages(documents, tree=None):
    """{path: (front matter, body)}: the library (every document with ``facets``) and one page per facet value."""
    tree = tree or Tree(documents)
    members = _sorted(d for d in documents.values() if d.meta.get("facets") and listed(d))
    if not members:
        return {}
    title = library_title(members)
    index_path = f"{LIBRARY_DIR}/index.md"
    by_value = {}  # (facet, value) → [documents]
    facet_order = []
    items = []
    for document in members:
        item = {**tree.card(document), "facet_urls": []}
        for facet, values in document.meta["facets"].items():
            if facet not in facet_order:
                facet_order.append(facet)
            for value in values:
                by_value.setdefault((facet, value), []).append(document)
                item["facet_urls"].append(canonical_of(facet_path(facet, value)))
        items.append(item)

    facets = []
    for facet in facet_order:
        values = [(value, docs) for (f, value), docs in by_value.items() if f == facet]
        values.sort(key=lambda pair: (-len(pair[1]), pair[0]))
        facets.append({"name": facet, "values": [
            {"title": value, "url": canonical_of(facet_path(facet, value)), "count": len(docs)}
            for value, docs in values
        ]})
    crumbs = [{"title": documents["index.md"].meta["title"], "url": "/"}] if "index.md" in documents else []
    pages = {}
    meta = {"title": title, "description": f"{len(members)} 份科普资源，可按{'、'.join(facet_order)}筛选。",
            "kind": "library", "canonical": canonical_of(index_path), "generated": True, "breadcrumbs": crumbs,
            "facet_nav": facets, "items": items}
    pages[index_path] = (meta, md_text(meta["description"]))
    library_crumbs = crumbs + [{"title": title, "url": canonical_of(index_path)}]
    for (facet, value), docs in sorted(by_value.items()):
        path = facet_path(facet, value)
        meta = {"title": f"{value} · {title}", "description": f"{facet}为“{value}”的 {len(docs)} 份资源。",
                "kind": "library", "canonical": canonical_of(path), "generated": True,
                "breadcrumbs": library_crumbs, "facet": {"name": facet, "value": value},
                "facet_nav": facets, "items": [tree.card(d) for d in docs]}
        pages[path] = (meta, md_text(meta["description"]))
    return pages


def feeds(documents, *, tree=None, site_name, base_url, description):
    """{path: bytes}: the site's RSS feed, one per top-level section (programme) and one per
    campaign (what it gathers)."""
    tree = tree or Tree(documents)
    result = {"feed.xml": feed(tree.leaves(), title=site_name, base_url=base_url, link="/", self_path="/feed.xml",
                               description=description or site_name)}
    home = documents.get("index.md")
    top = home.children if home else []
    for path in [*top, *(p for p in tree.members if p not in top)]:
        section = documents[path]
        items = tree.members[path] if path in tree.members else tree.leaves(path)
        self_path = feed_path(path)
        if self_path is None:
            continue
        result[self_path.lstrip("/")] = feed(
            items, title=f"{section.meta['title']} - {site_name}", base_url=base_url, link=canonical_of(path),
            self_path=self_path, description=section.meta.get("description") or section.meta["title"],
        )
    return result


def feed(documents, *, title, base_url, link, self_path, description):
    """An RSS 2.0 feed of the latest items. Dates come from the content, never from the clock."""
    base = base_url.rstrip("/")
    items = _newest(documents, FEED_LENGTH)

    def rfc822(document):
        """When it went live (``published``), or midnight of its ``date`` (documents from before)."""
        if document.meta.get("published"):
            return format_datetime(datetime.fromisoformat(document.meta["published"]))
        value = datetime.combine(datetime.fromisoformat(document.meta["date"]).date(), time(0, 0),
                                 tzinfo=timezone.get_current_timezone())
        return format_datetime(value)

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{escape(title)}</title>",
        f"<link>{escape(base + link)}</link>",
        f"<atom:link href={quoteattr(base + self_path)} rel=\"self\" type=\"application/rss+xml\"/>",
        f"<description>{_text_as_html(description)}</description>",
        "<language>zh-CN</language>",
    ]
    if items and (items[0].meta.get("published") or items[0].meta.get("date")):
        lines.append(f"<lastBuildDate>{rfc822(items[0])}</lastBuildDate>")
    for document in items:
        url = base + document.meta["canonical"]
        lines += [
            "<item>",
            f"<title>{escape(document.meta['title'])}</title>",
            f"<link>{escape(url)}</link>",
            f'<guid isPermaLink="true">{escape(url)}</guid>',
        ]
        if document.meta.get("published") or document.meta.get("date"):
            lines.append(f"<pubDate>{rfc822(document)}</pubDate>")
        told = [document.meta.get("description") or ""]
        told += [correction_text(c) for c in document.meta.get("corrections") or ()]
        if any(told):
            lines.append(f"<description>{_text_as_html(' '.join(t for t in told if t))}</description>")
        lines.append("</item>")
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines).encode("utf-8")


def _text_as_html(text):
    """RSS readers read <description> as HTML: the text is HTML-escaped, then XML-escaped, so that
    after XML decoding it is still text."""
    return escape(escape(text))


def sitemap(documents, generated, *, base_url):
    """sitemap.xml: every page document but retracted ones (dated from its own ``updated``, never from the build date,
    so the same content gives the same sitemap) and every generated page (tags …)."""
    base = base_url.rstrip("/")
    entries = [(d.meta["canonical"], d.meta.get("updated")) for d in documents.values() if not d.meta.get("retracted")]
    entries += [(canonical_of(path), None) for path in generated if path.endswith(".md")]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for canonical, updated in sorted(entries):
        lastmod = f"<lastmod>{updated}</lastmod>" if updated else ""
        lines.append(f"<url><loc>{escape(base + quote(canonical))}</loc>{lastmod}</url>")
    lines += ["</urlset>", ""]
    return "\n".join(lines).encode("utf-8")
