"""Export: live, public pages → Markdown documents with YAML front matter under content/.

Deterministic: the same live content gives byte-identical files, and files whose bytes would
not change are not written at all. Page types render themselves (``Publishable.to_document``);
this module only places, links and lists the documents it is given.
"""

import hashlib
import json
import os
import pickle
import posixpath
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from . import fsutil
from .protocol import Document, Publishable
from .richtext import richtext_to_markdown

MANIFEST_NAME = ".manifest.json"
KEEP = {"README.md", MANIFEST_NAME}
# Top-level names the publish step itself uses; a programme may not take them as its slug.
RESERVED = {"tags", "library", "media", "assets", "search", "feed.xml", "sitemap.xml", "robots.txt", "404.html"}
IMAGE_WIDTHS = (480, 960, 1440)
FEED_LENGTH = 50
PREFETCH_SLICE = 500


class ExportError(Exception):
    pass


def exportable_pages():
    """Live, public, unexpired pages of the default site whose every ancestor is exported too.

    Only pages with a live revision count (what an approver published); the site root is the
    exception, so that a home page created by a migration still gives the site its front page.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None, []
    root = site.root_page
    now = timezone.now()
    pages = (
        Page.objects.descendant_of(root, inclusive=True).live().public()
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .order_by("path").specific()
    )
    kept, kept_paths = [], set()
    for page in pages:
        parent_path = page.path[: -page.steplen]
        if page.pk != root.pk and parent_path not in kept_paths:
            continue  # an ancestor is not public (draft, private, expired, unpublishable): neither is this
        if not isinstance(page, Publishable):
            continue
        if page.live_revision_id is None and page.pk != root.pk:
            # Live but never published through a revision (made in code): no approved revision to show.
            continue
        kept.append(page)
        kept_paths.add(page.path)
    prefetch(kept)
    return root, kept


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
    """content/-relative path: home → index.md; pages that can hold children → <slugs>/index.md.

    ``by_tree_path`` ({treebeard path: page}, every exported page) spares a query per page.
    """
    if page.pk == root.pk:
        return "index.md"
    if by_tree_path is not None:
        steps = range(len(root.path) + page.steplen, len(page.path) + 1, page.steplen)
        slugs = [by_tree_path[page.path[:end]].slug for end in steps]
    else:
        ancestors = Page.objects.ancestor_of(page, inclusive=True).filter(depth__gt=root.depth).order_by("depth")
        slugs = [p.slug for p in ancestors]
    if page.specific_class.allowed_subpage_models():
        return "/".join(slugs) + "/index.md"
    return "/".join(slugs) + ".md"


def canonical_of(path):
    """The public URL path (directory URLs) of a document path."""
    if path == "index.md":
        return "/"
    stem = path[: -len("index.md")] if path.endswith("/index.md") else path[: -len(".md")] + "/"
    return "/" + stem


def relative(from_path, to_path):
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def local_date(value):
    return timezone.localtime(value).date().isoformat() if value else None


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


@dataclass
class ExportContext:
    """What a page type gets to render itself: paths, links, rich text, images, files."""

    root: Page
    paths: dict  # page id → document path
    assets: dict = field(default_factory=dict)  # content path → callable writing bytes, or None
    current_path: str = ""
    by_tree_path: dict = field(default_factory=dict)  # treebeard path → exported page
    # What the document being rendered read through this context, for the render cache:
    # {(kind, pk): fingerprint} and {asset path: (kind, pk, rendition spec)}.
    uses: dict = field(default_factory=dict)
    used_assets: dict = field(default_factory=dict)

    # Dependencies (for the render cache) ---------------------------------------------------
    def page_use(self, page_id):
        """Record that the current document depends on another page: its path and its content."""
        self.uses[("page", page_id)] = self.page_state(page_id)

    def page_state(self, page_id):
        """(path, fingerprint) of a page as exported now; (None, None) for a page that is not."""
        states = self.__dict__.setdefault("_states", {})
        if page_id not in states:
            page = self.by_pk.get(page_id)
            states[page_id] = (self.paths.get(page_id), fingerprint(page) if page is not None else None)
        return states[page_id]

    @property
    def by_pk(self):
        if getattr(self, "_by_pk", None) is None:
            self._by_pk = {page.pk: page for page in self.by_tree_path.values()}
        return self._by_pk

    # Paths and links -----------------------------------------------------------------------
    def path_of(self, page):
        self.page_use(page.pk)
        return self.paths.get(page.pk)

    def parent(self, page):
        """The exported parent page (specific), without a query."""
        parent = self.by_tree_path.get(page.path[: -page.steplen])
        if parent is None:
            return page.get_parent().specific
        self.page_use(parent.pk)
        return parent

    def ancestor(self, page, model):
        """The nearest exported ancestor that is a ``model`` (e.g. the programme), without a query."""
        for end in range(len(page.path) - page.steplen, 0, -page.steplen):
            ancestor = self.by_tree_path.get(page.path[:end])
            if isinstance(ancestor, model):
                self.page_use(ancestor.pk)
                return ancestor
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
            self.uses[("document", doc_id)] = fingerprint(document)
            return self.file(document) if document else None

        def image(image_id, alt, _format):
            img = get_image_model().objects.filter(pk=image_id).first()
            self.uses[("image", image_id)] = fingerprint(img)
            return self.image(img, alt) if img else ""

        def media(url):
            return f"[{url}]({url})" if url.startswith(("http://", "https://")) else ""

        return richtext_to_markdown(html, page_link=page_link, document_link=document_link, image=image, media=media)

    # Images and files ------------------------------------------------------------------------
    def image_renditions(self, image, widths=IMAGE_WIDTHS):
        """[(content path, width, height)] of responsive WebP renditions; registers them for export."""
        file_hash = image.get_file_hash()[:12]
        self.uses[("image", image.pk)] = fingerprint(image)
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
            self.used_assets[path] = ("image", image.pk, spec)
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
        return _md_text(text)

    def image_path(self, image, width=960):
        """One rendition's content path, e.g. for front matter ``image``."""
        renditions = self.image_renditions(image, widths=(width,))
        return renditions[0][0]

    def image(self, image, alt, caption="", credit=""):
        """Markdown for a responsive figure (attr_list + md_in_html; srcset relative to this document)."""
        renditions = self.image_renditions(image)
        default = renditions[min(1, len(renditions) - 1)]
        srcset = ", ".join(f"{self.asset_link(p)} {w}w" for p, w, _ in renditions)
        alt_text = _md_escape(alt or "")
        attrs = (
            f'{{ srcset="{srcset}" sizes="(max-width: {default[1]}px) 100vw, {default[1]}px" '
            f'width="{default[1]}" height="{default[2]}" loading="lazy" }}'
        )
        img = f"![{alt_text}]({self.asset_link(default[0])}){attrs}"
        caption_text = " ".join(part for part in (caption, f"（{credit}）" if credit else "") if part)
        if not caption_text:
            return f'<figure markdown="span">\n  {img}\n</figure>\n'
        return (f'<figure markdown="span">\n  {img}\n  <figcaption>{_html_escape(caption_text)}</figcaption>\n'
                "</figure>\n")

    def file(self, document):
        """Relative link to a copy of a Wagtail document, at a stable path."""
        file_hash = document.get_file_hash()[:12]
        self.uses[("document", document.pk)] = fingerprint(document)
        name = safe_name(os.path.basename(document.file.name))
        path = f"media/documents/{document.pk}-{file_hash}/{name}"
        self.assets[path] = _document_writer(document)
        self.used_assets[path] = ("document", document.pk, None)
        return self.asset_link(path)


