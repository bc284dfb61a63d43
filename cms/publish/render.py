"""The render cache, and rendering: public pages → documents (front matter and Markdown body).

A publish worker lives long and publishes often; most pages have not changed since the last
publish. A page's document is a function of its live revision, of the other pages it reads
(through the context, or through its type's ``export_prefetch``: a related story) and of the
other objects it reads (images, documents, snippets, tags). A new revision, a move or a rename
changes the page's row in wagtailcore_page, so the plan first reads only those rows (one query),
and the objects cached documents used (one query per model), and only the pages whose own row,
or any page or object they read, differs from what the cache recorded are loaded and rendered (a
page read by another is compared by its row without the columns a draft, a child or a lock
changes: pages.PageRow.content).
Objects that belong to a page (inline panels: honours, sources …) change only with its revision.

The rule for code: change a live page's content by publishing a revision, as the admin does. A
live page's own fields saved directly (``page.save()`` without a revision) change no column of
wagtailcore_page, so a worker that keeps the page's document in memory does not see them (comparing
every page's own fields on every publish would cost each approval a pass over the whole site). They
reach the site at the worker's next start or the next ``publish_site``: a new process starts from
the entries the last one saved (render_store.py), and each of those must pass, besides the checks
above, a digest of the page's own fields (``source_digests``, in the database) equal to the one
taken when it was rendered.
"""

import functools
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import MD5, Cast, Coalesce
from django.utils import translation
from django.utils.module_loading import import_string
from modelcluster.fields import ParentalKey
from wagtail.models import Page

from . import render_store
from .context import asset_writer, fingerprint, query_digest, recorder
from .errors import ExportError
from .pages import PREFETCH_SLICE, RowMemo, load_pages
from .paths import attachment_path
from .protocol import Document


@dataclass
class Entry:
    key: tuple  # (document path, page row signature)
    reads: dict  # what the context recorded, plus the objects export_prefetch loaded
    meta: dict
    body: str
    assets: dict
    valid_until: object = None  # datetime: the document expires then (front matter ``valid_until``)
    attachments: dict = None  # content path → bytes: files beside the document
    source: str = None  # digest of the page's own fields when it was rendered (source_digests)


def valid_until(meta, now):
    """The moment a document's front matter says it expires, if still ahead of ``now``, else None."""
    value = meta.get("valid_until")
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment > now else None


@dataclass
class Checked:
    """What the last ``render`` was given and made (RenderCache.last), so that the next plan takes an
    unchanged page's document as it is, without comparing each of its reads again (``unchanged``)."""

    rows: dict  # page id → PageRow (pages.public_rows gives an unchanged row's very object again)
    paths: dict  # page id → document path
    entries: dict  # page id → the Entry its document was made or taken from
    documents: dict  # page id → its assembled Document (handed out: never changed afterwards)
    queries: dict  # query label → state (context.Recorder.query_state)
    sites: dict  # site attribute → value (("site", name) reads)
    objects: dict  # (model label, pk) → (fingerprint, object or None) of the objects the entries read
    assets: dict  # content path → writer, of every document


