"""Listings: the cards of documents, and the pages that list them, cut into pages of ``size`` cards
(docs/paginated-listings.md): a document's sections (made by generate._finish), the tag pages, the
library and its facet values (the 更正记录 page, not paginated). Generic, as generate.py: built only from
documents' paths, front matter and the page tree.

A listing of N cards, newest first (or by its ``children_sort``, which must then be descending:
``-issue``; an ascending one is refused, ExportError), keeps its newest P to 2P-1 on its own
page (the first page) and puts the others on archive pages of P each, numbered from the oldest
(paginate.py): archive k holds the listing's ordinals [(k-1)P, kP), 0 being the oldest, so that a piece
added at the new end changes no archive page. Front matter:

- a document's ``sections``: ``[{"title", "key", "count": N, "items": [first-page cards], "archive":
  {"older": URL of the newest archive page, "years": [{"year", "url"}]}}]``; ``key`` is the children's
  ``Document.group_key`` (their page type's ``listing_key``), naming the archive pages'
  folder ``<dir>/page/<key>/<n>/``; ``archive`` only when there are archive pages; ``years`` (each year
  with the archive page holding its newest archived card) only on listings sorted by date (no
  ``children_sort``);
- a tag page, the library and a facet value's page (``kind`` "tag" / "library"): ``count`` (N),
  ``items`` (the first page's cards) and, with archive pages, ``archive: {"older": URL}``;
- an archive page (``kind: "archive"``, ``<dir>/page/<key>/<n>.md``, ``tags/<tag>/page/<n>.md``,
  ``library/page/<n>.md``, ``library/<facet>/<value>/page/<n>.md``): ``title`` (naming its number),
  ``canonical`` (its own URL), ``breadcrumbs`` (leading to the listing's page), ``description`` (which
  cards, by position from the oldest, and their dates), ``items`` (P cards, newest first) and
  ``pager``: ``{"number", "first": {"title", "url"} (the listing's page), "newer": URL (the next
  archive, or the first page from the last one), "older" and "oldest": URLs (not on archive 1)}``; a
  document's archive pages also ``section`` (as the document has it), the library's ``library: true``
  and ``facet_nav`` (without counts), a facet value's also ``facet``. No QR code, not in sitemap.xml,
  not in the site search (generate.py);
- the library (``library/index.md``): ``facet_nav`` (with counts; each value's ``members``: the URL of
  its ``members.json``), ``filter: {"size": P, "archived": A, "archive": "/library/page/"}``, and on
  its cards and its archive pages' cards ``n``, the card's library ordinal: it is on archive page n//P + 1
  when n < A·P, else on the first page, and ``k``, a short key of its URL (``card_key``). ``members.json``
  beside each facet value's page (an attachment): ``{"n": [...], "k": "..."}``, ``n`` the value's
  ascending library ordinals, each after the first as its distance from the one before ([0, 3, 1, 1, 7] is
  {0, 3, 4, 5, 12}), ``k`` the keys of those cards in the same order, KEY_LENGTH characters each, run
  together. An ordinal is a place, not an identity: after a removal or an old piece inserted, the
  ordinals of newer cards move, so a reader whose pages come from two publishes checks each card's ``k``
  against the one members.json expects (themes/assets/kepu-library.js). A piece added at the new end
  moves no ordinal: the other values' members.json stay byte for byte the same. Facet pages'
  ``facet_nav`` has no counts (nor ``members``), its values in title order, so that they change only
  when a value comes or goes.

Archive pages are the same (meta, body) objects as at the last publish (``Finished.listings``) when
their recipe (the listing's header, their number, whether they are the last, their members) is the
same and none of their members' cards may have changed (``todo``: the documents whose pages
generate.Finished.reach makes again, which holds every document whose card may differ).
"""

import base64
import functools
import hashlib
import heapq
import json
from dataclasses import dataclass, field

from .errors import ExportError
from .markdown_text import md_text
from .paginate import deltas, pager, split, years
from .paths import (
    CORRECTIONS_PAGE,
    LIBRARY_DIR,
    archive_path,
    attachment_path,
    canonical_of,
    facet_path,
    feed_path,
    relative,
    tag_path,
)

