"""Export: live, public pages → Markdown documents with front matter (JSON, read as YAML) under content/.

Deterministic: the same live content gives byte-identical files, and files whose bytes would
not change are not written at all. Page types render themselves (``Publishable.to_document``);
this module only places, links and lists the documents it is given.
"""

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone, translation
from modelcluster.fields import ParentalKey
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.moderation.sanitiser import url_scheme

from . import fsutil
from .errors import ExportError
from .markdown_text import md_link, md_text, md_url
from .paths import canonical_of, check_paths, relative, safe_name
from .paths import document_path as _document_path
from .protocol import Document, Publishable
from .richtext import richtext_to_markdown

MANIFEST_NAME = ".manifest.json"
KEEP = {"README.md", MANIFEST_NAME}
IMAGE_WIDTHS = (480, 960, 1440)
PREFETCH_SLICE = 500


@dataclass(frozen=True)
class PageRow:
    """A page as the exporter first sees it: its row in wagtailcore_page, without the specific
    fields. Enough to decide what is exported, where it goes and whether it changed."""

    pk: int
    path: str
    slug: str
    specific_class: type
    live_revision_id: int | None
    signature: str  # digest of the whole row: a new revision, a move or a rename changes it

    steplen = Page.steplen


_ROW_FIELDS = [model_field.attname for model_field in Page._meta.concrete_fields]


def exportable_rows():
    """(root page, [PageRow]) of the live, public, unexpired pages of the default site whose every
    ancestor is exported too, in tree order. One query, no specific fields.

    Only pages with a live revision count (what an approver published); the site root is the
    exception, so that a home page created by a migration still gives the site its front page.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None, []
    root = site.root_page
    now = timezone.now()
    values = (
        Page.objects.descendant_of(root, inclusive=True).live().public()
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .order_by("path").values_list(*_ROW_FIELDS)
    )
    at = {name: index for index, name in enumerate(_ROW_FIELDS)}
    kept, kept_paths = [], set()
    for row in values:
        pk, path = row[at["id"]], row[at["path"]]
        if pk != root.pk and path[: -Page.steplen] not in kept_paths:
            continue  # an ancestor is not public (draft, private, expired, unpublishable): neither is this
        cls = ContentType.objects.get_for_id(row[at["content_type_id"]]).model_class()
        if cls is None or not issubclass(cls, Publishable):
            continue
        if row[at["live_revision_id"]] is None and pk != root.pk:
            # Live but never published through a revision (made in code): no approved revision to show.
            continue
        signature = hashlib.sha1(repr(row).encode()).hexdigest()
        kept.append(PageRow(pk, path, row[at["slug"]], cls, row[at["live_revision_id"]], signature))
        kept_paths.add(path)
    return root, kept


def load_pages(rows, root):
    """{pk: specific page} for ``rows``, with what their types' ``to_document`` reads prefetched."""
    wanted = {row.pk for row in rows}
    if len(wanted) > PREFETCH_SLICE:  # most of the site: one pass over the tree, not a giant IN (…)
        pages = [p for p in Page.objects.descendant_of(root, inclusive=True).live().order_by("path").specific()
                 if p.pk in wanted]
    else:
        pages = list(Page.objects.filter(pk__in=wanted).specific()) if wanted else []
    prefetch(pages)
    return {page.pk: page for page in pages}


def prefetch(pages):
    """Fetch what each page type's ``to_document`` reads (``export_prefetch``), one query per relation."""
    by_class = {}
    for page in pages:
        by_class.setdefault(type(page), []).append(page)
    for cls, group in by_class.items():
        lookups = getattr(cls, "export_prefetch", ())
        # In slices: one lookup over thousands of pages makes an SQL expression too deep for SQLite.
        for start in range(0, len(group) if lookups else 0, PREFETCH_SLICE):
            prefetch_related_objects(group[start : start + PREFETCH_SLICE], *lookups)


