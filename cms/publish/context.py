"""The API page types render themselves through: ``Publishable.to_document(context)``.

A ``RenderContext`` is made once per publish. Its public methods are the page types' API, exactly
those ``Publishable`` lists (paths, links, rich text, images, files, front matter, and ``once`` and
``record_object`` for what a document reads other than through them); everything a document reads
through them is recorded in a ``Uses``, so the render cache knows when to render it again. The
render step's own bookkeeping is a ``Recorder`` (``recorder(context)``), which page types never
see: for each page it calls ``begin(path)`` and then the page type's ``to_document``, records the
queries the type declares, and gives the render cache the states of pages and queries it compares.
"""

import functools
import hashlib
import os
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from cms.moderation.sanitiser import url_scheme

from . import fsutil
from .markdown_text import md_link, md_text, md_url
from .paths import canonical_of, relative, safe_name
from .protocol import Document
from .richtext import richtext_to_markdown

IMAGE_WIDTHS = (480, 960, 1440)


@dataclass
class Uses:
    """What one document read through the context."""

    # {("page", pk): (path, row content signature)} and {(model label, pk): fingerprint}
    reads: dict = field(default_factory=dict)
    # {asset path: (model label, pk, rendition spec or None)}
    assets: dict = field(default_factory=dict)


def fingerprint(obj):
    """A digest of every stored field of a model instance (None for None)."""
    if obj is None:
        return None
    digest = hashlib.sha1(type(obj).__name__.encode())
    for model_field in obj._meta.concrete_fields:
        digest.update(b"\x1f" + str(model_field.value_to_string(obj)).encode())
    return digest.hexdigest()


def query_digest(rows):
    """The digest of a query's rows (Recorder.query_state)."""
    return hashlib.sha1(repr(rows).encode()).hexdigest()


def asset_writer(obj, spec):
    """A callable writing an asset's bytes to a path: an image rendition (``spec``) or a document."""
    def write(target):
        source_file = obj.get_rendition(spec).file if spec else obj.file
        with source_file.open("rb") as source:
            fsutil.atomic_write(target, source.read())
    return write


def _file_hash(obj):
    """The first 12 hex digits of an image's or document's file hash, read without writing.

    Wagtail's ``get_file_hash()`` saves a hash it had to compute; rendering writes nothing to the
    database, because drafts render in several preview requests at once (and a table written by one
    of them is locked to the others on SQLite)."""
    if not obj.file_hash:
        with obj.open_file() as f:
            return hash_filelike(f)[:12]
    return obj.file_hash[:12]


def local_date(value):
    return timezone.localtime(value).date().isoformat() if value else None


