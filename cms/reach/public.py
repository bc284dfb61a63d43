"""阅读量 on the public site (site setting 阅读量显示设置, off unless turned on).

A piece's page shows its all-time page views as they were at the last ingestion of the access
logs. The count reaches the page through front matter ``reads`` (``{count, text}``), which
``settings.KEPU_PAGE_READS`` (this module's :func:`reads`) adds to every document the publish step
renders. The count is read from :class:`~cms.reach.models.PublicReads`, one row per piece that the
ingester rewrites only when the page's total changed; the document records that row (and the
setting) with the render context, so the render cache renders a page again exactly when its count
changed, and every piece when the setting is switched. After an ingestion that changed a count,
``ingest_access_logs`` queues a publish if the setting is on (:func:`refresh`).
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from wagtail.models import Page

from .models import PageReads, PublicReads, ReachSettings

LOTS = 100_000  # above this a page shows 10万+, as WeChat does


def reads_text(count):
    """``12,345``, or ``10万+`` above 100,000."""
    return "10万+" if count > LOTS else f"{count:,}"


@functools.cache
def is_piece_type(cls):
    """A page type that holds no other pages (a story, an event …): lists and sections are not pieces."""
    return not cls.allowed_subpage_models()


def shows_reads(page, meta):
    """A piece, not a list of others (front matter ``container``), nor a withdrawn piece's tombstone."""
    return is_piece_type(type(page)) and not meta.get("container") and not meta.get("retracted")


def _read_once(context):
    """(setting, {page id: PublicReads}), read once per publish."""
    def read():
        setting = ReachSettings.load()
        return setting, ({row.page_id: row for row in PublicReads.objects.all()} if setting.show_reads else {})

    return context.once("reach.public_reads", read)


def reads(context, page, meta):
    """Front matter ``reads`` of a page's document: ``{"count": 12345, "text": "12,345"}``, or None
    (not a piece, the setting off, no reads yet). Records what it read, so the render cache notices."""
    if not shows_reads(page, meta):
        return None
    setting, snapshots = _read_once(context)
    context.record_object(setting)
    if not setting.show_reads:
        return None
    # A piece the ingester has not seen yet: a row as it will write it (its fingerprint is that row's).
    snapshot = snapshots.get(page.pk) or PublicReads(page_id=page.pk, views=0)
    context.record_object(snapshot)
    if not snapshot.views:
        return None
    return {"count": snapshot.views, "text": reads_text(snapshot.views)}


def _live_piece_ids():
    piece_types = [ct.pk for ct in ContentType.objects.all()
                   if (model := ct.model_class()) and issubclass(model, Page) and is_piece_type(model)]
    return Page.objects.live().filter(content_type__in=piece_types).values_list("pk", flat=True)


def refresh():
    """Bring every live piece's PublicReads to its total page views now, writing only the rows whose
    total changed (and a row for a piece that had none). Returns how many shown counts changed."""
    totals = dict(PageReads.objects.filter(page__isnull=False).values_list("page_id").annotate(v=Sum("views")))
    with transaction.atomic():
        stored = {row.page_id: row for row in PublicReads.objects.select_for_update()}
        new, changed = [], []
        for page_id in _live_piece_ids():
            total = totals.get(page_id, 0)
            row = stored.get(page_id)
            if row is None:
                new.append(PublicReads(page_id=page_id, views=total))
            elif row.views != total:
                row.views = total
                changed.append(row)
        PublicReads.objects.bulk_create(new, batch_size=1000)
        PublicReads.objects.bulk_update(changed, ["views"], batch_size=1000)
    return len(changed) + sum(1 for row in new if row.views)