def document_path(page, root, by_tree_path=None):
    """content/-relative path of an exported page (see paths.document_path).

    ``by_tree_path`` ({treebeard path: page}, every exported page) spares a query per page.
    """
    if page.pk == root.pk:
        return _document_path((), is_root=True, has_children=False)
    if by_tree_path is not None:
        steps = range(len(root.path) + page.steplen, len(page.path) + 1, page.steplen)
        slugs = [by_tree_path[page.path[:end]].slug for end in steps]
    else:
        ancestors = Page.objects.ancestor_of(page, inclusive=True).filter(depth__gt=root.depth).order_by("depth")
        slugs = [p.slug for p in ancestors]
    return _document_path(slugs, is_root=False, has_children=bool(page.specific_class.allowed_subpage_models()))


def local_date(value):
    return timezone.localtime(value).date().isoformat() if value else None


def local_time(value):
    """``2026-11-30T12:05:09+08:00``: the site's time zone (Asia/Shanghai), to the second."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@dataclass
class ExportContext:
    """What a page type gets to render itself: paths, links, rich text, images, files."""

    root: Page
    paths: dict  # page id → document path
    assets: dict = field(default_factory=dict)  # content path → callable writing bytes, or None
    current_path: str = ""
    by_tree_path: dict = field(default_factory=dict)  # treebeard path → PageRow of every exported page
    rows: dict = field(default_factory=dict)  # page id → PageRow
    pages: dict = field(default_factory=dict)  # page id → specific page, those loaded so far
    # What the document being rendered read through this context, for the render cache:
    # {("page", pk): (path, row signature)}, {(model label, pk): fingerprint} and
    # {asset path: (model label, pk, rendition spec or None)}.
    uses: dict = field(default_factory=dict)
    used_assets: dict = field(default_factory=dict)

    # Dependencies (for the render cache) ---------------------------------------------------
    def page_use(self, page_id):
        """Record that the current document depends on another page: its path and its content."""
        self.uses[("page", page_id)] = self.page_state(page_id)

    def page_state(self, page_id):
        """(path, row signature) of a page as exported now; (None, None) for a page that is not."""
        row = self.rows.get(page_id)
        return (self.paths.get(page_id), row.signature if row else None)

    def object_use(self, obj):
        self.uses[(obj._meta.label_lower, obj.pk)] = fingerprint(obj)

    def specific(self, row):
        """The specific page of an exported row (loaded once per export)."""
        if row.pk not in self.pages:
            self.pages[row.pk] = Page.objects.get(pk=row.pk).specific
        return self.pages[row.pk]

    # Paths and links -----------------------------------------------------------------------
    def path_of(self, page):
        self.page_use(page.pk)
        return self.paths.get(page.pk)

    def parent(self, page):
        """The exported parent page (specific)."""
        parent = self.by_tree_path.get(page.path[: -page.steplen])
        if parent is None:
            return page.get_parent().specific
        self.page_use(parent.pk)
        return self.specific(parent)

    def ancestor(self, page, model):
        """The nearest exported ancestor that is a ``model`` (e.g. the programme)."""
        for end in range(len(page.path) - page.steplen, 0, -page.steplen):
            ancestor = self.by_tree_path.get(page.path[:end])
            if ancestor is not None and issubclass(ancestor.specific_class, model):
                self.page_use(ancestor.pk)
                return self.specific(ancestor)
        return model.objects.ancestor_of(page).first()

    def link(self, page):
        """Relative Markdown link target to another exported page, or None if it is not public."""
        if page is None:
            return None
        self.page_use(page.pk)
        target = self.paths.get(page.pk)
        return relative(self.current_path, target) if target else None

    def url(self, page):
        """The public URL path (``/programme/slug/``) of another exported page, or None if it is not public."""
        if page is None:
            return None
        self.page_use(page.pk)
        target = self.paths.get(page.pk)
        return canonical_of(target) if target else None

    def asset_link(self, content_path):
        return relative(self.current_path, content_path)

    # Front matter ----------------------------------------------------------------------------
    def front_matter(self, page, *, kind, description="", programme=None, tags=(), authors=(), image=None,
                     **extra):
        meta = {
            "title": page.title,
            "description": " ".join((description or page.search_description or "").split()),
            "kind": kind,
        }
        if programme is not None:
            meta["programme"] = programme.slug
            meta["programme_title"] = programme.title
        meta["date"] = local_date(page.first_published_at)
        if page.first_published_at:  # when it went live: 最新内容 and the feeds, newest first
            meta["published"] = local_time(page.first_published_at)
        meta["updated"] = local_date(page.last_published_at)
        meta["tags"] = sorted({str(t) for t in tags})
        meta["authors"] = list(authors)
        meta["canonical"] = canonical_of(self.current_path)
        if image:
            meta["image"] = image
        meta.update(extra)
        return meta

    def document(self, page, meta, body):
        return Document(path=self.current_path, meta=meta, body=body)

    # Rich text -------------------------------------------------------------------------------
    def richtext(self, html):
        def page_link(page_id):
            self.page_use(page_id)
            target = self.paths.get(page_id)
            return relative(self.current_path, target) if target else None

        def document_link(doc_id):
            document = get_document_model().objects.filter(pk=doc_id).first()
            self.uses[(get_document_model()._meta.label_lower, doc_id)] = fingerprint(document)
            return self.file(document) if document else None

        def image(image_id, alt, _format):
            img = get_image_model().objects.filter(pk=image_id).first()
            self.uses[(get_image_model()._meta.label_lower, image_id)] = fingerprint(img)
            return self.image(img, alt) if img else ""

        def media(url):
            return md_link(url, url) if url_scheme(url) in ("http", "https") else ""

        return richtext_to_markdown(html, page_link=page_link, document_link=document_link, image=image, media=media)

    # Images and files ------------------------------------------------------------------------
    def image_renditions(self, image, widths=IMAGE_WIDTHS):
        """[(content path, width, height)] of responsive WebP renditions; registers them for export."""
        file_hash = image.get_file_hash()[:12]
        self.object_use(image)
        original_width, original_height = image.width, image.height
        sizes, seen = [], set()
        for width in widths:
            actual = min(width, original_width)
            if actual in seen:
                continue
            seen.add(actual)
            height = max(1, round(original_height * actual / original_width))
            path = f"media/images/{image.pk}-{file_hash}-w{actual}.webp"
            spec = f"width-{actual}|format-webp"
            self.assets[path] = _rendition_writer(image, spec)
            self.used_assets[path] = (image._meta.label_lower, image.pk, spec)
            sizes.append((path, actual, height))
        return sizes

    def picture(self, image, alt="", widths=IMAGE_WIDTHS, default=960):
        """Plain data for a responsive image in front matter (templates lay it out).

        ``{src, width, height, alt, srcset: [{src, width}]}``; paths are relative to content/.
        """
        renditions = self.image_renditions(image, widths=widths)
        fitting = [r for r in renditions if r[1] <= default] or renditions[:1]
        src, width, height = fitting[-1]
        return {"src": src, "width": width, "height": height, "alt": " ".join((alt or "").split()),
                "srcset": [{"src": p, "width": w} for p, w, _ in renditions]}

    def plain(self, text):
        """Plain text (a quote, a caption) as Markdown that shows exactly that text: no HTML, no markup."""
        return md_text(text)

    def external_link(self, text, url):
        """A Markdown link from CMS text and a URL from the CMS (just the text if the URL may not be linked)."""
        return md_link(text, url)

    def image_path(self, image, width=960):
        """One rendition's content path, e.g. for front matter ``image``."""
        renditions = self.image_renditions(image, widths=(width,))
        return renditions[0][0]

    def image(self, image, alt, caption="", credit=""):
        """Markdown for a responsive figure (attr_list + md_in_html; srcset relative to this document)."""
        renditions = self.image_renditions(image)
        default = renditions[min(1, len(renditions) - 1)]
        srcset = ", ".join(f"{self.asset_link(p)} {w}w" for p, w, _ in renditions)
        alt_text = md_text(alt)
        attrs = (
            f'{{ srcset="{srcset}" sizes="(max-width: {default[1]}px) 100vw, {default[1]}px" '
            f'width="{default[1]}" height="{default[2]}" loading="lazy" }}'
        )
        img = f"![{alt_text}]({md_url(self.asset_link(default[0]))}){attrs}"
        caption_text = " ".join(part for part in (caption, f"（{credit}）" if credit else "") if part)
        if not caption_text:
            return f'<figure markdown="span">\n  {img}\n</figure>\n'
        return (f'<figure markdown="span">\n  {img}\n  <figcaption>{md_text(caption_text)}</figcaption>\n'
                "</figure>\n")

    def file(self, document):
        """Relative link to a copy of a Wagtail document, at a stable path."""
        file_hash = document.get_file_hash()[:12]
        self.object_use(document)
        name = safe_name(os.path.basename(document.file.name))
        path = f"media/documents/{document.pk}-{file_hash}/{name}"
        self.assets[path] = _document_writer(document)
        self.used_assets[path] = (document._meta.label_lower, document.pk, None)
        return md_url(self.asset_link(path))