def _md_escape(text):
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def _md_text(text):
    text = _html_escape(" ".join((text or "").split()))
    return _MD_SPECIAL.sub(r"\\\1", text)


def _html_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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

# Front matter is JSON, which is YAML: any generator's YAML parser reads it, and Python writes it
# fifty times faster than PyYAML's representer (10,000 documents: 25 s → 0.5 s). Characters YAML
# does not accept raw (C1 controls, DEL, BOM, non-characters) or reads as line breaks (U+2028,
# U+2029) are written as \u escapes, which mean the same in both.
_NOT_YAML_SAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def serialise(meta, body):
    front = json.dumps(meta, ensure_ascii=False, indent=1)
    front = _NOT_YAML_SAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", front)
    body = re.sub(r"\n{3,}", "\n\n", body.strip())
    return f"---\n{front}\n---\n\n{body}\n".encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# The render cache ------------------------------------------------------------------------------
#
# A publish worker lives long and publishes often; most pages have not changed since the last
# publish. A page's document is a function of the page's own fields, of the related objects its
# type's ``export_prefetch`` names, and of what it reads through the context (other pages' paths
# and contents, images, documents), which the context records. The cache keeps, per page, the
# document with fingerprints of all of these, and renders again only when one differs.

_RENDERED = {}  # page id → _Rendered, for the life of the process


