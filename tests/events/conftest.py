"""Events and campaigns: unsaved pages for the pure checks (.ics, JSON-LD, time rules) and a
programme's 活动 list for the ones that need the database."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from wagtail.models import Revision

from cms.core.models import Institute
from cms.events.models import (
    CampaignPage,
    CampaignPiece,
    EventException,
    EventIndexPage,
    EventPage,
    EventSpeaker,
    EventStream,
)
from cms.moderation.roles import ensure_roles
from cms.resources.models import ContributionAreaPage, ResourcePage
from tests.conftest import make_story

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR_URL = "/admin/calendar/"
CAST = dict(name="中国科学技术协会", kind="society", region="北京", website="https://www.cast.org.cn/")


def make_event(**fields):
    """An unsaved event page: the 2020 宣传月 launch 报告会 unless told otherwise."""
    streams = fields.pop("streams", [])
    exceptions = fields.pop("exceptions", [])
    speakers = fields.pop("speakers", [])
    fields.setdefault("title", "2020年科学道德和学风建设宣传月启动报告会")
    fields.setdefault("slug", "qidong-baogaohui")
    fields.setdefault("kind", "report")
    fields.setdefault("summary", "宣传月启动报告会，线下会场与全网直播同步进行。")
    fields.setdefault("start_date", datetime.date(2020, 11, 20))
    if not fields.get("all_day"):
        fields.setdefault("start_time", datetime.time(14, 30))
        fields.setdefault("end_time", datetime.time(16, 0))
    fields.setdefault("venue_name", "中国科技会堂")
    fields.setdefault("venue_address", "北京市海淀区复兴路3号")
    fields.setdefault("city", "北京")
    fields.setdefault("province", "北京")
    if "organiser" not in fields:
        fields["organiser"] = Institute(**CAST)
    event = EventPage(**fields)
    event.streams = [EventStream(**s) for s in streams]
    event.exceptions = [EventException(date=d) for d in exceptions]
    event.speakers = [EventSpeaker(**s) for s in speakers]
    return event


LIVE = {"platform": "中国科协官网", "live_url": "https://live.example.org/2020/qidong",
        "replay_url": "https://live.example.org/2020/qidong/replay"}


@pytest.fixture
def events_list(programme):
    index = EventIndexPage(title="活动", slug="huodong")
    programme.add_child(instance=index)
    index.save_revision().publish()
    return index


def add_event(parent, organiser, *, publish=True, **fields):
    event = make_event(organiser=organiser, **fields)
    event.live = publish
    parent.add_child(instance=event)
    revision = event.save_revision()
    if publish:
        revision.publish()
    return event


def rendered(cold=True):
    """{content path: Document} of every public page, rendered as the publish step renders them:
    by a new worker (``cold``: what a listing shows depends on the time, see listing.py) or by the
    worker that rendered them last (its render cache)."""
    from cms.publish import plan, render
    from cms.publish.state import current

    if cold:
        current().forget()
    cache = current().renders
    return render.render(plan.plan(cache), cache).documents


def scheduled(page, moment):
    page.save_revision(approved_go_live_at=moment)
    return Revision.page_revisions.filter(object_id=str(page.pk)).latest("pk")


@pytest.fixture
def desk(home, programme, events_list, institute, users):
    """November 2020: a campaign, an event, a story scheduled, one in review, and a contributor's resource."""
    campaign = CampaignPage(title="宣传月", slug="xuanchuanyue", theme="学风", lead="导语。",
                            start_date=datetime.date(2020, 11, 1), end_date=datetime.date(2020, 11, 30))
    event = add_event(events_list, institute)  # 2020-11-20 14:30
    campaign.pieces = [CampaignPiece(piece=event)]
    home.add_child(instance=campaign)
    campaign.save_revision().publish()
    later = make_story(programme, title="定时上线的故事", slug="dingshi", publish=False)
    revision = scheduled(later, datetime.datetime(2020, 11, 10, 10, tzinfo=SHANGHAI))
    review = make_story(programme, title="审核中的故事", slug="shenhe", publish=False)
    review.go_live_at = datetime.datetime(2020, 11, 25, 9, tzinfo=SHANGHAI)
    review.save_revision(user=users["editor"])
    review.get_workflow().start(review, users["editor"])
    area = ContributionAreaPage(title="投稿区", slug="tougao", institute=institute)
    programme.add_child(instance=area)
    area.save_revision().publish()
    ensure_roles()  # the institute's group gets its area
    resource = ResourcePage(title="机构的资源", slug="ziyuan", kind="video", institute=institute, summary="摘要。",
                            external_url="https://example.org/v", live=False)
    area.add_child(instance=resource)
    scheduled(resource, datetime.datetime(2020, 11, 12, 8, tzinfo=SHANGHAI))
    return {"campaign": campaign, "revision": revision}
