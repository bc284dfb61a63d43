"""Pages the publish step derives from the exported documents: listings, tag pages, the resource
library, feeds, the sitemap.

Generic: built only from documents' paths, front matter and the page tree, never from page types.
Listings are plain data in front matter (``sections``, ``items``, ``facets`` …) for the templates
to lay out, cut into pages of ``settings.KEPU_LISTING_PAGE_SIZE`` cards (listings.py says what each
page holds: a section's ``key``, ``count`` and ``archive``, an archive page's ``pager``, a library
card's ``n`` and ``k``, the library's ``filter`` and each facet value's ``members.json``). Archive pages are
generated listings (``kind: "archive"``) without a QR code, left out of sitemap.xml, and not in the
site search (it indexes documents only). Keys a document may set for this:

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

import posixpath
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.utils import timezone

from . import render_store
from .errors import ExportError
from .listings import (
    LibraryMemo,
    TagMemo,
    Tree,
    correction_text,
    corrections_page,
    document_sections,
    in_order,
    is_piece,
    library_pages,
    link,
    listed,
    newest,
    newest_first,
    section_info,
    tag_pages,
)
from .markdown_text import md_text
from .paths import (
    CORRECTIONS_PAGE,
    LIBRARY_DIR,
    attachment_path,
    canonical_of,
    facet_path,
    feed_path,
    tag_path,
)
from .protocol import Document

QR_FILE = "qr.svg"  # (render.QR_NAME) the QR code of the page's URL, when the site makes them
RECENT_ON_HOME = 12
FEED_LENGTH = 50


@dataclass
class Generated:
    pages: dict  # document path → (meta, body): the documents with listings, breadcrumbs and links added
    listings: dict  # path → (meta, body): tag pages, library pages, 更正记录 and every listing's archive pages
    files: dict  # path → bytes: feeds and the sitemap
    nav: list  # the site navigation (mkdocs.yml ``nav``)
    attachments: dict = None  # path → bytes: the files beside documents (their ``attachments``), members.json …
    tree: object = None  # the documents' Tree (the mirror's feeds and sitemap are made from it too)


def generate(documents, *, site_name, base_url, description, now=None, qr_code=None, finished=None,
             page_size=None):
    """Everything derived from the documents ({path: Document}, from render). Raises ExportError
    when a page would take the path of a generated one, or two generated pages the same path. ``now``:
    the publish's moment (which campaigns the home page features; default the clock's). ``qr_code``: a
    function of an absolute URL giving its QR code's SVG bytes (the worker's render.QRCodes.maker():
    each URL drawn once), for the QR code beside each generated page but archive pages; None: none.
    ``finished``: what the worker's last publish made of its pages (a ``Finished``, kept by the worker:
    PublishState.finished), to make again only what changed; None: every page made. ``page_size``: the
    cards of a listing page (listings.py; default ``settings.KEPU_LISTING_PAGE_SIZE``). The pages are
    the same whatever ``finished`` holds: a function of the documents and the page size."""
    size = page_size or settings.KEPU_LISTING_PAGE_SIZE
    if finished is not None and finished.size != size:
        finished.clear()
        finished.size = size
    tree = Tree(documents)
    old = finished.listings if finished is not None else {}  # (finish_documents replaces it)
    before = finished.tree.documents if finished is not None else {}  # (and this)
    pages, archives = finish_documents(documents, tree, now=now, memo=finished, size=size)
    todo = finished.todo if finished is not None else None
    qr = qr_code is not None
    # The changes since the publish before, when the listings' memos were made at it (else made anew).
    changed = finished.changed if finished is not None and finished.listed == finished.generation - 1 else None
    tags, tag_archives = tag_pages(documents, tree, size, old=old, todo=todo, qr=qr,
                                   memo=finished and finished.tags, changed=changed, before=before)
    library, library_archives, members = library_pages(documents, tree, size, old=old, todo=todo, qr=qr,
                                                       memo=finished and finished.library, changed=changed)
    if finished is not None:
        finished.listed = finished.generation
    archives.update(tag_archives)
    archives.update(library_archives)
    if finished is not None:
        finished.listings = archives
    parts = [tags, library, _corrections(documents, finished, before, qr)]
    parts += [{path: page for path, (_recipe, page) in made.items() if path != listing}  # (its own page: above)
              for listing, made in archives.items()]
    listings = {}
    for part in parts:
        shared = listings.keys() & part.keys()
        if shared:
            raise ExportError(f"发布系统生成的两个页面路径相同：{'、'.join(sorted(shared))}")
        listings.update(part)
    files = site_files(documents, listings, tree=tree, site_name=site_name, base_url=base_url,
                       description=description)
    attachments = {path: data for d in documents.values() for path, data in d.attachments.items()}
    clashes = set(attachments) & set(members)
    attachments.update(members)
    if qr_code is not None:
        attachments.update(listing_qr_codes(listings, base_url, qr_code))
    made = set(listings) | set(files)
    clashes = sorted(clashes | set(pages) & made | set(attachments) & made)
    if clashes:
        raise ExportError(f"页面路径与发布系统生成的页面冲突：{'、'.join(clashes)}")
    return Generated(pages, listings, files, navigation(documents, listings), attachments, tree)


def _correcting(document):
    return document is not None and bool(document.meta.get("corrections"))


def _corrections(documents, finished, before, qr):
    """corrections_page(documents), or what it gave at the publish before (``finished``: a Finished, its
    ``changed`` of this call; ``before``: the documents then) when no document changed since has or had
    corrections and the home page (its crumbs) did not change."""
    changed = finished.changed if finished is not None else None
    last = finished.corrections if finished is not None else None
    if (changed is not None and last is not None and last[:2] == (finished.generation - 1, qr)
            and "index.md" not in changed
            and not any(_correcting(before.get(path)) or _correcting(documents.get(path)) for path in changed)):
        made = last[2]
    else:
        made = corrections_page(documents)
    if finished is not None:
        finished.corrections = (finished.generation, qr, made)
    return made


def listing_qr_codes(listings, base_url, qr_code):
    """{path: bytes}: the QR code of each generated page's absolute URL, beside it (its front matter
    gets ``qr_code`` as a document's does); none for archive pages (``pager``: "page 7" in print is
    of no use)."""
    codes = {}
    for path, (meta, _body) in listings.items():
        if "pager" in meta:
            continue
        meta["qr_code"] = QR_FILE
        url = quote(base_url.rstrip("/") + meta["canonical"], safe=":/?&=#%")  # /tags/航天/: ASCII in the code
        codes[attachment_path(path, QR_FILE)] = qr_code(url)
    return codes


def _featured(tree, now):
    """Cards of the campaigns whose ``feature`` window holds ``now``."""
    found = []
    for path in tree.members:
        window = tree.documents[path].meta.get("feature") or {}
        if window.get("from") and window.get("until") and (
                datetime.fromisoformat(window["from"]) <= now < datetime.fromisoformat(window["until"])):
            found.append(tree.documents[path])
    return [tree.card(d) for d in sorted(found, key=lambda d: (d.meta["feature"]["until"], d.path))]


def finish_documents(documents, tree=None, now=None, memo=None, size=None):
    """Add listings, breadcrumbs, tag links and feeds to each document's front matter.

    Returns ({path: (front matter, body)} for every page document, {document path: {archive path:
    (recipe, (meta, body))}}: the archive pages of its sections, listings.paged). ``memo`` (a
    ``Finished``: what the last call made): only the pages a changed document can reach are made again
    (``Finished.reach``); the others, and their archive pages, are the very objects made then.
    ``size``: cards a listing page (default ``settings.KEPU_LISTING_PAGE_SIZE``)."""
    tree = tree or Tree(documents)
    now = now or timezone.now()
    size = size or settings.KEPU_LISTING_PAGE_SIZE
    sequences = _sequences(documents)
    todo = documents.keys() if memo is None else memo.reach(documents, tree)
    latest = _latest(tree, memo)
    old = memo.listings if memo is not None else {}
    rendered, archives = {}, {}
    for path in sorted(documents):
        if path in todo:
            rendered[path], made = _finish(documents[path], documents, tree, sequences, now, size,
                                           old=old.get(path), todo=None if memo is None else todo, latest=latest)
        else:
            rendered[path], made = memo.pages[path], old.get(path, {})
        if made:
            archives[path] = made
    if memo is not None:
        memo.tree, memo.pages, memo.todo, memo.listings = tree, rendered, todo, archives
        memo.keep(documents, rendered, archives, todo)
        tree.finished = memo  # (site_files reuses the feeds and the sitemap it made from the last tree)
    return rendered, archives


class Finished:
    """What ``finish_documents`` and the listings made at the last publish (the Tree of the documents
    given, {path: (meta, body)} made, the archive pages of every listing), so that a publish makes
    again only the pages its changes reach.

    A page's front matter is made from its own document, those of its ancestors (breadcrumbs, its
    section), of its children and grandchildren (their cards and the cards' counts), of its siblings
    when their parent links them in sequence, and of the campaigns that gather it; the home page's also
    from every piece (最新内容), every campaign and the moment (``now``), so it is always made again.
    A card is made from its document, its section's title and its children: a document whose card may
    have changed is among the pages made again (``todo``), so an archive page none of whose cards is
    among them, and whose recipe is the same, is kept (listings.paged)."""

    def __init__(self):
        self.size = None  # the listing page size the memo was made with (generate: another empties it)
        # Saved with the render cache (PublishState.memos, kind "finished"): {document path: (the document
        # as reach compares it, its (meta, body) made, its sections' archive pages)}, and SIZE_KEY: size.
        self.saved = render_store.SavedMemo()
        self.clear()

    def clear(self):
        self.saved.clear()  # (the next save deletes the rows on disk)
        self.tree, self.pages = Tree({}), {}  # the last publish's tree (its documents) and pages
        self.listings = {}  # {listing page path: {archive path: (recipe, (meta, body))}}
        self.todo = None  # the paths of the pages the last call made again (None: every one)
        self.changed = None  # the paths whose document differs from the call before's, new or gone (None: all)
        self.generation = 0  # calls of ``reach`` so far: what ``files`` was made at
        self.files = {}  # {base URL: SiteFiles}: the feeds and the sitemap site_files made last
        self.tags = TagMemo()  # what tag_pages found last
        self.listed = None  # the generation the tags' and the library's memos were made at
        self.library = LibraryMemo()  # what library_pages gave last
        self.latest = None  # (generation, [paths]): the home page's 最新内容 made then (_latest)
        self.corrections = None  # (generation, qr, corrections_page made then) (_corrections)

    def reach(self, documents, tree):
        """The paths of the pages to make again: those whose document differs from the last one given
        (by equality: a document taken from the render cache shares its values, so this is cheap) or is
        new, and those such a document, or one gone since, reaches (see the class docstring), by the
        tree of then and of now."""
        old = self.tree.documents
        changed = {path for path, document in documents.items()
                   if old.get(path) is not document and _differs(old.get(path), document)}
        changed |= old.keys() - documents.keys()
        self.changed = changed
        self.generation += 1
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

    def keep(self, documents, rendered, archives, todo):
        """Bring ``saved`` up to the pages just made (``finish_documents``): a row for each page made
        again (``todo``), none for a document gone; the other rows are kept as they are (their objects
        the same: not saved again)."""
        saved = self.saved
        if saved.get(SIZE_KEY) != self.size:
            saved[SIZE_KEY] = self.size
        for path in [path for path in self.changed if path not in documents and path in saved]:
            del saved[path]  # (gone: a path of the tree before, so among ``changed``)
        for path in todo:
            saved[path] = (_as_saved(documents[path]), rendered[path], archives.get(path, {}))

    def restore(self, rows, shared=None):
        """Take what a worker saved (``saved``'s rows, read back by render_store: each row's HMAC checked),
        when this memo holds nothing yet. Only the rows of the form ``keep`` writes are taken, and none
        without the page size they were made at. Checked when used: a page is taken again only while its
        document is the same as the row's (``reach``: a row missing counts as a document added).
        ``shared``: {document path: render.Entry} read back beside them: a row's text equal to its
        entry's is taken as the entry's very object (``_sharing``), held once as in a running worker."""
        if self.tree.documents or not isinstance(rows.get(SIZE_KEY), int):
            return
        shared = shared or {}
        rows = {path: _sharing(row, shared.get(path)) if _saved_row(path, row) else row for path, row in rows.items()}
        taken = {path: row for path, row in rows.items() if _saved_row(path, row)}
        self.size = rows[SIZE_KEY]
        self.saved.restore(rows)
        for path in rows.keys() - taken.keys() - {SIZE_KEY}:
            del self.saved[path]  # (the next save deletes it)
        self.tree = Tree({path: row[0] for path, row in taken.items()})
        self.pages = {path: row[1] for path, row in taken.items()}
        self.listings = {path: row[2] for path, row in taken.items() if row[2]}


def _sharing(row, entry):
    """A saved row (``Finished.keep``) whose document's meta and body, and its page's body, are the
    render cache's entry's (``entry``, or None) very objects where equal to them: a worker that kept
    running holds them once (a page's body is its document's, stripped)."""
    if entry is None:
        return row
    document, (meta, body), archives = row
    same = {name: value for name, value in (("meta", entry.meta), ("body", entry.body))
            if getattr(document, name) == value}
    stripped = entry.body.strip()  # (the very string when nothing is stripped, as in _finish)
    return (replace(document, **same) if same else document, (meta, stripped if body == stripped else body),
            archives)


def _saved_row(path, row):
    """Whether a row read back is of the form ``Finished.keep`` writes for the document at ``path``."""
    return (isinstance(row, tuple) and len(row) == 3 and isinstance(row[0], Document) and row[0].path == path
            and isinstance(row[1], tuple) and len(row[1]) == 2 and isinstance(row[1][0], dict)
            and isinstance(row[1][1], str) and isinstance(row[2], dict))


def _children_alone(old, new):
    """Whether two documents of a path differ in their ``children`` only."""
    return old is not None and new is not None and old.children != new.children and (
        not _differs(replace(old, children=new.children), new))


def _shape(document):
    """What the pages generate makes read of a document: all of it but its attachments' bytes (their
    names only: the QR code's; the files themselves are taken from today's documents at each publish)."""
    return (document.path, document.meta, document.body, document.page_id, document.revision_id,
            document.children, document.group, document.group_order, document.group_key, document.valid_until,
            document.attachments.keys())


def _differs(old, new):
    """Whether the pages made from document ``old`` may differ from those made from ``new`` (either None:
    a document new or gone)."""
    if old is new:
        return False
    return old is None or new is None or _shape(old) != _shape(new)


def _as_saved(document):
    """The document as a saved row keeps it: its attachments' names, without their bytes (``_shape``)."""
    return replace(document, attachments=dict.fromkeys(document.attachments, b""))