MEMBERS_FILE = "members.json"
KEY_LENGTH = 4  # characters of a card's key (base64url: 24 bits)


def card_key(url):
    """A library card's short key: the first 24 bits of the SHA-256 of its (Simplified) canonical URL,
    in base64url. Not an identity (two URLs may share one), a check that a card at an ordinal is still
    the one a members.json names; the Traditional mirror's cards carry the same keys."""
    return base64.urlsafe_b64encode(hashlib.sha256(url.encode()).digest()[:3]).decode()


def newest_first(document):
    return (document.meta.get("published") or document.meta.get("date") or "", document.path)


def newest(documents, count):
    """The first ``count`` of ``in_order(documents)`` (newest first), without sorting them all."""
    return heapq.nlargest(count, documents, key=newest_first)


def in_order(documents, spec=None):
    """Documents sorted by a front matter key (``-key`` for descending), newest first by default."""
    if not spec:
        return sorted(documents, key=newest_first, reverse=True)
    key = spec.lstrip("-")
    documents = list(documents)
    having = sorted((d for d in documents if d.meta.get(key) is not None), key=lambda d: (d.meta[key], d.path),
                    reverse=spec.startswith("-"))
    return having + sorted((d for d in documents if d.meta.get(key) is None), key=newest_first, reverse=True)


def listed(document):
    """Whether listings, feeds and tag pages may name the document (see the module docstring)."""
    return document.meta.get("listed", True) is not False and not document.meta.get("retracted")


def link(document):
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
            self._leaves[path] = [d for d in found if is_piece(d)]
        return self._leaves[path]

    def descendants(self, path):
        found = []
        for child in self.documents[path].children:
            found.append(self.documents[child])
            found.extend(self.descendants(child))
        return found


def is_piece(document):
    """Whether a document is a piece of content (Tree.leaves): no children, not the home page, not a
    container, listed."""
    return (not document.children and document.path != "index.md" and not document.meta.get("container")
            and listed(document))


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
            campaigns.setdefault(member.path, []).append(link(campaign))
    return members, campaigns


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


def section_info(section):
    info = {"title": section.meta["title"], "url": canonical_of(section.path)}
    if feed_path(section.path):
        info["feed"] = feed_path(section.path)
    if section.meta.get("image"):
        info["image"] = section.meta["image"]  # e.g. the programme's logo, for pieces without an image of their own
    for key in ("colour", "colour_text"):
        if (section.meta.get("card") or {}).get(key):
            info[key] = section.meta["card"][key]
    return info


def dated(document):
    return document.meta.get("published") or document.meta.get("date") or ""


@dataclass
class Header:
    """What every archive page of one listing shows besides its cards and links: compared with the last
    publish's to reuse its pages (``paged``)."""

    path: str  # the listing's own page (document path)
    key: str | None  # its key among the page's listings (a document's section), or None
    name: str  # the listing in words, beginning the description: "格致论道的科学家故事"
    title: tuple  # (before, after) the page number in the title: ("科学家故事 · ", " · 格致论道")
    first: dict  # {"title", "url"} of the listing's page
    extra: dict = field(default_factory=dict)  # front matter every archive page has (breadcrumbs, section …)
    unit: str = "篇"  # what a card is counted in
    by_date: bool = True  # sorted newest first (else by a ``children_sort``): years and dates shown


def taken(old, path, recipe, members, todo):
    """The last publish's (recipe, page) of ``path`` if its recipe is ``recipe`` and none of
    ``members`` (documents) is in ``todo`` (a set of paths; None: nothing is taken), else None."""
    was = (old or {}).get(path)
    if was is not None and todo is not None and was[0] == recipe and not any(d.path in todo for d in members):
        return was
    return None