class RenderCache:
    """{page id: Entry}: the documents rendered before, and what each was made from."""

    def __init__(self):
        self.entries = render_store.SavedMemo()  # saved to disk after each swap: what changed since the last save
        self.unchecked = set()  # page ids of entries read from disk, not yet compared with their page's fields
        self.rows = RowMemo()  # pages.public_rows' memo: an unchanged row's PageRow is the same object
        self.last = None  # Checked: what the last render was given and made, or None
        self.indexed = {}  # page id → the entry ``objects_read`` last looked at
        self.readers = {}  # (model label, pk) of an object → {page id of an entry reading it}
        # {page type label: its context.Recorder.query_rows when last read}, of the queries a page type narrows
        # (``export_returning``): saved to disk too, so that ``lookup`` in a new worker can say which pages
        # of the type changed since an entry read the query (``_spared``)
        self.queries = render_store.SavedMemo()

    def clear(self):
        self.entries.clear()
        self.queries.clear()
        self.unchecked.clear()
        self.rows.clear()
        self.last = None
        self.indexed, self.readers = {}, {}

    def restore(self, entries):
        """Take ``entries`` ({page id: Entry}, from disk) where nothing newer is held. Until
        ``check_restored`` has compared them with their pages' own fields, none is used."""
        self.unchecked.update(entries.keys() - self.entries.keys())
        self.entries.restore(entries)

    def prune(self, rows):
        """Forget the entries of pages not among ``rows`` (today's public pages): deleted, unpublished."""
        self.entries.prune({row.pk for row in rows})
        self.unchecked &= self.entries.keys()

    def check_restored(self, rows):
        """Drop the entries read from disk that a save without a revision may have made stale: of a
        page not among ``rows`` (today's public pages), of a page whose own fields differ from those
        it was rendered from, or that read such a page (directly or by a query over its type), unless
        that page's row differs too from the one its entry was rendered from (a new revision, a move:
        what reads it sees that, as in a worker that kept running); a page without an entry counts as
        changed. Their pages are rendered again."""
        if not self.unchecked:
            return
        today = source_digests(rows)
        changed = {}
        for row in rows:
            entry = self.entries.get(row.pk)
            if entry is None or entry.source != today.get(row.pk):
                if entry is None or entry.key[1] == row.signature or row.pk not in self.unchecked:
                    changed[row.pk] = row.specific_class
                else:
                    del self.entries[row.pk]  # (its own row changed: rendered again in any case)
                    self.unchecked.discard(row.pk)
        public = {row.pk for row in rows}
        for page_id in list(self.unchecked):
            entry = self.entries[page_id]
            if page_id not in public or page_id in changed or (
                    changed and any(_reads_any(key, changed) for key in entry.reads)):
                del self.entries[page_id]
        self.unchecked.clear()

    def current_objects(self, rows):
        """{(model label, pk): (fingerprint, object)} today, of every object a cached document used (of
        one of ``rows``: the entries of the other pages are pruned first, ``prune``), found by
        ``objects_read`` (which looks again only at the entries that changed since its last call)."""
        wanted = {}
        for kind, pk in self.objects_read() if rows else ():
            wanted.setdefault(kind, set()).add(pk)
        current = {}
        for label, pks in wanted.items():
            model = apps.get_model(label)
            ordered = sorted(pks)
            for start in range(0, len(ordered), PREFETCH_SLICE):
                found = model.objects.in_bulk(ordered[start : start + PREFETCH_SLICE])
                current.update({(label, pk): (fingerprint(obj), obj) for pk, obj in found.items()})
        return current

    def objects_read(self):
        """The (model label, pk) of every object (not a page, query or site setting) an entry read. Kept
        between calls ({object: the pages reading it}), updated for the entries that are not the very
        objects of the last call."""
        indexed, readers = self.indexed, self.readers
        for page_id in indexed.keys() - self.entries.keys():
            self._unindex(page_id, indexed.pop(page_id))
        for page_id, entry in self.entries.items():
            before = indexed.get(page_id)
            if before is not entry:
                if before is not None:
                    self._unindex(page_id, before)
                indexed[page_id] = entry
                for key in entry.reads:
                    if key[0] not in ("page", "query", "site"):
                        readers.setdefault(key, set()).add(page_id)
        return list(readers)

    def _unindex(self, page_id, entry):
        for key in entry.reads:
            reading = self.readers.get(key)
            if reading is not None:
                reading.discard(page_id)
                if not reading:
                    del self.readers[key]

    def changes(self, context, current):
        """What differs today from what the last render saw (a ``Changes``), or None when there was no
        last render. ``context``: today's (its rows and paths filled), ``current``: ``current_objects``.

        Its keys are the reads (Entry.reads keys) whose value changed: the pages whose content
        (PageRow.content: not a draft or a child added) or path changed or that are gone, the queries,
        site settings and objects that changed, and the objects the last render did not look at. A
        query over page types none of whose rows changed keeps its state, unread. Where a page type
        says which of its pages a query over a page type returns (``export_returning``, see
        ``Changes``), those pages are asked of the pages changed or added since, once per type and
        query."""
        last = self.last
        if last is None:
            return None
        record = recorder(context)
        keys = set()
        touched = set()  # the classes of the pages changed, added or gone
        rows = []  # the rows changed or added
        for pk, row in context.rows.items():
            before = last.rows.get(pk)
            if before is not row:
                if before is None or before.content != row.content:  # (what a page reading it read: page_state)
                    keys.add(("page", pk))
                touched.add(row.specific_class)
                rows.append(row)
        for pk in last.rows.keys() - context.rows.keys():
            keys.add(("page", pk))
            touched.add(last.rows[pk].specific_class)
        if context.paths != last.paths:
            keys.update(("page", pk) for pk, path in context.paths.items() if last.paths.get(pk) != path)
        queries = {}
        for label, state in last.queries.items():
            model = apps.get_model(label)
            if issubclass(model, Page) and not any(issubclass(cls, model) for cls in touched):
                record.known_query_state(label, state)
            elif record.query_state(label) != state:
                keys.add(("query", label))
                if issubclass(model, Page):
                    queries[label] = [row.pk for row in rows if issubclass(row.specific_class, model)]
        keys.update(("site", name) for name, value in last.sites.items() if getattr(context, name) != value)
        keys.update(key for key, (value, _obj) in last.objects.items() if current.get(key, (None,))[0] != value)
        keys.update(current.keys() - last.objects.keys())  # (read first by a page the last render rendered)
        return Changes(keys, _returning(queries, {row.specific_class for row in context.rows.values()}))

    def unchanged(self, row, context, changed):
        """The page's document as the last render handed it out, when nothing it was made from has
        changed since (``changed``: a ``Changes``; its row the same object, its path and entry the
        same, none of its reads among ``changed``, or only queries that return none of the pages
        changed), else None (``lookup`` decides). Its assets are registered with ``context`` as then.
        A page kept although a query it read changed has that read set to the query's state today
        (its entry replaced: saved again), so that ``lookup`` takes it too."""
        last, entry = self.last, self.entries.get(row.pk)
        if (changed is None or entry is None or last.rows.get(row.pk) is not row
                or last.entries.get(row.pk) is not entry or last.paths.get(row.pk) != context.current_path
                or row.pk in self.unchecked or getattr(row.specific_class, "export_always", False)
                or (entry.valid_until is not None and context.now >= entry.valid_until)):
            return None
        queries = []
        for key in changed.keys:
            if key in entry.reads:
                if key[0] != "query" or not changed.spares(row, key[1]):
                    return None
                queries.append(key[1])
        if queries:
            record = recorder(context)
            self.entries[row.pk] = replace(entry, reads={
                **entry.reads, **{("query", label): record.query_state(label) for label in queries}})
        for path in entry.assets:
            context.assets[path] = last.assets[path]
        return last.documents[row.pk]

    def lookup(self, row, context, current):
        """The page's document from the cache if nothing it was made from has changed, else None.
        ``context.current_path`` is the page's path; its cached assets are registered with today's objects."""
        entry = self.entries.get(row.pk)
        if entry is None or row.pk in self.unchecked or entry.key != (context.current_path, row.signature):
            return None
        if getattr(row.specific_class, "export_always", False):
            return None
        if entry.valid_until is not None and context.now >= entry.valid_until:
            return None
        spared, record = [], recorder(context)
        for (kind, pk), value in entry.reads.items():
            if kind == "page":
                now = record.page_state(pk)
            elif kind == "site":
                now = getattr(context, pk)
            elif kind == "query":
                now = record.query_state(pk)
            else:
                now = current.get((kind, pk), (None,))[0]
            if now != value:
                if kind == "query" and self._spared(row, pk, value, context):
                    spared.append(pk)
                    continue
                return None
        if spared:  # (its reads as today's: the entry is saved again, and the next plan takes it as it is)
            self.entries[row.pk] = entry = replace(entry, reads={
                **entry.reads, **{("query", label): record.query_state(label) for label in spared}})
        for path, (label, pk, spec) in entry.assets.items():
            context.assets[path] = asset_writer(current[(label, pk)][1], spec)  # the writer reads today's file
        return Document(path=context.current_path, meta=dict(entry.meta), body=entry.body,
                        valid_until=entry.valid_until and entry.valid_until.isoformat(),
                        attachments=dict(entry.attachments or {}))

    def _spared(self, row, label, state, context):
        """Whether the page of ``row`` is kept although the query ``label`` it read at ``state`` is not
        as it was: its type says which of its pages the query returns one of the pages of the label's
        type changed or added since (``export_returning``, as ``Changes``), and it is not among them.
        Those pages are known from the query's rows saved (``queries``) when their digest is ``state``;
        else it is not kept."""
        cls = row.specific_class
        if getattr(cls, "export_returning", None) is None or label not in getattr(cls, "export_depends_on", ()):
            return False
        found = context.once(("returning since", cls, label, state),
                             lambda: self._returning_since(cls, label, state, context))
        return found is not None and row.pk not in found

    def _returning_since(self, cls, label, state, context):
        """The ids of the pages of ``cls`` whose query ``label`` returns a page changed or added since the
        query was at ``state`` (``_spared``), or None when that is not known."""
        saved = self.queries.get(label)
        if not isinstance(saved, list) or query_digest(saved) != state:
            return None
        before = set(saved)
        ids = [pk for pk, path, signature in recorder(context).query_rows(label) if (pk, path, signature) not in before]
        if len(ids) > MANY_CHANGED:
            return None
        pages = cls.export_returning(label, ids)
        return None if pages is None else set(pages)

    def keep_queries(self, context, rows):
        """After a render: ``queries`` takes the rows read this publish of each query a page type among
        ``rows`` narrows (``export_returning``), and forgets the others."""
        narrowed = {label for cls in {row.specific_class for row in rows}
                    if getattr(cls, "export_returning", None) is not None
                    for label in getattr(cls, "export_depends_on", ())
                    if issubclass(apps.get_model(label), Page)}
        for label in self.queries.keys() - narrowed:
            del self.queries[label]
        for label, found in recorder(context).query_rows_made().items():
            if label in narrowed and self.queries.get(label) != found:
                self.queries[label] = found

    def render(self, page, row, context, *, source=None):
        """Render ``page`` at ``context.current_path`` and keep the document (``source``: the digest
        of its own fields, taken before it was loaded; an entry without one is not saved to disk)."""
        record = recorder(context)
        uses = record.begin(context.current_path)
        for label in getattr(page, "export_depends_on", ()):
            record.record_query(label)
        document = page.to_document(context)
        attach = getattr(page, "attachments", None)
        files = {**(attach(context) if attach else {}), **_qr_code(document, context)}
        document.attachments = {attachment_path(context.current_path, name): data for name, data in files.items()}
        _record_prefetched(page, context)
        expires = valid_until(document.meta, context.now)
        document.valid_until = expires and expires.isoformat()
        self.entries[page.pk] = Entry((context.current_path, row.signature), dict(uses.reads), dict(document.meta),
                                      document.body, dict(uses.assets), expires, dict(document.attachments), source)
        return document