@dataclass
class _Rendered:
    key: str
    uses: dict
    document: bytes  # (meta, body), pickled and compressed: a third of the memory of the strings
    assets: dict


def forget_rendered():
    """Empty the render cache (tests, or after a code change in a long-lived process)."""
    _RENDERED.clear()


def fingerprint(obj):
    """A digest of every stored field of a model instance (None for None)."""
    if obj is None:
        return None
    digest = hashlib.sha1(type(obj).__name__.encode())
    for model_field in obj._meta.concrete_fields:
        digest.update(b"\x1f" + str(model_field.value_to_string(obj)).encode())
    return digest.hexdigest()


def _prefetched(page, lookup):
    """The objects a prefetch lookup loaded onto ``page``, or None if any step was not loaded."""
    objects = [page]
    for part in lookup.split("__"):
        found = []
        for obj in objects:
            cache = getattr(obj, "_prefetched_objects_cache", {})
            if part in cache:
                found.extend(cache[part])
            elif obj._meta.get_field(part).is_relation and obj._meta.get_field(part).many_to_one:
                if not obj._meta.get_field(part).is_cached(obj):
                    return None
                related = getattr(obj, part)
                if related is not None:
                    found.append(related)
            else:
                return None
        objects = found
    return objects


def _page_key(page, path):
    """Fingerprint of the page and of what export_prefetch loaded for it; None when not cacheable."""
    parts = [path, fingerprint(page)]
    for lookup in getattr(page, "export_prefetch", ()):
        loaded = _prefetched(page, lookup)
        if loaded is None:
            return None
        parts.append(lookup)
        parts.extend(fingerprint(obj) for obj in loaded)
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _current_uses(pages, context):
    """The current fingerprints of every image and document that cached documents used."""
    wanted = {"image": set(), "document": set()}
    for page in pages:
        entry = _RENDERED.get(page.pk)
        for kind, pk in entry.uses if entry else ():
            if kind in wanted:
                wanted[kind].add(pk)
    current = {}
    for kind, model in (("image", get_image_model()), ("document", get_document_model())):
        found = model.objects.in_bulk(wanted[kind]) if wanted[kind] else {}
        current.update({(kind, pk): (fingerprint(found.get(pk)), found.get(pk)) for pk in wanted[kind]})
    return current


def _render(page, context, current):
    """The page's document, from the cache when nothing it depends on changed."""
    key = _page_key(page, context.current_path)
    entry = _RENDERED.get(page.pk)
    if key is not None and entry is not None and entry.key == key and all(
        (context.page_state(pk) if kind == "page" else current.get((kind, pk), (None,))[0]) == value
        for (kind, pk), value in entry.uses.items()
    ):
        for path, (kind, pk, spec) in entry.assets.items():
            obj = current[(kind, pk)][1]  # today's object: the writer reads today's file
            context.assets[path] = _rendition_writer(obj, spec) if kind == "image" else _document_writer(obj)
        meta, body = pickle.loads(zlib.decompress(entry.document))
        return Document(path=context.current_path, meta=meta, body=body)
    context.uses, context.used_assets = {}, {}
    document = page.to_document(context)
    if key is not None:
        kept = zlib.compress(pickle.dumps((document.meta, document.body), pickle.HIGHEST_PROTOCOL), 1)
        _RENDERED[page.pk] = _Rendered(key, dict(context.uses), kept, dict(context.used_assets))
    return document


# The export ------------------------------------------------------------------------------------

@dataclass
class ExportResult:
    manifest: dict
    written: list
    deleted: list