SIZE_KEY = ":size"  # (a row of Finished.saved: no document path starts with a colon)


def _latest(tree, memo):
    """The RECENT_ON_HOME newest pieces (最新内容) of ``tree``: from those of the last call (``memo``, a
    Finished, or None) and the documents changed since, when none of those is among them (a piece not
    changed is a piece as then, as new as then), else from every piece."""
    changed, last = (memo.changed, memo.latest) if memo is not None else (None, None)
    if changed is not None and last is not None and last[0] == memo.generation - 1 and not changed & set(last[1]):
        candidates = [tree.documents[path] for path in last[1]]
        candidates += [tree.documents[path] for path in changed if path in tree.documents
                       and is_piece(tree.documents[path])]
        found = newest(candidates, RECENT_ON_HOME)
    else:
        found = newest(tree.leaves(), RECENT_ON_HOME)
    if memo is not None:
        memo.latest = (memo.generation, [document.path for document in found])
    return found


def _finish(document, documents, tree, sequences, now, size, *, old=None, todo=None, latest=()):
    """((front matter, body), its sections' archive pages) of one page document (``finish_documents``;
    ``old`` and ``todo``: listings.paged; ``latest``: the home page's 最新内容, ``_latest``)."""
    path = document.path
    meta = dict(document.meta)
    ancestors = tree.ancestors(path)
    if ancestors:
        meta["breadcrumbs"] = [link(documents[a]) for a in ancestors]
    section = tree.section(path)
    if section is not None:
        meta["section"] = section_info(section)
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
    made = {}
    if document.children:
        meta["sections"], made = document_sections(document, documents, tree, size, old=old, todo=todo)
    if path == "index.md":
        featured = _featured(tree, now)
        if featured:
            meta["featured_campaigns"] = featured
        if latest:
            meta.setdefault("sections", []).append(
                {"title": "最新内容", "key": "latest", "count": len(latest), "items": [tree.card(d) for d in latest]})
    # Never an empty page: its summary or title stands in for a body it does not have.
    body = document.body.strip() or md_text(meta.get("description") or meta["title"])
    return (meta, body), made


