"""The editorial calendar: what each role sees, the filters, and who may move a go-live time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from wagtail.models import Revision

from cms.events.models import CampaignPage, CampaignPiece
from cms.moderation.roles import ensure_roles
from cms.resources.models import ContributionAreaPage, ResourcePage
from tests.conftest import make_story
from tests.events.conftest import add_event

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/admin/calendar/"


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


def seen(client, **query):
    response = client.get(URL, {"date": "2020-11-15", **query})
    assert response.status_code == 200
    return {(day.isoformat(), item.label, item.page.title)
            for week in response.context["weeks"] for day, items, _in_month in week for item in items}


def test_an_editor_sees_the_month_and_a_contributor_only_their_institutes_items(client, users, desk):
    client.force_login(users["editor"])
    found = seen(client)
    assert {("2020-11-10", "定时上线", "定时上线的故事"), ("2020-11-25", "审核中", "审核中的故事"),
            ("2020-11-20", "活动", "2020年科学道德和学风建设宣传月启动报告会"),
            ("2020-11-12", "定时上线", "机构的资源"), ("2020-11-01", "专题", "宣传月"),
            ("2020-11-30", "专题", "宣传月")} <= found
    client.force_login(users["contributor"])
    assert seen(client) == {("2020-11-12", "定时上线", "机构的资源")}


def test_the_week_view_and_the_campaign_filter(client, users, desk):
    client.force_login(users["chief"])
    week = seen(client, view="week", date="2020-11-20")
    assert {day for day, _label, _title in week} == {f"2020-11-{d}" for d in range(16, 23)}
    assert ("2020-11-20", "活动", "2020年科学道德和学风建设宣传月启动报告会") in week
    only = seen(client, campaign=desk["campaign"].pk)
    assert {title for _day, _label, title in only} == {"宣传月", "2020年科学道德和学风建设宣传月启动报告会"}


def test_only_who_may_publish_moves_a_go_live_time(client, users, desk):
    revision = desk["revision"]
    url = reverse("editorial_calendar:go_live", args=[revision.pk])
    client.force_login(users["editor"])
    assert "更改上线时间" not in client.get(URL, {"date": "2020-11-15"}).content.decode()
    refused = client.post(url, {"go_live_at": "2020-11-11T09:00"})
    assert refused.status_code == 302 and refused.url == "/admin/"  # Wagtail's answer to PermissionDenied
    revision.refresh_from_db()
    assert revision.approved_go_live_at == datetime.datetime(2020, 11, 10, 10, tzinfo=SHANGHAI)
    client.force_login(users["chief"])
    page = client.get(URL, {"date": "2020-11-15"}).content.decode()
    assert page.count("更改上线时间") == 2  # the story and the contributor's resource
    client.post(url, {"go_live_at": "2020-11-11T09:00"})
    revision.refresh_from_db()
    assert revision.approved_go_live_at == datetime.datetime(2020, 11, 11, 9, tzinfo=SHANGHAI)