def render_documents(progress=None):
    """Render every exportable page. Returns (documents by path, context)."""
    root, pages = exportable_pages()
    if root is None:
        return {}, None
    by_tree_path = {page.path: page for page in pages}
    paths = {page.pk: document_path(page, root, by_tree_path) for page in pages}
    for path in paths.values():
        top = path.split("/", 1)[0]
        if top in RESERVED or (top.endswith(".md") and top[:-3] in RESERVED):
            raise ExportError(f"页面路径与发布系统保留的名称冲突：{path}")
    if len(set(paths.values())) != len(paths):
        raise ExportError("两个页面导出到了同一路径，请检查页面别名。")
    context = ExportContext(root=root, paths=paths, by_tree_path=by_tree_path)
    documents = {}
    parent_of = {}
    path_by_tree = {page.path: paths[page.pk] for page in pages}
    current = _current_uses(pages, context)
    page_by_tree = {page.path: page for page in pages}
    for done, page in enumerate(pages, 1):
        if progress:
            progress("render", done, len(pages))
        context.current_path = paths[page.pk]
        document = _render(page, context, current)
        if document.path != paths[page.pk]:
            raise ExportError(f"{type(page).__name__} 导出到了意外的路径 {document.path}")
        document.page_id = page.pk
        document.revision_id = page.live_revision_id
        document.meta["page_id"] = page.pk
        document.meta["revision"] = page.live_revision_id
        document.group = str(page.specific_class._meta.verbose_name_plural)
        if page.pk != root.pk:
            document.group_order = _group_order(page, page_by_tree[page.path[: -page.steplen]])
        documents[document.path] = document
        if page.pk != root.pk:
            parent_of[document.path] = path_by_tree[page.path[: -page.steplen]]
    for path, parent_path in sorted(parent_of.items()):
        documents[parent_path].children.append(path)
    return documents, context


def _group_order(page, parent):
    """The position of the page's type among the types its parent allows (stories before columns …)."""
    allowed = list(parent.specific_class.allowed_subpage_models())
    return allowed.index(page.specific_class) if page.specific_class in allowed else len(allowed)


def export(content_dir=None, *, checkpoint=None, progress=None):
    """Render every live page and bring content/ in line, writing only files whose bytes change."""
    from cms.core.models import SiteSettings

    from . import generate

    checkpoint = checkpoint or (lambda name: None)
    progress = progress or (lambda stage, done=None, total=None: None)
    content_dir = Path(content_dir or settings.KEPU_CONTENT_DIR)
    with translation.override(settings.LANGUAGE_CODE):
        documents, context = render_documents(progress)
        files = generate.finish_documents(documents)
        generated = {**generate.tag_pages(documents), **generate.library_pages(documents)}
        site = SiteSettings.load()
        if documents:
            generated.update(generate.feeds(
                documents, site_name=site.site_name, base_url=site.base_url, description=site.description,
            ))
            generated["sitemap.xml"] = generate.sitemap(documents, generated, base_url=site.base_url)
        clashes = sorted(set(files) & set(generated))
        if clashes:
            raise ExportError(f"页面路径与发布系统生成的页面冲突：{'、'.join(clashes)}")
    assets = dict(context.assets) if context else {}
    every = {**files, **generated}

    content_dir.mkdir(parents=True, exist_ok=True)
    written, deleted = [], []
    total = len(every) + len(assets)
    for done, (path, data) in enumerate(sorted(every.items()), 1):
        progress("write", done, total)
        target = content_dir / path
        if not target.is_file() or target.read_bytes() != data:
            fsutil.atomic_write(target, data)
            written.append(path)
            checkpoint("export-write")
    for done, (path, writer) in enumerate(sorted(assets.items()), len(every) + 1):
        progress("write", done, total)
        target = content_dir / path
        if not target.is_file():
            writer(target)
            written.append(path)
            checkpoint("export-write")

    expected = set(every) | set(assets) | KEEP
    for file in sorted(content_dir.rglob("*"), reverse=True):
        rel = file.relative_to(content_dir).as_posix()
        if file.is_dir():
            if not any(file.iterdir()):
                file.rmdir()
        elif rel not in expected:
            file.unlink()
            deleted.append(rel)

    manifest = {
        "version": 1,
        "pages": {
            path: {"page": documents[path].page_id, "revision": documents[path].revision_id,
                   "sha256": sha256(data)}
            for path, data in sorted(files.items())
        },
        "generated": {path: {"sha256": sha256(data)} for path, data in sorted(generated.items())},
        "assets": sorted(assets),
        "nav": generate.navigation(documents, generated),
    }
    from .manifest import write_manifest

    write_manifest(content_dir / MANIFEST_NAME, manifest)
    return ExportResult(manifest=manifest, written=written, deleted=sorted(deleted))