def paged(header, ordered, size, *, cards, old=None, todo=None, first=None, with_years=False):
    """Cut a listing (``ordered``: its documents in display order) into pages of ``size``.

    Returns (the first page's documents, the ``archive`` front matter of the first page or None,
    {archive path: (recipe, (meta, body))}). ``cards(document, ordinal)``: a card. ``old``: this
    listing's pages of the last publish ({path: (recipe, page)}); one is taken as it is when its recipe
    is the same and none of its members is in ``todo`` (a set of paths; None: every one).

    ``first``: (what else its page shows, ``make(documents, archive)`` giving its (meta, body)): the
    listing's own page is made (or taken as above) too, into the dict returned, at ``header.path``.
    ``with_years``: ``archive`` has ``years`` (a listing sorted by date)."""
    count = len(ordered)
    front, archives = split(count, size)
    last = len(archives)

    def url(number):
        return canonical_of(archive_path(header.path, number, header.key))

    made = {}
    for number, ordinals in enumerate(archives, 1):
        members = [ordered[count - 1 - ordinal] for ordinal in reversed(ordinals)]  # newest first
        path = archive_path(header.path, number, header.key)
        recipe = (header, number, number == last, tuple(d.path for d in members))
        was = taken(old, path, recipe, members, todo)
        if was is not None:
            made[path] = was
            continue
        text = _described(header, members, ordinals)
        meta = {"title": f"{header.title[0]}第 {number} 页{header.title[1]}", "kind": "archive", "generated": True,
                "canonical": url(number), **header.extra, "description": text,
                "items": [cards(d, ordinal) for d, ordinal in zip(members, reversed(ordinals), strict=True)],
                "pager": pager(number, last, header.first, url)}
        made[path] = (recipe, (meta, md_text(text)))
    firsts, archive = ordered[: len(front)], None
    if archives:
        archive = {"older": url(last)}
        if with_years and header.by_date:
            def year_of(ordinal):
                return dated(ordered[count - 1 - ordinal])[:4]

            archive["years"] = [{"year": year, "url": url(number)} for year, number in years(archives, year_of)]
    if first is not None:
        shown, make = first
        recipe = (header, count, tuple(d.path for d in firsts), shown)
        made[header.path] = taken(old, header.path, recipe, firsts, todo) or (recipe, make(firsts, archive))
    return firsts, archive, made


def _described(header, members, ordinals):
    """An archive page's description: which cards, counted from the oldest, and from when to when."""
    order = "按发布先后" if header.by_date else ""
    text = f"{header.name}，{order}第 {ordinals.start + 1}–{ordinals.stop} {header.unit}"
    oldest, newest = members[-1].meta.get("date"), members[0].meta.get("date")
    if header.by_date and oldest and newest:
        text += f"（{oldest} 至 {newest}）" if oldest != newest else f"（{oldest}）"
    return text + "。"


def section_key(children):
    """The key of a document's section of ``children`` (one group): their ``group_key``; "" when their
    type names none (its parent lists them in its own body: the section is not paginated)."""
    return min(c.group_key for c in children)


def document_sections(document, documents, tree, size, *, old=None, todo=None):
    """(``sections`` front matter, {archive path: (recipe, page)}) of a document with children."""
    meta = document.meta
    by_group = {}
    for child in (documents[child_path] for child_path in document.children):
        if listed(child):
            by_group.setdefault((child.group_order, child.group), []).append(child)
    sections, made = [], {}
    crumbs = [link(documents[a]) for a in tree.ancestors(document.path)] + [link(document)]
    section = tree.section(document.path)
    extra = {"breadcrumbs": crumbs, **({"section": section_info(section)} if section is not None else {})}
    spec = meta.get("children_sort")
    keys = set()
    for (_order, heading), children in sorted(by_group.items()):
        key = section_key(children)
        ordered = in_order(children, spec)
        if not key:
            sections.append({"title": heading, "count": len(ordered), "items": [tree.card(c) for c in ordered]})
            continue
        if key in keys:  # (their archive pages would take the same paths)
            raise ExportError(f"{document.path} 的两组子页面使用了同一个列表键：{key}")
        keys.add(key)
        if spec and not spec.startswith("-"):
            # Archive pages are numbered from the end of the display order, which is then the highest
            # key: page 1 would hold the first pieces of the series and 更早的… lead to its last ones.
            raise ExportError(f"{document.path} 按 {spec} 升序排列子页面，不能分页：分页的列表只能按发布时间"
                              f"或某个键降序（-{spec}）排列")
        header = Header(document.path, key, f"{meta['title']}的{heading}", (f"{heading} · ", f" · {meta['title']}"),
                        link(document), extra, by_date=not spec)
        firsts, archive, pages = paged(header, ordered, size, cards=lambda d, _n: tree.card(d), old=old, todo=todo,
                                       with_years=True)
        found = {"title": heading, "key": key, "count": len(ordered), "items": [tree.card(c) for c in firsts]}
        if archive:
            found["archive"] = archive
        sections.append(found)
        made.update(pages)
    return sections, made


