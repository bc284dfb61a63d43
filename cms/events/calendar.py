"""The editorial calendar's items: what is scheduled to go live or expire, what is in review (on its
target go-live date, else the day it was submitted), campaign windows and event dates.

A user sees only pages they may edit or publish (Wagtail's page permissions): an institute
contributor, who may edit only under their institute's contribution area, sees only that.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Revision, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import gathering, when
from .models import CampaignPage, EventPage

GO_LIVE, EXPIRE, REVIEW, CAMPAIGN, EVENT = "go_live", "expire", "review", "campaign", "event"
LABELS = {GO_LIVE: "定时上线", EXPIRE: "定时下线", REVIEW: "审核中", CAMPAIGN: "专题", EVENT: "活动"}


@dataclass
class Item:
    day: datetime.date
    kind: str
    page: Page
    moment: datetime.datetime | None = None  # a time on that day, when there is one
    revision: Revision | None = None  # the scheduled revision of a go-live item

    @property
    def label(self):
        return LABELS[self.kind]


def visible_pages(user):
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change", "publish"])


def _local_day(moment):
    return timezone.localtime(moment).date()


def items(user, first, last, *, programme=None, campaign=None):
    """[Item] from ``first`` to ``last`` (dates, inclusive) for ``user``, filtered by programme or campaign."""
    pages = visible_pages(user)
    if programme is not None:
        pages = pages.descendant_of(programme, inclusive=True)
    if campaign is not None:
        wanted = {campaign.pk, *CampaignPage.objects.descendant_of(campaign).values_list("pk", flat=True),
                  *(member.pk for member in gathering.members(campaign))}
        pages = pages.filter(pk__in=wanted)
    by_id = {page.pk: page for page in pages.specific()}
    ids = [str(pk) for pk in by_id]
    span = (datetime.datetime.combine(first, datetime.time(), when.SHANGHAI),
            datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), when.SHANGHAI))
    found = []
    for revision in Revision.page_revisions.filter(object_id__in=ids, approved_go_live_at__gte=span[0],
                                                   approved_go_live_at__lt=span[1]):
        page = by_id[int(revision.object_id)]
        found.append(Item(_local_day(revision.approved_go_live_at), GO_LIVE, page, revision.approved_go_live_at,
                          revision))
    for page in by_id.values():
        if page.expire_at and span[0] <= page.expire_at < span[1]:
            found.append(Item(_local_day(page.expire_at), EXPIRE, page, page.expire_at))
    states = WorkflowState.objects.active().filter(object_id__in=ids).select_related("current_task_state__revision")
    for state in states:
        page = by_id[int(state.object_id)]
        revision = state.current_task_state.revision if state.current_task_state else None
        target = parse_datetime(revision.content.get("go_live_at") or "") if revision else None
        moment = target or state.created_at
        if span[0] <= moment < span[1]:
            found.append(Item(_local_day(moment), REVIEW, page, target))
    for page in by_id.values():
        if isinstance(page, CampaignPage):
            day = max(page.start_date, first)
            while day <= min(page.end_date, last):
                found.append(Item(day, CAMPAIGN, page))
                day += datetime.timedelta(days=1)
        elif isinstance(page, EventPage):
            for occurrence in when.occurrences(page):
                day = occurrence.starts_at.date()
                if first <= day <= last:
                    found.append(Item(day, EVENT, page, None if occurrence.all_day else occurrence.start))
    found.sort(key=lambda item: (item.day, item.kind != CAMPAIGN, item.moment or span[0], item.page.title))
    return found


def can_schedule(user, page):
    """Only who may publish the page may move its go-live time (编辑 may not; 主编 may)."""
    return page.permissions_for_user(user).can_publish()


def move_go_live(user, revision, moment):
    """Set a scheduled revision's go-live time; False (nothing changed) without the permission."""
    page = revision.content_object.specific
    if not can_schedule(user, page):
        return False
    revision.approved_go_live_at = moment
    revision.save(update_fields=["approved_go_live_at"])
    Page.objects.filter(pk=page.pk).update(go_live_at=moment)
    return True