def _rendition_writer(image, spec):
    def write(target):
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as source:
            fsutil.atomic_write(target, source.read())
    return write


def _document_writer(document):
    def write(target):
        with document.file.open("rb") as source:
            fsutil.atomic_write(target, source.read())
    return write


# Serialising ------------------------------------------------------------------------------------

# Front matter is JSON, which is YAML: any generator's YAML parser reads it, and json's C encoder
# writes it far faster than PyYAML's Python representer (25 s of a 10,000-piece publish). Characters YAML
# does not accept raw (C1 controls, DEL, BOM, non-characters) or reads as line breaks (U+2028,
# U+2029) are written as \u escapes, which mean the same in both.
_NOT_YAML_SAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def serialise(meta, body):
    front = json.dumps(meta, ensure_ascii=False, separators=(", ", ": "))  # one line: json's C encoder
    front = _NOT_YAML_SAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", front)
    body = re.sub(r"\n{3,}", "\n\n", body.strip())
    return f"---\n{front}\n---\n\n{body}\n".encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# The render cache ------------------------------------------------------------------------------
#
# A publish worker lives long and publishes often; most pages have not changed since the last
# publish. A page's document is a function of its live revision, of the other pages it reads
# (through the context, or through its type's ``export_prefetch``: a related story) and of the
# other objects it reads (images, documents, snippets, tags). A new revision, a move or a rename
# changes the page's row in wagtailcore_page, so the exporter first reads only those rows (one
# query), and the objects cached documents used (one query per model), and loads and renders only
# the pages whose own row, or any page or object they read, differs from what the cache recorded.
# Objects that belong to a page (inline panels: honours, sources …) change only with its revision.
#
# The rule for code: change a live page's content by publishing a revision, as the admin does. A
# live page's fields saved directly (``page.save()`` without a revision) reach the site at the next
# cold export: a new worker, or the ``publish_site`` command (a new process).

