"""Publish many new pages in a few queries, leaving the rows ``add_child`` + ``save_revision()`` +
``publish()`` would leave, for bench_fill.

What one page costs the Wagtail way (about 20–60 queries: treebeard's last-child query, the
parent's numchild, ``full_clean`` with its slug query, the page saved twice, every inline row saved
twice, a log entry) is done here per batch: tree paths are computed in Python from the parent's last
child, the Page rows go in with one ``bulk_create`` and the specific rows with one multi-row insert
per page type (Django's ``bulk_create`` refuses multi-table inheritance; ``_insert`` is what it uses
for one table), inline rows, tags and ParentalManyToMany rows with ``bulk_create``, revisions with
``bulk_create``, the published state and the revision ids with one update (each new page has
one revision), numchild with one update per parent.

The result is what the one-by-one way leaves: the same tree fields (path, depth, numchild,
url_path), locale, draft title, live revision = latest revision holding the page's serialised
content (taken after the rows exist, so it carries their ids, as ``save_revision`` does), first and
last published times, one ``wagtail.publish`` log entry per page, and rich text sanitised as the
revision signal would (tests/publish/test_bench_fill_bulk.py checks it against the slow way). The
caller may pass its own ``sanitise``: bench_fill skips the sanitiser for HTML that ``kept_as_is``
says it leaves alone.
Signals are not sent: the caller indexes the pages afterwards, as bench_fill does for both ways.
"""

import re
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

from cms.moderation.screening import SANITISED_ACTION, sanitise_page

INSERT_SLICE = 100  # rows per INSERT: well below SQLite's limit on bound parameters

_TEXT = r"[^<>]*"  # text only: no tag or comment can start in it
_SAFE_URL = r"https?://[^\x00-\x20\x7f\"'<>&`]+"
_KEPT = re.compile(
    rf"(?:<p>{_TEXT}</p>|<p><b>{_TEXT}</b></p>|<ul>(?:<li>{_TEXT}<a href=\"{_SAFE_URL}\">{_TEXT}</a></li>)+</ul>)+"
)


def kept_as_is(html):
    """True when the sanitiser provably changes nothing in ``html``: paragraphs of text (bold text
    too) and lists of text with an http(s) link, the only shapes bench_fill writes. Tags, attributes
    and comments are what the sanitiser removes (and what makes ``sanitise_page`` replace a value);
    these tags and ``href`` with an http(s) URL are in its policy, and text without ``<`` or ``>``
    holds no other tag and no comment. (Character references in the text may be written back
    differently by bleach, which is not a change ``sanitise_page`` applies.)"""
    return _KEPT.fullmatch(html) is not None


def _next_steps(parents):
    """{parent pk: the treebeard step number of its next child}."""
    steps = {}
    for parent in parents:
        last = parent.get_last_child()
        steps[parent.pk] = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    return steps


def _place(pages_with_parents):
    """Give each new page the tree fields treebeard's ``add_child`` and ``Page.save`` would."""
    parents = {parent.pk: parent for parent, _ in pages_with_parents}
    steps = _next_steps(parents.values())
    added = defaultdict(int)
    for parent, page in pages_with_parents:
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, steps[parent.pk])
        steps[parent.pk] += 1
        added[parent.pk] += 1
        page.numchild = 0
        page.set_url_path(parent)
        page.locale_id = parent.locale_id  # Page.get_default_locale: the parent's locale
        page.draft_title = page.title
    return parents, added


def _insert_specific(pages):
    """The specific rows (one table per page type) of pages whose Page rows exist."""
    by_model = defaultdict(list)
    for page in pages:
        page.page_ptr_id = page.id
        by_model[type(page)].append(page)
    for model, rows in by_model.items():
        fields = model._meta.local_concrete_fields
        for start in range(0, len(rows), INSERT_SLICE):
            model._base_manager._insert(rows[start : start + INSERT_SLICE], fields=fields, using=connection.alias)