def local_time(value):
    """``2026-11-30T12:05:09+08:00``: the site's time zone (Asia/Shanghai), to the second."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


class RenderContext:
    """What a page type gets to render itself: paths, links, rich text, images, files.

    Its public methods are the page types' API, exactly those ``Publishable`` lists. Its data
    attributes other than ``now`` and ``base_url`` (the public pages' ``rows`` and ``paths``, the
    ``pages`` loaded, the ``assets``, the ``current_path`` and the ``uses`` of the document being
    rendered) are the render step's: it fills them, and a page type reads none of them."""

    def __init__(self, *, root, paths, rows, pages=None, now=None):
        self.root = root
        # The moment this publish renders for: a page type whose document depends on the time reads
        # this, never the clock, and says in front matter ``valid_until`` when its document expires.
        self.now = now or timezone.now()
        self.paths = paths  # page id → document path, every public page
        self.rows = rows  # page id → PageRow
        self.by_tree_path = {row.path: row for row in rows.values()}
        self.pages = pages if pages is not None else {}  # page id → specific page, those loaded so far
        self.assets = {}  # content path → writer, for every document of this publish
        self.current_path = ""
        self.uses = Uses()
        self._once = {}
        self._recorder = Recorder(self)

    @functools.cached_property
    def base_url(self):
        """The site's address (site settings), read once per publish: for absolute links in a file
        beside a page (an .ics), which a calendar app reads away from the site."""
        from cms.core.models import SiteSettings  # (cms.core.models imports cms.publish.protocol)

        return SiteSettings.load().base_url

    def once(self, key, read):
        """``read()``, called once per publish under ``key``: what every document of a kind consults
        (a setting, a table of counts) is read once, not per page."""
        if key not in self._once:
            self._once[key] = read()
        return self._once[key]

    def record_object(self, obj):
        """Record that the current document depends on an object (an image, a snippet, a setting …)
        it read other than through this context."""
        self.uses.reads[(obj._meta.label_lower, obj.pk)] = fingerprint(obj)

    def _specific(self, row):
        """The specific page of a public row (loaded once per publish)."""
        if row.pk not in self.pages:
            self.pages[row.pk] = Page.objects.get(pk=row.pk).specific
        return self.pages[row.pk]

    def _asset_link(self, content_path):
        return relative(self.current_path, content_path)

    def _add_asset(self, path, obj, spec):
        self.assets[path] = asset_writer(obj, spec)
        self.uses.assets[path] = (obj._meta.label_lower, obj.pk, spec)

    def _renditions(self, image, widths=IMAGE_WIDTHS):
        """[(content path, width, height)] of responsive WebP renditions; registers them for export."""
        file_hash = _file_hash(image)
        self.record_object(image)
        original_width, original_height = image.width, image.height
        sizes, seen = [], set()
        for width in widths:
            actual = min(width, original_width)
            if actual in seen:
                continue
            seen.add(actual)
            height = max(1, round(original_height * actual / original_width))
            path = f"media/images/{image.pk}-{file_hash}-w{actual}.webp"
            self._add_asset(path, image, f"width-{actual}|format-webp")
            sizes.append((path, actual, height))
        return sizes

    # Pages ---------------------------------------------------------------------------------------
    def parent(self, page):
        """The published parent page (specific)."""
        parent = self.by_tree_path.get(page.path[: -page.steplen])
        if parent is None:
            return page.get_parent().specific
        self._recorder.record_page(parent.pk)
        return self._specific(parent)

    def ancestor(self, page, model):
        """The nearest published ancestor that is a ``model`` (e.g. the programme), or None."""
        every_one_public = True
        for end in range(len(page.path) - page.steplen, 0, -page.steplen):
            ancestor = self.by_tree_path.get(page.path[:end])
            if ancestor is not None and issubclass(ancestor.specific_class, model):
                self._recorder.record_page(ancestor.pk)
                return self._specific(ancestor)
            every_one_public &= ancestor is not None or end <= len(self.root.path) - page.steplen
        if every_one_public:  # (a public page: its ancestors below the site root are all known)
            return None
        return model.objects.ancestor_of(page).first()

    def url(self, page):
        """The public URL path (``/programme/slug/``) of another published page, or None if it is not public."""
        if page is None:
            return None
        self._recorder.record_page(page.pk)
        target = self.paths.get(page.pk)
        return canonical_of(target) if target else None

    # Front matter and the document -----------------------------------------------------------------
    def front_matter(self, page, *, kind, description="", programme=None, tags=(), authors=(), image=None,
                     **extra):
        """The front matter of ``page``'s document, a dict of plain data: its ``title``, ``description``
        (``description`` or the page's search description, on one line), ``kind``, ``programme`` and
        ``programme_title`` (of ``programme``, a page, if given), ``date`` and ``updated`` (the local
        dates it was first and last published), ``published`` (the moment it was first published, if
        it was), ``tags`` (their texts, sorted, each once), ``authors``, ``canonical`` (the document's
        URL path), ``image`` (if given, a content path: ``image_path``), then every ``extra`` item
        (which may replace any of those), and ``reads`` (阅读量) where ``settings.KEPU_PAGE_READS``
        gives it a count. It records nothing itself; that function records what it read."""
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
        reads = settings.KEPU_PAGE_READS and import_string(settings.KEPU_PAGE_READS)(self, page, meta)
        if reads:  # 阅读量 (a site setting; the function records what it read)
            meta["reads"] = reads
        return meta

    def document(self, page, meta, body):
        """The ``Document`` ``to_document`` returns: ``meta`` (``front_matter``'s, with what the page
        type adds) and ``body`` (Markdown), at the path the render step placed ``page`` at. It
        records nothing."""
        return Document(path=self.current_path, meta=meta, body=body)

    # Text ----------------------------------------------------------------------------------------
    def richtext(self, html):
        """Markdown for Wagtail rich text as stored (``html``; "" for none): a link to another page
        becomes a link relative to this document (just its text if that page is not public), a link
        to a Wagtail document a link to its copy (``file``), an embedded image a figure (``image``),
        an embedded video a link to its address (none unless http or https). It records every page,
        document and image the text names, those that no longer exist too, so the document is
        rendered again when one changes, appears or goes."""
        def page_link(page_id):
            self._recorder.record_page(page_id)
            target = self.paths.get(page_id)
            return relative(self.current_path, target) if target else None

        def document_link(doc_id):
            document = get_document_model().objects.filter(pk=doc_id).first()
            self.uses.reads[(get_document_model()._meta.label_lower, doc_id)] = fingerprint(document)
            return self.file(document) if document else None

        def image(image_id, alt, _format):
            img = get_image_model().objects.filter(pk=image_id).first()
            self.uses.reads[(get_image_model()._meta.label_lower, image_id)] = fingerprint(img)
            return self.image(img, alt) if img else ""

        def media(url):
            return md_link(url, url) if url_scheme(url) in ("http", "https") else ""

        return richtext_to_markdown(html, page_link=page_link, document_link=document_link, image=image, media=media)

    def plain(self, text):
        """Plain text (a quote, a caption) as Markdown that shows exactly that text: no HTML, no markup."""
        return md_text(text)

    def external_link(self, text, url):
        """A Markdown link from CMS text and a URL from the CMS (just the text if the URL may not be linked)."""
        return md_link(text, url)

    # Images and files ------------------------------------------------------------------------------
    def picture(self, image, alt="", widths=IMAGE_WIDTHS, default=960):
        """Plain data for a responsive image in front matter (templates lay it out).

        ``{src, width, height, alt, srcset: [{src, width}]}``; paths are relative to content/.
        """
        renditions = self._renditions(image, widths=widths)
        fitting = [r for r in renditions if r[1] <= default] or renditions[:1]
        src, width, height = fitting[-1]
        return {"src": src, "width": width, "height": height, "alt": " ".join((alt or "").split()),
                "srcset": [{"src": p, "width": w} for p, w, _ in renditions]}

    def image_path(self, image, width=960):
        """One rendition's content path, e.g. for front matter ``image``."""
        return self._renditions(image, widths=(width,))[0][0]

    def image(self, image, alt, caption="", credit=""):
        """Markdown for a responsive figure (attr_list + md_in_html; srcset relative to this document)."""
        renditions = self._renditions(image)
        default = renditions[min(1, len(renditions) - 1)]
        srcset = ", ".join(f"{self._asset_link(p)} {w}w" for p, w, _ in renditions)
        alt_text = md_text(alt)
        attrs = (
            f'{{ srcset="{srcset}" sizes="(max-width: {default[1]}px) 100vw, {default[1]}px" '
            f'width="{default[1]}" height="{default[2]}" loading="lazy" }}'
        )
        img = f"![{alt_text}]({md_url(self._asset_link(default[0]))}){attrs}"
        caption_text = " ".join(part for part in (caption, f"（{credit}）" if credit else "") if part)
        if not caption_text:
            return f'<figure markdown="span">\n  {img}\n</figure>\n'
        return (f'<figure markdown="span">\n  {img}\n  <figcaption>{md_text(caption_text)}</figcaption>\n'
                "</figure>\n")

    def file(self, document):
        """Relative link to a copy of a Wagtail document, at a stable path."""
        file_hash = _file_hash(document)
        self.record_object(document)
        name = safe_name(os.path.basename(document.file.name))
        path = f"media/documents/{document.pk}-{file_hash}/{name}"
        self._add_asset(path, document, None)
        return md_url(self._asset_link(path))