def _listing_page(tree, meta, firsts, archive):
    """(front matter, body) of a tag's or a facet value's own page: ``meta`` with the cards of ``firsts``
    and the link to its archive pages (``archive``, from ``paged``)."""
    meta = {**meta, "items": [tree.card(d) for d in firsts]}
    if archive:
        meta["archive"] = {"older": archive["older"]}
    return meta, md_text(meta["description"])


def _home_crumbs(documents):
    return [{"title": documents["index.md"].meta["title"], "url": "/"}] if "index.md" in documents else []



def tag_pages(documents, tree=None, size=None, *, old=None, todo=None, qr=False, memo=None, changed=None,
              before=None):
    """({path: (front matter, body)} for tags/index.md and one page per tag, {tag page path: {path:
    (recipe, page)}}: its archive pages and itself). ``old``: that of the last publish ({listing path:
    {path: (recipe, page)}}), taken again as ``paged`` says; ``size`` None: no archive pages. ``qr``:
    the pages will get a QR code (generate.listing_qr_codes: a page made with one is not taken again
    without, and the other way round).

    ``memo`` (a ``TagMemo`` kept between calls), ``changed`` (the paths of the documents changed since the
    last call: generate.Finished.changed) and ``before`` (the last call's documents): the tags are found from
    the last call's by the changed documents alone, and a tag none of whose members, then or now, is
    changed or in ``todo`` keeps its pages as they were (``old``), not paged again."""
    tree = tree or Tree(documents)
    crumbs = _home_crumbs(documents)
    recipe = (crumbs, qr, size)
    touched = None  # the tag page paths to make again (None: every one)
    if memo is not None and memo.by_tag is not None and changed is not None and memo.recipe == recipe:
        by_tag, touched = dict(memo.by_tag), set()
        for path in changed:
            for document, adding in ((before.get(path), False), (documents.get(path), True)):
                for tag in _tags_of(document):
                    key = tag_path(tag)
                    members = dict(by_tag[key][1]) if key in by_tag and key not in touched else (
                        by_tag[key][1] if key in by_tag else {})
                    if adding:
                        members[path] = document
                    else:
                        members.pop(path, None)
                    by_tag[key] = (tag, members)
                    touched.add(key)
        for key in [key for key in touched if not by_tag[key][1]]:
            del by_tag[key]
        for path in todo or ():
            touched.update(tag_path(tag) for tag in _tags_of(documents.get(path)))
    else:
        by_tag = {}
        for document in documents.values():
            for tag in _tags_of(document):
                by_tag.setdefault(tag_path(tag), (tag, {}))[1][document.path] = document
    if memo is not None:
        memo.by_tag, memo.recipe = by_tag, recipe
    if not by_tag:
        return {}, {}
    pages, archives = {}, {}
    cloud = []
    index_crumbs = crumbs + [{"title": "标签", "url": canonical_of("tags/index.md")}]
    for path, (tag, members) in sorted(by_tag.items()):
        title, url = f"标签：{tag}", canonical_of(path)
        cloud.append({"title": tag, "url": url, "count": len(members)})
        if touched is not None and path not in touched and path in (old or {}):
            archives[path] = old[path]
            pages[path] = old[path][path][1]
            continue
        tagged = list(members.values())
        header = Header(path, None, f"标有“{tag}”的内容", (f"{title} · ", ""), {"title": title, "url": url},
                        {"breadcrumbs": index_crumbs + [{"title": tag, "url": url}]})

        tag_page = functools.partial(_listing_page, tree, {
            "title": title, "description": f"标有“{tag}”的 {len(tagged)} 篇内容，来自各个品牌项目。", "kind": "tag",
            "canonical": url, "generated": True, "breadcrumbs": index_crumbs, "count": len(tagged)})
        ordered = in_order(tagged)
        _firsts, _archive, made = paged(header, ordered, size or len(ordered) + 1, cards=lambda d, _n: tree.card(d),
                                        old=(old or {}).get(path), todo=todo, first=(qr, tag_page))
        pages[path] = made[path][1]
        archives[path] = made  # (with the tag page itself: the next publish may take it again)
    if memo is not None and memo.index is not None and memo.index[0] == (recipe, cloud):
        pages["tags/index.md"] = memo.index[1]
    else:
        meta = {"title": "标签", "description": "按标签浏览全部内容", "kind": "tags",
                "canonical": canonical_of("tags/index.md"), "generated": True, "breadcrumbs": crumbs,
                "tag_cloud": cloud}
        pages["tags/index.md"] = (meta, md_text(meta["description"]))
    if memo is not None:
        memo.index = ((recipe, cloud), pages["tags/index.md"])
    return pages, archives