QR_NAME = "qr.svg"  # (generate.QR_FILE)


def _qr_code(document, context):
    """{"qr.svg": bytes}: the QR code of the document's absolute URL (``settings.KEPU_PAGE_QR_CODE``,
    a function of the URL giving an SVG), or {} without one. Rendered again if the site's address changes."""
    make = qr_maker()
    if make is None or not document.meta.get("canonical"):
        return {}
    context.uses.reads[("site", "base_url")] = context.base_url
    url = context.base_url.rstrip("/") + document.meta["canonical"]
    return {QR_NAME: make(url).encode("utf-8")}


def qr_maker():
    """The site's QR code function (``settings.KEPU_PAGE_QR_CODE``: a URL → an SVG), or None."""
    return import_string(settings.KEPU_PAGE_QR_CODE) if settings.KEPU_PAGE_QR_CODE else None


class QRCodes:
    """The generated pages' QR codes (tags, library …: generate.py), {URL: SVG bytes}, each drawn once
    and kept by the worker (PublishState.qr) and on disk with the render cache (``codes``: memo "qr"),
    so a new process draws only the new ones. A key names the QR function too
    (``settings.KEPU_PAGE_QR_CODE``). Each publish asks for every generated page's code (``maker``);
    ``prune`` then forgets those it did not ask for (pages no longer published)."""

    def __init__(self):
        self.codes, self.used = render_store.SavedMemo(), None

    def maker(self):
        """A function of an absolute URL giving its QR code's SVG bytes, or None (no QR codes)."""
        self.used = set()
        make = qr_maker()
        if make is None:
            return None

        def svg(url):
            key = f"{settings.KEPU_PAGE_QR_CODE} {url}"
            self.used.add(key)
            found = self.codes.get(key)
            if found is None:
                found = self.codes[key] = make(url).encode("utf-8")
            return found

        return svg

    def restore(self, saved):
        self.codes.restore({key: value for key, value in saved.items() if isinstance(value, bytes)})

    def prune(self):
        """Forget the codes the last publish did not ask for (``maker``)."""
        if self.used is not None:
            self.codes.prune(self.used)

    def clear(self):
        self.codes.clear()
        self.used = None