_RENDERED = {}  # page id → _Rendered, for the life of the process


@dataclass
class _Rendered:
    key: tuple  # (document path, page row signature)
    uses: dict  # what the context recorded, plus the objects export_prefetch loaded
    meta: dict
    body: str
    assets: dict


def forget_rendered():
    """Empty the render cache (tests, or after a code change in a long-lived process)."""
    _RENDERED.clear()
    _SERIALISED.clear()


def fingerprint(obj):
    """A digest of every stored field of a model instance (None for None)."""
    if obj is None:
        return None
    digest = hashlib.sha1(type(obj).__name__.encode())
    for model_field in obj._meta.concrete_fields:
        digest.update(b"\x1f" + str(model_field.value_to_string(obj)).encode())
    return digest.hexdigest()


def _belongs_to_page(obj):
    """An inline object (honour, source, related-story link): saved with its page's revision."""
    return any(isinstance(f, ParentalKey) for f in obj._meta.concrete_fields)


def _prefetched_uses(page, context):
    """Record what ``export_prefetch`` loaded onto ``page``: other pages and other objects."""
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
                    context.page_use(obj.pk)
                elif not _belongs_to_page(obj):
                    context.object_use(obj)
            objects = found


def _current_objects(rows):
    """{(model label, pk): (fingerprint, object)} today, of every object a cached document used."""
    wanted = {}
    for row in rows:
        entry = _RENDERED.get(row.pk)
        for kind, pk in entry.uses if entry else ():
            if kind != "page":
                wanted.setdefault(kind, set()).add(pk)
    current = {}
    for label, pks in wanted.items():
        model = apps.get_model(label)
        ordered = sorted(pks)
        for start in range(0, len(ordered), PREFETCH_SLICE):
            found = model.objects.in_bulk(ordered[start : start + PREFETCH_SLICE])
            current.update({(label, pk): (fingerprint(obj), obj) for pk, obj in found.items()})
    return current