def _sequences(documents):
    """{path: {"previous": …, "next": …}} for the children of documents that set ``children_sequence``."""
    found = {}
    for parent in documents.values():
        if not parent.meta.get("children_sequence"):
            continue
        spec = parent.meta.get("children_sort")
        ordered = in_order((documents[c] for c in parent.children if listed(documents[c])), spec)
        if spec and spec.startswith("-") or not spec:
            ordered.reverse()  # oldest first: "previous" is the one before
        for index, document in enumerate(ordered):
            links = {}
            if index > 0:
                links["previous"] = link(ordered[index - 1])
            if index + 1 < len(ordered):
                links["next"] = link(ordered[index + 1])
            if links:
                found[document.path] = links
    return found


def site_files(documents, listings, *, site_name, base_url, description, tree=None):
    """{path: bytes}: the feeds and the sitemap, the only generated output that holds the site's base URL
    (the Traditional mirror makes its own with its base URL from the same documents). With ``tree`` from a
    ``finish_documents`` given a memo (``Finished``), a feed none of whose inputs changed since that memo's
    last call with this base URL, in the publish before, is the very bytes made then, and so is the sitemap."""
    if not documents:
        return {}
    tree = tree or Tree(documents)
    memo = getattr(tree, "finished", None)
    if memo is None or memo.changed is None:
        made = None
    else:
        made = memo.files.get(base_url)
        if made is not None and made.generation != memo.generation - 1:
            made = None
    now = SiteFiles(generation=memo.generation if memo is not None else 0)
    files = feeds(documents, tree=tree, site_name=site_name, base_url=base_url, description=description,
                  made=made, now=now, changed=memo.changed if made is not None else None)
    entries = _listing_entries(listings)
    if made is not None and made.sitemap is not None and entries == made.entries and all(
            _sitemap_entry(made.documents.get(path)) == _sitemap_entry(documents.get(path)) for path in memo.changed):
        files["sitemap.xml"] = made.sitemap
    else:
        files["sitemap.xml"] = sitemap(documents, listings, base_url=base_url)
    now.sitemap, now.entries, now.documents = files["sitemap.xml"], entries, documents
    if memo is not None:
        memo.files[base_url] = now
    return files


