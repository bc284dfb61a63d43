"""Which pages the public site shows, and loading them: the one "public pages" query.

A page is public when it is live, public (no view restriction), unexpired, below the default
site's root, of a type that publishes itself (``Publishable``), published through a revision,
and every ancestor is public too. The export renders exactly these pages and verification
checks a build against exactly these pages.
"""

import hashlib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import Q, TextField, prefetch_related_objects
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, Site

from . import paths
from .protocol import Publishable

PREFETCH_SLICE = 500  # ids and lookups per query: one over thousands of pages is too deep for SQLite


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
    # digest of the row but its DRAFT_COLUMNS: what another page reading this one depends on (a draft saved,
    # a child added or the page locked changes the page's own row, not what is published of it)
    content: str = ""  # (not given: the signature)

    steplen = Page.steplen

    def __post_init__(self):
        if not self.content:
            object.__setattr__(self, "content", self.signature)


# Columns a draft saved (a revision not published), a child added or removed, or a lock change: none is
# what is published of the page (its live revision, title, slug, dates … are).
DRAFT_COLUMNS = ("numchild", "latest_revision_id", "has_unpublished_changes", "draft_title",
                 "latest_revision_created_at", "locked", "locked_at", "locked_by_id")


ROW_FIELDS = tuple(model_field.attname for model_field in Page._meta.concrete_fields)
_NARROW = ("id", "path", "slug", "content_type_id", "live_revision_id")


def site_root():
    """The default site's root page, or None."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else None


def public_pages(root, *, at=None):
    """The queryset: live, public pages at or below ``root`` not expired at ``at`` (default now).
    The rules that need the tree (ancestors, page type, revision) are applied by ``public_rows``."""
    at = at or timezone.now()
    return (Page.objects.descendant_of(root, inclusive=True).live().public()
            .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=at)))


def public_rows(root=None, *, fields=ROW_FIELDS, memo=None):
    """(root page, [PageRow]) of the public pages (see the module docstring), in tree order. One
    query, no specific fields. ``fields`` narrows the row (and so what ``signature`` covers).

    Each row is signed whole (``signature``) and without its DRAFT_COLUMNS (``content``).

    Only pages with a live revision count (what an approver published); the site root is the
    exception, so that a home page created by a migration still gives the site its front page.

    ``memo`` (a ``RowMemo``, kept by the caller between calls with the same ``fields``): a row read
    exactly as at the last call gives the very PageRow it gave then, not signed again; so an
    unchanged page's PageRow is the same object from one call to the next, and a changed one's new.
    """
    root = root or site_root()
    if root is None:
        return None, []
    at = {name: index for index, name in enumerate(fields)}
    published = [index for name, index in at.items() if name not in DRAFT_COLUMNS]
    known = memo.rows if memo is not None else {}
    seen = {}
    kept = []
    for row, cls in _kept(root, fields, at):
        found = known.get(row)
        if found is None:
            found = PageRow(row[at["id"]], row[at["path"]], row[at["slug"]], cls, row[at["live_revision_id"]],
                            sign(row), sign(tuple(row[index] for index in published)))
        seen[row] = found
        kept.append(found)
    if memo is not None:
        memo.rows = seen
    return root, kept


class RowMemo:
    """What ``public_rows`` made of each row at its last call: {raw row tuple: PageRow}."""

    def __init__(self):
        self.rows = {}

    def clear(self):
        self.rows = {}


def sign(row):
    """A row's signature: the digest of the whole row as the driver gives it."""
    return hashlib.sha1(repr(row).encode()).hexdigest()


