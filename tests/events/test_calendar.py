"""The editorial calendar: what each role sees, the filters, and who may move a go-live time."""

import datetime

from django.urls import reverse

from tests.events.conftest import CALENDAR_URL as URL
from tests.events.conftest import SHANGHAI


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