def _belongs_to_page(obj):
    """An inline object (honour, source, related-story link): saved with its page's revision."""
    return any(isinstance(f, ParentalKey) for f in obj._meta.concrete_fields)


def _record_prefetched(page, context):
    """Record what ``export_prefetch`` loaded onto ``page``: other pages and other objects."""
    record = recorder(context)
    for lookup in getattr(page, "export_prefetch", ()):
        objects = [page]
        for part in lookup.split("__"):
            found = []
            for obj in objects:
                cache = getattr(obj, "_prefetched_objects_cache", {})
                if part in cache:
                    found.extend(cache[part])
                else:
                    related = getattr(obj, part)
                    if hasattr(related, "all"):  # a relation not prefetched after all
                        found.extend(related.all())
                    elif related is not None:
                        found.append(related)
            for obj in found:
                if isinstance(obj, Page):
                    record.record_page(obj.pk)
                elif not _belongs_to_page(obj):
                    context.record_object(obj)
            objects = found


def _reads_any(key, pages):
    """Whether a read (an Entry.reads key) is of one of ``pages`` ({page id: class}) or a query over its type."""
    kind, value = key
    if kind == "page":
        return value in pages
    if kind == "query":
        model = apps.get_model(value)
        return issubclass(model, Page) and any(issubclass(cls, model) for cls in pages.values())
    return False