def _tags_of(document):
    """The tags a document is listed under (none when it is unlisted or None)."""
    return document.meta.get("tags", []) if document is not None and listed(document) else ()


class TagMemo:
    """What ``tag_pages`` found at its last call: each tag's members, and the tags index page."""

    def __init__(self):
        self.by_tag = None  # {tag page path: (tag, {document path: Document})}
        self.recipe = None  # (the home crumbs, qr, size) the tag pages were made with
        self.index = None  # ((recipe, tag cloud), (meta, body) of tags/index.md)


def correction_text(correction):
    return f"{correction['date']} 更正：原文“{correction['wrong']}”，应为“{correction['right']}”。"


def corrections_page(documents):
    """{corrections.md: (front matter, body)}: every correction of a public piece, newest first."""
    found = [(c, d) for d in documents.values() if not d.meta.get("retracted") for c in d.meta.get("corrections") or ()]
    if not found:
        return {}
    found.sort(key=lambda pair: (pair[0]["date"], pair[1].path), reverse=True)
    crumbs = _home_crumbs(documents)
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


def library_pages(documents, tree=None, size=None, *, old=None, todo=None, qr=False, memo=None, changed=None):
    """({path: (front matter, body)} of the library (every document with ``facets``) and one page per
    facet value, {listing path: {path: (recipe, page)}} (its archive pages and itself), {path: bytes}:
    each value's ``members.json``). ``old``, ``todo``, ``size`` and ``qr`` as ``tag_pages``.

    ``memo`` (a ``LibraryMemo`` kept between calls) and ``changed`` (generate.Finished.changed): when no
    changed document is or was in the library, none of its members is in ``todo`` and the home page's
    crumbs, ``qr`` and ``size`` are the same, the last call's result is given again, unmade."""
    recipe = (_home_crumbs(documents), qr, size)
    if memo is not None and memo.result is not None and changed is not None and memo.recipe == recipe and not any(
            path in memo.members or _in_library(documents.get(path)) for path in changed) and not any(
            path in memo.members for path in todo or ()):
        return memo.result
    tree = tree or Tree(documents)
    members = in_order(d for d in documents.values() if _in_library(d))
    if memo is not None:
        memo.recipe, memo.members, memo.result = recipe, {d.path for d in members}, ({}, {}, {})
    if not members:
        return {}, {}, {}
    count = len(members)
    size = size or count + 1
    title = library_title(members)
    index_path = f"{LIBRARY_DIR}/index.md"
    by_value = {}  # (facet, value) → [(ordinal, document)], in the library's order
    facet_order = []
    for index, document in enumerate(members):
        for facet, values in document.meta["facets"].items():
            if facet not in facet_order:
                facet_order.append(facet)
            for value in values:
                by_value.setdefault((facet, value), []).append((count - 1 - index, document))

    def members_url(facet, value):
        return "/" + attachment_path(facet_path(facet, value), MEMBERS_FILE)

    facets, plain = [], []  # facet_nav of the library (counts, members) and of the other pages
    for facet in facet_order:
        values = [(value, found) for (f, value), found in by_value.items() if f == facet]
        values.sort(key=lambda pair: (-len(pair[1]), pair[0]))
        facets.append({"name": facet, "values": [
            {"title": value, "url": canonical_of(facet_path(facet, value)), "count": len(found),
             "members": members_url(facet, value)}
            for value, found in values
        ]})
        plain.append({"name": facet, "values": [{"title": value, "url": canonical_of(facet_path(facet, value))}
                                                for value, _found in sorted(values)]})
    crumbs = _home_crumbs(documents)
    index_url = canonical_of(index_path)
    library_crumbs = crumbs + [{"title": title, "url": index_url}]
    pages, archives, files = {}, {}, {}

    def numbered(document, ordinal):
        return {**tree.card(document), "n": ordinal, "k": card_key(canonical_of(document.path))}

    archived = max(0, count // size - 1)
    header = Header(index_path, None, f"{title}的科普资源", (f"{title} · ", ""), {"title": title, "url": index_url},
                    {"breadcrumbs": library_crumbs, "library": True, "facet_nav": plain}, unit="份")

    def library_page(firsts, archive):
        meta = {"title": title, "description": f"{count} 份科普资源，可按{'、'.join(facet_order)}筛选。",
                "kind": "library", "canonical": index_url, "generated": True, "breadcrumbs": crumbs,
                "facet_nav": facets, "count": count,
                "filter": {"size": size, "archived": archived, "archive": canonical_of(f"{LIBRARY_DIR}/page.md")},
                "items": [numbered(d, count - 1 - index) for index, d in enumerate(firsts)]}
        if archive:
            meta["archive"] = {"older": archive["older"]}
        return meta, md_text(meta["description"])

    _firsts, _archive, made = paged(header, members, size, cards=numbered, old=(old or {}).get(index_path),
                                    todo=todo, first=((qr, facets), library_page))
    pages[index_path] = made[index_path][1]
    archives[index_path] = made
    for (facet, value), found in sorted(by_value.items()):
        path, url = facet_path(facet, value), canonical_of(facet_path(facet, value))
        name = f"{value} · {title}"
        header = Header(path, None, f"{facet}为“{value}”的资源", (f"{name} · ", ""), {"title": name, "url": url},
                        {"breadcrumbs": library_crumbs + [{"title": value, "url": url}], "library": True,
                         "facet": {"name": facet, "value": value}, "facet_nav": plain}, unit="份")

        facet_page = functools.partial(_listing_page, tree, {
            "title": name, "description": f"{facet}为“{value}”的 {len(found)} 份资源。", "kind": "library",
            "canonical": url, "generated": True, "breadcrumbs": library_crumbs,
            "facet": {"name": facet, "value": value}, "facet_nav": plain, "count": len(found)})
        ordered = [document for _ordinal, document in found]
        _firsts, _archive, made = paged(header, ordered, size, cards=lambda d, _n: tree.card(d),
                                        old=(old or {}).get(path), todo=todo, first=(qr, facet_page))
        pages[path] = made[path][1]
        archives[path] = made
        ascending = found[::-1]  # (found is in the library's order, newest first)
        keys = "".join(card_key(canonical_of(document.path)) for _ordinal, document in ascending)
        members_file = {"n": deltas(ordinal for ordinal, _document in ascending), "k": keys}
        files[attachment_path(path, MEMBERS_FILE)] = json.dumps(members_file, separators=(",", ":")).encode()
    if memo is not None:
        memo.result = (pages, archives, files)
    return pages, archives, files


def _in_library(document):
    return document is not None and bool(document.meta.get("facets")) and listed(document)


class LibraryMemo:
    """What ``library_pages`` gave at its last call, and the members it was made of."""

    def __init__(self):
        self.recipe = None  # (the home crumbs, qr, size)
        self.members = set()  # the paths of its members
        self.result = None  # (pages, archives, files)