def recorder(context):
    """The render step's side of ``context`` (a RenderContext): its ``Recorder``."""
    return context._recorder


class Recorder:
    """The render step's side of a RenderContext (``recorder(context)``), which page types never see.

    It starts each document (``begin``), records what a document depends on besides what the
    context's own methods record (a page, a query), and gives the render cache the states it compares
    a document's reads with: a page's, and a query's (made once per publish)."""

    def __init__(self, context):
        self.context = context
        self._query_states = {}  # model label → digest, made once per publish
        self._query_rows = {}  # page type label → its query_rows, made once per publish

    def begin(self, path):
        """Start the document at ``path``: what it reads from now on is recorded afresh."""
        context = self.context
        context.current_path, context.uses = path, Uses()
        return context.uses

    def place_draft(self, row, page, paths):
        """Take ``page`` (a draft) as the public page of ``row``, among the public pages placed at
        ``paths`` ({page id: document path}, the draft's included), and make the draft's path the
        current one: what a preview renders the draft with, as the live page would render."""
        context = self.context
        context.rows[row.pk] = row
        context.by_tree_path[row.path] = row
        context.paths.clear()
        context.paths.update(paths)
        context.pages[row.pk] = page
        context.current_path = paths[row.pk]

    def page_state(self, page_id):
        """(path, row content signature) of a page as published now; (None, None) for a page that is not.
        (PageRow.content: a draft saved or a child added does not change it.)"""
        row = self.context.rows.get(page_id)
        return (self.context.paths.get(page_id), row.content if row else None)

    def record_page(self, page_id):
        """Record that the current document depends on another page: its path and its content."""
        self.context.uses.reads[("page", page_id)] = self.page_state(page_id)

    def query_state(self, label):
        """A digest of every public page of a page type (``app.Model``, its subclasses too), or of
        every row of another model (a snippet): what a document built from a query over them read
        (``query_digest`` of ``query_rows``, for a page type)."""
        if label not in self._query_states:
            model = apps.get_model(label)
            if issubclass(model, Page):
                rows = self.query_rows(label)
            else:
                rows = [fingerprint(obj) for obj in model._default_manager.order_by("pk")]
            self._query_states[label] = query_digest(rows)
        return self._query_states[label]

    def query_rows(self, label):
        """[(page id, tree path, row signature)] of every public page of a page type (its subclasses
        too), sorted: what its ``query_state`` is the digest of. Made once per publish."""
        if label not in self._query_rows:
            model = apps.get_model(label)
            self._query_rows[label] = sorted((row.pk, row.path, row.signature) for row in self.context.rows.values()
                                             if issubclass(row.specific_class, model))
        return self._query_rows[label]

    def query_rows_made(self):
        """{label: query_rows} of the page types whose rows were read this publish."""
        return dict(self._query_rows)

    def query_states(self):
        """{label: state} of the queries read so far this publish."""
        return dict(self._query_states)

    def known_query_state(self, label, state):
        """Take ``state`` as the query's today (the render cache knows none of its rows changed)."""
        self._query_states[label] = state

    def record_query(self, label):
        """Record that the current document lists pages of a type, or objects of a model, by a query."""
        self.context.uses.reads[("query", label)] = self.query_state(label)