def _insert_children(pages):
    """Inline rows (ParentalKey, tags included) and ParentalManyToMany rows held in memory."""
    rows, links = defaultdict(list), defaultdict(list)
    for page in pages:
        held = page.__dict__.setdefault("_cluster_related_objects", {})
        for relation in get_all_child_relations(page):
            for item in held.get(relation.get_accessor_name(), ()):
                setattr(item, relation.field.name, page)
                rows[relation.related_model].append(item)
            held.setdefault(relation.get_accessor_name(), [])  # a new page has no others: no query to say so
        for field in get_all_child_m2m_relations(page):
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            for item in held.get(field.name, ()):
                links[through].append(through(**{f"{source}_id": page.pk, f"{target}_id": item.pk}))
            held.setdefault(field.name, [])
    for model, items in (*rows.items(), *links.items()):
        model.objects.bulk_create(items, batch_size=INSERT_SLICE)


def publish(pages_with_parents, *, user, sanitise=sanitise_page):
    """Create and publish ``[(parent, unsaved specific page)]`` in one go (inside the caller's
    transaction). Parents must exist; a page may reference a page earlier in the list.
    ``sanitise(page)`` cleans the page's rich text in place and returns what it changed, as
    ``sanitise_page`` does."""
    if not pages_with_parents:
        return []
    pages = [page for _, page in pages_with_parents]
    parents, added = _place(pages_with_parents)
    changes = [sanitise(page) for page in pages]  # as the revision's post_save signal does
    Page.objects.bulk_create(pages, batch_size=INSERT_SLICE)
    _insert_specific(pages)
    _insert_children(pages)
    for pk, count in added.items():
        Page.objects.filter(pk=pk).update(numchild=F("numchild") + count)
        parents[pk].numchild += count

    now = timezone.now()
    base_type = ContentType.objects.get_for_model(Page)
    revisions = [
        Revision(
            content_type_id=page.content_type_id,
            base_content_type=base_type,
            object_id=str(page.pk),
            user=user,
            created_at=now,
            content=page.serializable_data(),  # before publishing, as save_revision takes it
            object_str=str(page),
        )
        for page in pages
    ]
    Revision.objects.bulk_create(revisions, batch_size=INSERT_SLICE)
    published = {"live": True, "has_unpublished_changes": False, "expired": False, "first_published_at": now,
                 "last_published_at": now, "latest_revision_created_at": now}
    # A new page's one revision, the one just made: found by the index on (base content type, object id).
    revision = Revision.objects.filter(base_content_type=base_type, object_id=Cast(OuterRef("pk"), CharField()))
    revision = Subquery(revision.order_by("-pk").values("pk")[:1])
    Page.objects.filter(pk__in=[page.pk for page in pages]).update(
        **published, latest_revision=revision, live_revision=revision
    )
    for page, revision, changed in zip(pages, revisions, changes, strict=True):
        page.latest_revision = page.live_revision = revision
        for name, value in published.items():
            setattr(page, name, value)
        if changed:
            log(instance=page, action=SANITISED_ACTION, user=user, revision=revision, data={"changes": changed})
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type_id=page.content_type_id, label=page.get_admin_display_title(), action="wagtail.publish",
                timestamp=now, user=user, revision=revision, page=page, content_changed=True, data={},
            )
            for page, revision in zip(pages, revisions, strict=True)
        ],
        batch_size=INSERT_SLICE,
    )
    return pages


def reference_rows(page):
    """The ReferenceIndex rows ``ReferenceIndex.create_or_update_for_object`` adds for a new page."""
    content_type = ContentType.objects.get_for_model(page, for_concrete_model=False)
    base_type = ContentType.objects.get_for_model(Page)
    return [
        ReferenceIndex(
            content_type=content_type,
            base_content_type=base_type,
            object_id=page.pk,
            to_content_type_id=to_content_type_id,
            to_object_id=to_object_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(page)
        )
    ]