def _cached(row, context, current):
    """The page's document from the cache if nothing it was made from has changed, else None."""
    entry = _RENDERED.get(row.pk)
    if entry is None or entry.key != (context.current_path, row.signature):
        return None
    for (kind, pk), value in entry.uses.items():
        now = context.page_state(pk) if kind == "page" else current.get((kind, pk), (None,))[0]
        if now != value:
            return None
    for path, (label, pk, spec) in entry.assets.items():
        obj = current[(label, pk)][1]  # today's object: the writer reads today's file
        context.assets[path] = _rendition_writer(obj, spec) if spec else _document_writer(obj)
    return Document(path=context.current_path, meta=dict(entry.meta), body=entry.body)


def _render(page, row, context):
    context.uses, context.used_assets = {}, {}
    document = page.to_document(context)
    _prefetched_uses(page, context)
    _RENDERED[page.pk] = _Rendered(
        (context.current_path, row.signature), dict(context.uses), dict(document.meta), document.body,
        dict(context.used_assets),
    )
    return document


# The export ------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    manifest: dict
    written: list
    deleted: list


def render_documents(progress=None):
    """Render every exportable page, from the render cache where nothing changed. Returns
    (documents by path, context)."""
    root, rows = exportable_rows()
    if root is None:
        return {}, None
    by_tree_path = {row.path: row for row in rows}
    paths = {row.pk: document_path(row, root, by_tree_path) for row in rows}
    check_paths(paths)
    context = ExportContext(root=root, paths=paths, by_tree_path=by_tree_path, rows={r.pk: r for r in rows})
    current = _current_objects(rows)
    documents, stale = {}, []
    for row in rows:
        context.current_path = paths[row.pk]
        document = _cached(row, context, current)
        if document is None:
            stale.append(row)
        else:
            documents[row.pk] = document
    # Load what must be rendered again, with the ancestors its type reads (programme, column).
    ancestors = {row.path[:end] for row in stale for end in range(Page.steplen, len(row.path), Page.steplen)}
    needed = stale + [by_tree_path[path] for path in ancestors if path in by_tree_path]
    context.pages.update(load_pages(needed, root))
    for done, row in enumerate(stale, 1):
        if progress:
            progress("render", done, len(stale))
        context.current_path = paths[row.pk]
        documents[row.pk] = _render(context.pages[row.pk], row, context)

    by_path = {}
    for row in rows:
        document = documents[row.pk]
        if document.path != paths[row.pk]:
            raise ExportError(f"{row.specific_class.__name__} 导出到了意外的路径 {document.path}")
        document.page_id = row.pk
        document.revision_id = row.live_revision_id
        document.meta["page_id"] = row.pk
        document.meta["revision"] = row.live_revision_id
        document.group = _group_name(row.specific_class, translation.get_language())
        parent = by_tree_path.get(row.path[: -Page.steplen])
        if row.pk != root.pk:
            document.group_order = _group_order(row, parent)
        by_path[document.path] = document
        if row.pk != root.pk:
            by_path[paths[parent.pk]].children.append(document.path)
    for document in by_path.values():
        document.children.sort()
    return by_path, context


@functools.cache
def _group_name(cls, language):
    return str(cls._meta.verbose_name_plural)  # in the active language


def _group_order(row, parent):
    """The position of the page's type among the types its parent allows (stories before columns …)."""
    allowed = list(parent.specific_class.allowed_subpage_models())
    return allowed.index(row.specific_class) if row.specific_class in allowed else len(allowed)


# What the last export wrote, so that a document whose front matter and body are the same as then
# is not serialised again: {"dir": content folder, "files": {path: (meta, body, sha256, size)}}.
_SERIALISED = {}