@dataclass
class SiteFiles:
    """What ``site_files`` made for one base URL at one publish (Finished.files)."""

    generation: int  # Finished.generation then
    feeds: dict = field(default_factory=dict)  # feed path → (what it was made of: ``_feed_inputs``, bytes)
    sitemap: bytes = None
    entries: list = None  # the generated pages' sitemap entries (``_listing_entries``)
    documents: dict = None  # the documents then


def _sitemap_entry(document):
    """What sitemap.xml says of a document (None: nothing)."""
    if document is None or document.meta.get("retracted"):
        return None
    return document.meta["canonical"], document.meta.get("updated")


def _listing_entries(listings):
    return [path for path, (meta, _body) in listings.items() if path.endswith(".md") and "pager" not in meta]


def navigation(documents, generated):
    """Top navigation: the home page's children (the programmes) by their ``order``, then the
    library and the tags."""
    home = documents.get("index.md")
    top = [documents[path] for path in (home.children if home else []) if listed(documents[path])]
    top.sort(key=lambda d: (d.meta.get("order", 1000), d.path))
    nav = [{"title": d.meta["title"], "path": d.path} for d in top]
    if f"{LIBRARY_DIR}/index.md" in generated:  # (its title: library_title of its members)
        nav.append({"title": generated[f"{LIBRARY_DIR}/index.md"][0]["title"], "path": f"{LIBRARY_DIR}/index.md"})
    if "tags/index.md" in generated:
        nav.append({"title": "标签", "path": "tags/index.md"})
    return nav