@dataclass
class Changes:
    """What changed since the last render (RenderCache.changes).

    ``returning``: {(page class, query label): ids of the pages of that class whose query returns
    one of the pages of the label's type changed or added since}, for the classes that say so
    (``export_returning``, a classmethod of a page type declaring the label in ``export_depends_on``:
    given the label and those pages' ids, the ids of its pages whose query over the label returns
    any of them today, more will do; None: it cannot say). Such a page type records (``context.url``)
    every page its query returned, so that a page that changes, goes or leaves the query is a read of
    its own; a page of it not among the ids is kept although the query's state changed."""

    keys: set  # the Entry.reads keys whose value changed
    returning: dict = field(default_factory=dict)

    def spares(self, row, label):
        """Whether the page of ``row`` is kept though the query ``label`` changed: its type said which
        of its pages the query returns a changed page to, and it is not among them."""
        found = self.returning.get((row.specific_class, label))
        return found is not None and row.pk not in found


MANY_CHANGED = PREFETCH_SLICE  # more pages changed than this: every page that read the query renders again


def _returning(queries, classes):
    """Changes.returning, of the page types among ``classes`` that declare each query of ``queries``
    ({label: ids of the pages of its type changed or added})."""
    found = {}
    for label, ids in queries.items():
        if len(ids) > MANY_CHANGED:
            continue
        for cls in classes:
            returning = getattr(cls, "export_returning", None)
            if returning is not None and label in getattr(cls, "export_depends_on", ()):
                pages = returning(label, ids)
                if pages is not None:
                    found[(cls, label)] = set(pages)
    return found