def _kept(root, fields, at):
    """(raw row, page class) of each public page at or below ``root``, in tree order (public_rows)."""
    kept_paths = set()
    classes = {}  # content type id → page class, or None (not Publishable)
    for row in _raw_rows(_as_read(public_pages(root).order_by("path"), fields)):
        pk, path = row[at["id"]], row[at["path"]]
        if pk != root.pk and path[: -Page.steplen] not in kept_paths:
            continue  # an ancestor is not public (draft, private, expired, unpublishable): neither is this
        type_id = row[at["content_type_id"]]
        if type_id not in classes:
            cls = ContentType.objects.get_for_id(type_id).model_class()
            classes[type_id] = cls if cls is not None and issubclass(cls, Publishable) else None
        cls = classes[type_id]
        if cls is None:
            continue
        if row[at["live_revision_id"]] is None and pk != root.pk:
            continue  # live but never published through a revision (made in code): nothing approved to show
        kept_paths.add(path)
        yield row, cls


def _as_read(queryset, fields):
    """``queryset.values_list(*fields)``, its date and time columns read as the text the database holds
    (SQLite's driver would otherwise parse each into a datetime in Python: a row signature needs only text
    that changes when the value does)."""
    dates = {f.attname for f in Page._meta.concrete_fields if f.get_internal_type() == "DateTimeField"} & set(fields)
    if not dates:
        return queryset.values_list(*fields)
    queryset = queryset.annotate(**{f"kepu_text_{name}": Cast(name, TextField()) for name in dates})
    return queryset.values_list(*(f"kepu_text_{name}" if name in dates else name for name in fields))


def _raw_rows(queryset):
    """The rows of a ``values_list`` queryset as the database driver gives them (tuples), without
    Django's own pass over each row (on SQLite: each of a page row's dates made timezone-aware, its
    flags made booleans; the driver still parses what Django registered with it): the fields read
    from a row are ids and text, and ``signature`` needs only that a row read twice gives the same
    tuple and a changed row another."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def live_revisions(ids):
    """{page id: live revision id} of those of ``ids`` that are public now (a narrow query, no row signed)."""
    root = site_root()
    if root is None:
        return {}
    ids = set(ids)
    at = {name: index for index, name in enumerate(_NARROW)}
    return {row[at["id"]]: row[at["live_revision_id"]] for row, _cls in _kept(root, _NARROW, at) if row[0] in ids}


def document_paths(rows, root):
    """{page id: document path} of public rows (every ancestor of a row is among them)."""
    by_tree_path = {row.path: row for row in rows}
    found = {}
    for row in rows:
        steps = range(len(root.path) + Page.steplen, len(row.path) + 1, Page.steplen)
        found[row.pk] = paths.document_path(
            [by_tree_path[row.path[:end]].slug for end in steps], is_root=row.pk == root.pk,
            has_children=bool(row.specific_class.allowed_subpage_models()),
        )
    return found


def load_pages(rows):
    """{pk: specific page} for ``rows``, with what their types' ``to_document`` reads prefetched.
    By id, a slice at a time: never the whole tree."""
    ids = sorted({row.pk for row in rows})
    pages = []
    for start in range(0, len(ids), PREFETCH_SLICE):
        pages += Page.objects.filter(pk__in=ids[start : start + PREFETCH_SLICE]).specific()
    prefetch(pages)
    return {page.pk: page for page in pages}


def prefetch(pages):
    """Fetch what each page type's ``to_document`` reads (``export_prefetch``), one query per relation."""
    by_class = {}
    for page in pages:
        by_class.setdefault(type(page), []).append(page)
    for cls, group in by_class.items():
        lookups = getattr(cls, "export_prefetch", ())
        for start in range(0, len(group) if lookups else 0, PREFETCH_SLICE):
            prefetch_related_objects(group[start : start + PREFETCH_SLICE], *lookups)


def path_of(page, root):
    """The document path of one page, by its ancestors (a query; for tools, not the export)."""
    ancestors = Page.objects.ancestor_of(page, inclusive=True).filter(depth__gt=root.depth).order_by("depth")
    return paths.document_path([p.slug for p in ancestors], is_root=page.pk == root.pk,
                               has_children=bool(page.specific_class.allowed_subpage_models()))