def feeds(documents, *, tree=None, site_name, base_url, description, made=None, now=None, changed=None):
    """{path: bytes}: the site's RSS feed, one per top-level section (programme) and one per
    campaign (what it gathers). ``made``, ``now`` and ``changed`` (site_files): the feeds of the last
    publish (SiteFiles), this one's (filled here), the paths of the documents changed since; a feed
    none of whose items, nor any document that could now be one, is among ``changed``, is taken again."""
    tree = tree or Tree(documents)
    home = documents.get("index.md")
    top = home.children if home else []
    wanted = [("feed.xml", None, site_name, "/", description or site_name)]
    for path in [*top, *(p for p in tree.members if p not in top)]:
        section = documents[path]
        self_path = feed_path(path)
        if self_path is None:
            continue
        wanted.append((self_path.lstrip("/"), path, f"{section.meta['title']} - {site_name}", canonical_of(path),
                       section.meta.get("description") or section.meta["title"]))
    result = {}
    for name, path, title, home_link, about in wanted:
        recipe = (path, title, home_link, about, base_url)
        was = made.feeds.get(name) if made is not None else None
        if was is not None and was[0][0] == recipe and not _feed_touched(was[0], path, changed, documents, tree):
            result[name] = was[1]
            if now is not None:
                now.feeds[name] = was
            continue
        items = (tree.members[path] if path in tree.members else tree.leaves(path)) if path else tree.leaves()
        shown = newest(items, FEED_LENGTH)
        result[name] = feed(shown, title=title, base_url=base_url, link=home_link, self_path="/" + name,
                            description=about, shown=True)
        if now is not None:
            now.feeds[name] = ((recipe, [d.path for d in shown], newest_first(shown[-1]) if shown else None,
                                path in tree.members if path else False), result[name])
    return result