def own_fields(cls):
    """The columns of a page type that wagtailcore_page does not hold (its table, and any concrete
    parent's between it and Page): what ``page.save()`` changes without a revision."""
    return [field for field in cls._meta.concrete_fields if field.model is not Page and not field.primary_key]


def source_digests(rows):
    """{page id: MD5 of the page's own fields} (``own_fields``), computed by the database: one query
    per page type, nothing but the digests read back: of the pages asked for when they are few, else
    of every live page of the type (Django binds a long list of ids as parameters slowly)."""
    by_class, found = {}, {}
    for row in rows:
        by_class.setdefault(row.specific_class, []).append(row.pk)
    for cls, ids in by_class.items():
        separator = Cast(Value("\x1f"), TextField())
        parts = [separator]  # (a type may add no field)
        for column in own_fields(cls):  # flat: SQLite's parser refuses Concat's nesting over many fields
            parts += [Coalesce(Cast(F(column.attname), TextField()), Value("\x1e")), separator]
        digest = MD5(Func(*parts, template="(%(expressions)s)", arg_joiner=" || ", output_field=TextField()))
        if len(ids) <= FEW_IDS:  # (an approval's pages)
            found.update(cls._base_manager.filter(pk__in=ids).annotate(kepu_source=digest)
                         .values_list("pk", "kepu_source"))
            continue
        wanted = set(ids)  # many (a new process checking what it read from disk): every live page of the type
        found.update(row for row in cls._base_manager.filter(live=True).annotate(kepu_source=digest)
                     .values_list("pk", "kepu_source").iterator(chunk_size=2000) if row[0] in wanted)
    return found


FEW_IDS = 50


@dataclass
class Rendered:
    documents: dict  # document path → Document (page_id, revision_id, group, children filled)
    assets: dict  # content path → writer


def render(plan, cache, *, progress=None):
    """Render what the plan found stale, take the rest from it, and assemble the page tree.

    The stale pages are loaded a slice at a time (``PREFETCH_SLICE``, with what their types read
    prefetched) and let go once rendered, so memory follows the slice, not the site; the ancestors
    their types read (programme, column: ``context.parent``/``ancestor``) are loaded first and kept.
    What it was given and made is kept for the next plan (``cache.last``)."""
    context, documents, stale = plan.context, dict(plan.reused), plan.stale
    sources = source_digests(stale)  # before loading: a save in between makes the digest older, not newer
    ancestors = {row.path[:end] for row in stale for end in range(Page.steplen, len(row.path), Page.steplen)}
    context.pages.update(load_pages([context.by_tree_path[p] for p in ancestors if p in context.by_tree_path]))
    kept = set(context.pages)
    for start in range(0, len(stale), PREFETCH_SLICE):
        chunk = stale[start : start + PREFETCH_SLICE]
        context.pages.update(load_pages([row for row in chunk if row.pk not in kept]))
        for done, row in enumerate(chunk, start + 1):
            if progress:
                progress("render", done, len(stale))
            context.current_path = plan.paths[row.pk]
            documents[row.pk] = cache.render(context.pages[row.pk], row, context, source=sources.get(row.pk))
        for row in chunk:
            if row.pk not in kept:
                del context.pages[row.pk]
    last, cache.last = cache.last, None  # (while assembling: a failure leaves no half-made memo)
    by_path = _assemble(plan, documents, last)
    cache.last = Checked(
        rows={row.pk: row for row in plan.rows}, paths=dict(plan.paths),
        entries={row.pk: cache.entries.get(row.pk) for row in plan.rows},
        documents={document.page_id: document for document in by_path.values()},
        queries=recorder(context).query_states(), sites={"base_url": context.base_url},
        objects=_objects_read(plan, cache), assets=dict(context.assets))
    cache.keep_queries(context, plan.rows)
    return Rendered(by_path, dict(context.assets))


