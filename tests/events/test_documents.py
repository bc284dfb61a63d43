"""What the public sees of events and campaigns: the event page's time-and-place block and JSON-LD,
the 活动 list moving an event to 往期 when it ends, and a campaign that lists a scheduled piece only
once it has gone live."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from wagtail.models import Revision

from cms.events.models import CampaignPage
from cms.moderation.scheduler import run_once
from tests.conftest import make_story
from tests.events.conftest import LIVE, add_event, rendered
from tests.events.event_schema import problems_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    """The publish renders for that moment (``context.now`` reads the clock when the publish starts)."""
    return mock.patch("django.utils.timezone.now", return_value=datetime.datetime(*args, tzinfo=SHANGHAI))


def test_an_event_page_opens_with_when_and_where_and_carries_its_event_json_ld(events_list, institute, story):
    event = add_event(events_list, institute, streams=[LIVE], speakers=[{"story": story, "affiliation": "中国科学院"}],
                      registration_url="https://example.org/baoming",
                      registration_deadline=datetime.datetime(2020, 11, 19, 12, tzinfo=SHANGHAI))
    document = rendered()["gezhi-lundao/huodong/qidong-baogaohui.md"]
    body = document.body
    assert "- **时间**：2020年11月20日（星期五） 14:30–16:00（北京时间）" in body
    assert "- **地点**：中国科技会堂（北京市海淀区复兴路3号），北京" in body
    assert f"中国科协官网（[直播]({LIVE['live_url']}) · [回放]({LIVE['replay_url']})）" in body
    assert "- **报名截止**：2020年11月19日 12:00（北京时间）" in body
    assert f"- [钱学森](../{story.slug}.md)，中国科学院" in body  # the speaker's story, relative to this page
    assert body.index("## 时间和地点") < body.index("## 报名") < body.index("## 主讲人")
    (item,) = document.meta["structured_data"]
    assert problems_of(item) == []
    assert item["performer"] == [{"@type": "Person", "name": "钱学森"}]
    assert item["offers"]["validThrough"] == "2020-11-19T12:00:00+08:00"
    assert document.meta["kind"] == "event" and document.meta["calendar_file"] == f"{event.slug}.ics"


def test_a_cancelled_event_says_so_first(events_list, institute):
    add_event(events_list, institute, status="cancelled", status_note="因故取消，另行通知。")
    body = rendered()["gezhi-lundao/huodong/qidong-baogaohui.md"].body
    notice = ('<div class="kepu-body" markdown="1">\n\n'
              '<div class="kepu-event-status" role="note" markdown="1">\n\n**已取消**：因故取消，另行通知。')
    assert body.startswith(notice)


def test_an_event_moves_to_past_events_when_it_ends(events_list, institute):
    add_event(events_list, institute)  # 2020-11-20 14:30–16:00
    add_event(events_list, institute, title="跨年科学演讲", slug="kuanian", all_day=True,
              start_date=datetime.date(2020, 12, 31))
    with at(2020, 11, 20, 15, 0):  # under way: still upcoming
        index = rendered()["gezhi-lundao/huodong/index.md"]
    upcoming = index.body.split("## 往期活动")[0]
    assert upcoming.index("启动报告会") < upcoming.index("跨年科学演讲")
    assert "## 往期活动" not in index.body
    assert index.meta["valid_until"] == "2020-11-20T16:00:00+08:00"  # when the first one ends
    with at(2020, 11, 20, 16, 0):
        index = rendered()["gezhi-lundao/huodong/index.md"]
    upcoming, past = index.body.split("## 往期活动")
    assert "跨年科学演讲" in upcoming and "启动报告会" not in upcoming
    assert "[2020年科学道德和学风建设宣传月启动报告会](qidong-baogaohui.md)" in past
    assert index.meta["valid_until"] == "2021-01-01T00:00:00+08:00"  # midnight after the whole day


def test_a_scheduled_piece_appears_on_the_campaign_only_once_it_has_gone_live(home, programme):
    campaign = CampaignPage(title="科学道德和学风建设宣传月", slug="xuanchuanyue", theme="弘扬科学家精神",
                            start_date=datetime.date(2020, 11, 1), end_date=datetime.date(2020, 12, 31),
                            lead="宣传月的报告会、宣讲和作品。", rule_within_window=False)
    home.add_child(instance=campaign)
    first = make_story(programme, title="钱学森的学风", slug="qian-xuefeng")
    first.tags.add("学风")
    first.save_revision().publish()
    later = make_story(programme, title="黄大年的学风", slug="huang-xuefeng", publish=False)
    later.tags.add("学风")
    revision = later.save_revision()
    revision.publish()  # without a go-live time: to be set next
    later.refresh_from_db()
    later.unpublish()
    revision = later.save_revision(approved_go_live_at=datetime.datetime(2100, 1, 1, tzinfo=SHANGHAI))
    from taggit.models import Tag

    campaign.rule_tags = [Tag.objects.get(name="学风")]
    campaign.save_revision().publish()

    documents = rendered()
    page = documents["xuanchuanyue/index.md"]
    assert "钱学森的学风" in page.body and "黄大年的学风" not in page.body
    assert page.meta["gathers"] == [first.pk]
    assert "gezhi-lundao/huang-xuefeng.md" not in documents

    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=datetime.datetime(2020, 1, 1, tzinfo=SHANGHAI))
    run_once()  # the scheduler publishes what is due
    page = rendered(cold=False)["xuanchuanyue/index.md"]  # the same worker: the campaign noted the candidate
    pieces = page.body.split("## 全部内容")[1]
    assert pieces.index("黄大年的学风") < pieces.index("钱学森的学风")  # newest first
    assert sorted(page.meta["gathers"]) == sorted([first.pk, later.pk])


@pytest.mark.parametrize(("moment", "state", "changes"), [
    ((2020, 10, 31, 23, 0), "即将开始", "2020-11-01T00:00:00+08:00"),
    ((2020, 11, 15, 9, 0), "进行中", "2021-01-01T00:00:00+08:00"),
    ((2021, 1, 1, 0, 0), "已结束", None),
])
def test_a_campaign_says_whether_its_window_is_open_and_until_when(home, moment, state, changes):
    campaign = CampaignPage(title="宣传月", slug="xuanchuanyue", theme="学风", lead="导语。",
                            start_date=datetime.date(2020, 11, 1), end_date=datetime.date(2020, 12, 31))
    home.add_child(instance=campaign)
    campaign.save_revision().publish()
    with at(*moment):
        page = rendered()["xuanchuanyue/index.md"]
    assert f"2020年11月1日 至 2020年12月31日（{state}）" in page.body
    assert page.meta.get("valid_until") == changes
    assert page.meta["feature"] == {"from": "2020-11-01T00:00:00+08:00", "until": "2021-01-01T00:00:00+08:00"}


def test_the_calendar_files_of_an_event_and_of_its_list_parse_with_their_public_urls(events_list, institute):
    import icalendar

    from cms.publish import plan, render
    from cms.publish.state import current

    event = add_event(events_list, institute, streams=[LIVE])
    add_event(events_list, institute, title="跨年科学演讲", slug="kuanian", all_day=True,
              start_date=datetime.date(2020, 12, 31))
    current().forget()
    cache = current().renders
    planned = plan.plan(cache)
    render.render(planned, cache)
    context = planned.context
    (name, data), = event.attachments(context).items()
    assert name == "qidong-baogaohui.ics"
    (vevent,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert vevent["URL"] == "http://127.0.0.1:8001/gezhi-lundao/huodong/qidong-baogaohui/"
    feed = icalendar.Calendar.from_ical(events_list.attachments(context)["events.ics"])
    summaries = sorted(str(v["SUMMARY"]) for v in feed.walk("VEVENT"))
    assert summaries == ["2020年科学道德和学风建设宣传月启动报告会", "跨年科学演讲"]
    assert feed["X-WR-CALNAME"] == "格致论道 · 活动"