def _serialised(content_dir, path, meta, body):
    """(sha256, bytes or None) of a document: None when the last export wrote exactly this there."""
    if _SERIALISED.get("dir") != content_dir:
        _SERIALISED.clear()
        _SERIALISED.update({"dir": content_dir, "files": {}})
    last = _SERIALISED["files"].get(path)
    if last is not None and last[1] == body and last[0] == meta:
        return last[2], None
    data = serialise(meta, body)
    digest = sha256(data)
    _SERIALISED["files"][path] = (meta, body, digest, len(data))
    return digest, data


def export(content_dir=None, *, checkpoint=None, progress=None):
    """Render every live page and bring content/ in line, writing only files whose bytes change."""
    from cms.core.models import SiteSettings

    from . import generate

    checkpoint = checkpoint or (lambda name: None)
    progress = progress or (lambda stage, done=None, total=None: None)
    content_dir = Path(content_dir or settings.KEPU_CONTENT_DIR)
    with translation.override(settings.LANGUAGE_CODE):
        documents, context = render_documents(progress)
        tree = generate.Tree(documents)
        pages = generate.finish_documents(documents, tree)  # {path: (meta, body)}
        listings = {**generate.tag_pages(documents, tree), **generate.library_pages(documents, tree)}
        site = SiteSettings.load()
        generated = {path: (sha256(data), data) for path, data in generate.feeds(
            documents, tree=tree, site_name=site.site_name, base_url=site.base_url, description=site.description,
        ).items()} if documents else {}
        if documents:
            data = generate.sitemap(documents, listings, base_url=site.base_url)
            generated["sitemap.xml"] = (sha256(data), data)
        clashes = sorted(set(pages) & (set(listings) | set(generated)))
        if clashes:
            raise ExportError(f"页面路径与发布系统生成的页面冲突：{'、'.join(clashes)}")
        key = str(content_dir.resolve())
        files = {path: _serialised(key, path, *page) for path, page in pages.items()}
        generated.update({path: _serialised(key, path, *page) for path, page in listings.items()})
    assets = dict(context.assets) if context else {}
    every = {**files, **generated}

    content_dir.mkdir(parents=True, exist_ok=True)
    written, deleted = [], []
    total = len(every) + len(assets)
    for done, (path, (_digest, data)) in enumerate(sorted(every.items()), 1):
        if data is None:  # what the last export wrote here: write it only if it is no longer there
            try:
                if os.stat(os.path.join(content_dir, path)).st_size == _SERIALISED["files"][path][3]:
                    continue
            except FileNotFoundError:
                pass
            data = serialise(*(pages.get(path) or listings[path]))
        target = content_dir / path
        progress("write", done, total)
        if not target.is_file() or target.read_bytes() != data:
            fsutil.atomic_write(target, data)
            written.append(path)
            checkpoint("export-write")
    for done, (path, writer) in enumerate(sorted(assets.items()), len(every) + 1):
        target = content_dir / path
        if not target.is_file():
            progress("write", done, total)
            writer(target)
            written.append(path)
            checkpoint("export-write")

    expected = set(every) | set(assets) | KEEP
    for folder, _dirs, names in os.walk(content_dir, topdown=False):
        base = os.path.relpath(folder, content_dir)
        for name in names:
            rel = name if base == "." else f"{base}/{name}"
            if rel not in expected:
                os.unlink(os.path.join(folder, name))
                deleted.append(rel.replace(os.sep, "/"))
        if base != "." and not os.listdir(folder):
            os.rmdir(folder)

    manifest = {
        "version": 1,
        "pages": {
            path: {"page": documents[path].page_id, "revision": documents[path].revision_id, "sha256": digest}
            for path, (digest, _data) in sorted(files.items())
        },
        "generated": {path: {"sha256": digest} for path, (digest, _data) in sorted(generated.items())},
        "assets": sorted(assets),
        "nav": generate.navigation(documents, listings),
    }
    from .manifest import write_manifest

    write_manifest(content_dir / MANIFEST_NAME, manifest)
    return ExportResult(manifest=manifest, written=written, deleted=sorted(deleted))