def _objects_read(plan, cache):
    """Checked.objects: the objects the plan found the cached documents read (``plan.current``) and
    those the documents rendered now read first, as they read them (today's)."""
    objects = dict(plan.current or {})
    for row in plan.stale:
        for key, value in cache.entries[row.pk].reads.items():
            if key[0] not in ("page", "query", "site") and key not in objects:
                objects[key] = (value, None)
    return objects


def _same_tree(plan, last):
    """Whether the page tree is the one the last render assembled (the same pages at the same paths,
    of the same types: each document's children the same)."""
    if last is None or plan.paths != last.paths:
        return False
    for row in plan.rows:
        before = last.rows.get(row.pk)
        if before is not row and (before is None or before.path != row.path
                                  or before.specific_class is not row.specific_class):
            return False
    return True


def _assemble(plan, documents, last=None):
    """{path: Document} with each document's page, revision, type group and children filled in.
    ``last``: what the last render made (Checked) or None. A document it handed out (``unchanged``) is
    never changed: taken as it is when the tree is the same, else copied; when the tree is the same the
    others get the children their page had then, else each its children anew."""
    root, by_tree_path = plan.root, plan.context.by_tree_path
    before = last.documents if last is not None else {}
    same = _same_tree(plan, last)
    by_path = {}
    for row in plan.rows:
        document = documents[row.pk]
        if before.get(row.pk) is document:
            if same:
                by_path[document.path] = document
                continue
            document = replace(document, meta=dict(document.meta), children=[])
        if document.path != plan.paths[row.pk]:
            raise ExportError(f"{row.specific_class.__name__} 导出到了意外的路径 {document.path}")
        document.page_id = row.pk
        document.revision_id = row.live_revision_id
        document.meta["page_id"] = row.pk
        document.meta["revision"] = row.live_revision_id
        document.group = group_name(row.specific_class)
        document.group_key = listing_key(row.specific_class)
        parent = by_tree_path.get(row.path[: -Page.steplen])
        if row.pk != root.pk:
            document.group_order = _group_order(row, parent)
        by_path[document.path] = document
        if same:
            document.children = list(before[row.pk].children)
        elif row.pk != root.pk:
            by_path[plan.paths[parent.pk]].children.append(document.path)
    if not same:
        for document in by_path.values():
            document.children.sort()
    return by_path


@functools.cache
def _group_name(cls, language):
    return str(cls._meta.verbose_name_plural)  # in the active language


def group_name(cls):
    return _group_name(cls, translation.get_language())


def listing_key(cls):
    """The key of a page type's pages in their parent's listing (``Publishable.listing_key``), or ""."""
    return getattr(cls, "listing_key", None) or ""


def forget():
    """Empty the group-name memo (pure; this only frees memory)."""
    _group_name.cache_clear()


def _group_order(row, parent):
    """The position of the page's type among the types its parent allows (stories before columns …)."""
    allowed = list(parent.specific_class.allowed_subpage_models())
    return allowed.index(row.specific_class) if row.specific_class in allowed else len(allowed)