def _feed_touched(inputs, path, changed, documents, tree):
    """Whether a document changed since (``changed``) may change a feed made from ``inputs``
    (``feeds``: its recipe, its items' paths, the oldest item's place, whether it is a campaign's): one of
    its items, one of the campaign's members, or a piece under its section that could now be an item."""
    (_recipe, shown, oldest, campaign) = inputs
    if changed is None or path in changed:
        return True
    if campaign or path in tree.members:
        return bool(changed & ({*shown, *(d.path for d in tree.members.get(path, ()))}))
    prefix = posixpath.dirname(path) + "/" if path else ""
    shown = set(shown)
    for changed_path in changed:
        if changed_path in shown:
            return True
        document = documents.get(changed_path)
        if document is None or not changed_path.startswith(prefix) or changed_path == path:
            continue
        if document.children or document.path == "index.md" or document.meta.get("container") or not listed(document):
            continue  # not an item of any feed
        if len(shown) < FEED_LENGTH or newest_first(document) > oldest:
            return True
    return False


def feed(documents, *, title, base_url, link, self_path, description, shown=False):
    """An RSS 2.0 feed of the latest items. Dates come from the content, never from the clock.
    ``shown``: ``documents`` are the items already (``newest`` of them)."""
    base = base_url.rstrip("/")
    items = documents if shown else newest(documents, FEED_LENGTH)

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
    so the same content gives the same sitemap) and every generated page (tags …, ``generated``: {path: (meta,
    body)}) but archive pages (``pager``: each piece is in the sitemap itself)."""
    base = base_url.rstrip("/")
    entries = [(d.meta["canonical"], d.meta.get("updated")) for d in documents.values() if not d.meta.get("retracted")]
    entries += [(canonical_of(path), None) for path, (meta, _body) in generated.items()
                if path.endswith(".md") and "pager" not in meta]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for canonical, updated in sorted(entries):
        lastmod = f"<lastmod>{updated}</lastmod>" if updated else ""
        lines.append(f"<url><loc>{escape(base + quote(canonical))}</loc>{lastmod}</url>")
    lines += ["</urlset>", ""]
    return "\n".join(lines).encode("utf-8")
