"""What the 活动 lists' filter reads: each item's kind, places and months, and the form's menus.

The sample events are checked without the database (unsaved pages built from cms/events/sample.py);
the rendered list is checked as the publish step renders it and Python-Markdown turns it into HTML
(the extensions the build enables), at a moment when some events are upcoming."""

import datetime
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from cms.events import facets
from cms.events.models import EventIndexPage, EventPage
from cms.events.sample import EVENTS
from tests.events.conftest import LIVE, add_event, make_event, rendered
from tests.events.test_documents import at

D = datetime.date


def sample_events():
    events = []
    for specs in EVENTS.values():
        for spec in specs:
            spec = {k: v for k, v in spec.items() if k not in ("speakers", "tags", "audiences")}
            streams = [{"platform": p, "live_url": live, "replay_url": replay}
                       for p, live, replay in spec.pop("streams", [])]
            place = {"venue_name": "", "venue_address": "", "city": "", "province": ""}
            events.append(make_event(streams=streams, **{**place, **spec}))
    return events


def chosen(events, kind=None, city=None, month=None):
    """The titles a reader sees with these choices: every choice made is among the item's values."""
    found = []
    for event in events:
        data = facets.of(event)
        if (kind in (None, data.kind) and city in (None, *data.places) and month in (None, *data.months)):
            found.append(event.title)
    return set(found)


def test_the_sample_events_are_filtered_by_kind_city_and_month_as_a_reader_expects():
    events = sample_events()
    assert chosen(events, kind="tour", month="2020-11") == {"科学家精神宣讲：进院所（北京站）",
                                                           "科学家精神宣讲：线上专场"}
    # Online-only events have no city: they are 线上, and so is the launch 报告会 streamed from Beijing.
    assert chosen(events, city="线上") == {"2020年科学道德和学风建设宣传月启动报告会", "科学家精神宣讲：线上专场",
                                         "2021跨年科学演讲"}
    assert chosen(events, city="北京") == {"2020年科学道德和学风建设宣传月启动报告会",
                                         "科学家精神宣讲：进院所（北京站）", "大科学装置公众开放日"}
    # The 跨年 lecture runs 12月31日 19:30 to 1月1日 00:30; the summer school 7月26日 to 8月6日.
    assert chosen(events, month="2021-01") == {"2021跨年科学演讲"}
    assert chosen(events, month="2021-08") == {"科学教育暑期学校"}
    assert chosen(events, month="2021-07") == {"大科学装置公众开放日", "科学教育暑期学校"}
    assert chosen(events, kind="tour", city="广州", month="2020-11") == set()
    menus = facets.menus([facets.of(e) for e in events], dict(EventPage.Kind.choices))
    assert [(name, [text for _value, text in options]) for name, _label, options in menus] == [
        ("kind", ["报告会（1）", "宣讲（4）", "讲座（1）", "开放日（1）", "展览（1）", "科学教育/研学（1）"]),
        ("city", ["北京（3）", "广州（2）", "上海（1）", "合肥（1）", "线上（3）"]),
        ("month", ["2020年11月（3）", "2020年12月（3）", "2021年1月（1）", "2021年5月（1）", "2021年7月（2）",
                   "2021年8月（1）"]),
    ]


def test_a_recurring_event_is_in_each_month_it_takes_place_in_and_a_timed_one_in_beijing_time():
    # Saturdays 24 July to 14 August, the August ones cancelled: July only.
    weekly = make_event(repeat="weekly", start_date=D(2021, 7, 24), repeat_until=D(2021, 8, 14),
                        exceptions=[D(2021, 8, 7), D(2021, 8, 14)])
    assert facets.months(weekly) == ("2021-07",)
    assert facets.months(make_event(repeat="monthly", start_date=D(2021, 1, 31), repeat_until=D(2021, 4, 30))) == (
        "2021-01", "2021-03")  # no 31 February or 31 April
    # 30 November 23:00 to 1 December 00:00 Beijing time is a November evening (16:00 UTC).
    late = make_event(start_date=D(2020, 11, 30), end_date=D(2020, 12, 1), start_time=datetime.time(23),
                      end_time=datetime.time(0))
    assert facets.months(late) == ("2020-11",)
    assert facets.of(make_event(venue_name="", city="", streams=[LIVE])).places == ("线上",)


def list_html(document):
    html = markdown.markdown(document.body, extensions=["attr_list", "md_in_html"])
    return BeautifulSoup(html, "html.parser")


@pytest.mark.django_db
def test_the_list_carries_every_event_with_its_filter_data_in_upcoming_then_past_order(events_list, institute):
    add_event(events_list, institute, title="宣讲：上海站", slug="shanghai", kind="tour", start_date=D(2020, 12, 2),
              venue_name="大礼堂", city="上海", province="上海")
    add_event(events_list, institute, title="宣讲：线上", slug="xianshang", kind="tour", start_date=D(2020, 11, 30),
              venue_name="", city="", province="", streams=[LIVE])
    add_event(events_list, institute, title="开放日", slug="kaifangri", kind="open_day", all_day=True,
              start_date=D(2020, 11, 7), repeat="weekly", repeat_until=D(2020, 12, 5))
    add_event(events_list, institute, title="启动报告会", slug="qidong")  # 2020-11-20, 北京
    with at(2020, 11, 25, 12, 0):
        document = rendered()["gezhi-lundao/huodong/index.md"]
    soup = list_html(document)
    upcoming, past = soup.select("ul")
    assert [h.get_text() for h in soup.select("h2")] == ["近期活动", "往期活动"]
    # Upcoming by their next date (the open day's is 28 November), then 往期; each with its data.
    assert [(li.a.get_text(), li["data-kind"], li["data-places"], li["data-months"]) for li in upcoming("li")] == [
        ("开放日", "open_day", "北京", "2020-11 2020-12"),
        ("宣讲：线上", "tour", "线上", "2020-11"),
        ("宣讲：上海站", "tour", "上海", "2020-12"),
    ]
    assert [(li.a.get_text(), li["data-places"]) for li in past("li")] == [("启动报告会", "北京")]
    form = soup.select_one("form[data-kepu-events]")
    assert form.has_attr("hidden")  # shown by the script; without it the whole list is there
    menus = {s["name"]: [(o["value"], o.get_text()) for o in s("option")] for s in form("select")}
    assert menus == {
        "kind": [("", "全部"), ("report", "报告会（1）"), ("tour", "宣讲（2）"), ("open_day", "开放日（1）")],
        "city": [("", "全部"), ("北京", "北京（2）"), ("上海", "上海（1）"), ("线上", "线上（1）")],
        "month": [("", "全部"), ("2020-11", "2020年11月（3）"), ("2020-12", "2020年12月（2）")],
    }
    for select in form("select"):
        assert soup.select_one(f'label[for="{select["id"]}"]').get_text() in ("类型", "城市", "月份")
    count = soup.select_one("[data-kepu-events-count]")
    assert count["aria-live"] == "polite" and count.get_text() == "共 4 场活动"
    # The theme's script, by its fingerprinted name, relative to gezhi-lundao/huodong/.
    (script,) = soup.select("script[src]")
    name = script["src"].removeprefix("../../")
    assert name.startswith("assets/kepu-events.") and name.endswith(".min.js")
    assert Path(settings.KEPU_THEMES_DIR, "assets", "kepu-events.js").is_file()


@pytest.mark.django_db
def test_the_site_wide_list_filters_every_programmes_events_and_an_empty_list_has_no_filter(home, events_list,
                                                                                            institute):
    everything = EventIndexPage(title="活动", slug="quanbu-huodong")
    home.add_child(instance=everything)
    everything.save_revision().publish()
    with at(2020, 11, 1, 0, 0):
        documents = rendered()
    assert "data-kepu-events" not in documents["quanbu-huodong/index.md"].body
    assert documents["quanbu-huodong/index.md"].body.count("暂无活动。") == 1
    add_event(events_list, institute)
    with at(2020, 11, 1, 0, 0):
        soup = list_html(rendered()["quanbu-huodong/index.md"])
    assert [li["data-kind"] for li in soup.select("li[data-kind]")] == ["report"]
    assert soup.select_one("script[src]")["src"].startswith("../assets/kepu-events.")


@pytest.mark.django_db
def test_a_cancelled_event_stays_in_the_list_and_the_feed_and_says_so_first(events_list, institute):
    from cms.publish import generate

    add_event(events_list, institute, status="cancelled", status_note="因故取消，另行通知。")
    with at(2020, 11, 1, 0, 0):
        documents = rendered()
    soup = list_html(documents["gezhi-lundao/huodong/index.md"])
    (item,) = soup.select("li[data-kind]")
    assert item.strong.get_text() == "已取消" and item["data-months"] == "2020-11"
    out = generate.generate(documents, site_name="科普", base_url="https://kepu.example.org",
                            description="")
    feed = out.files["feed.xml"].decode()
    entry = feed[feed.index("<item>"):feed.index("</item>")]
    assert "2020年科学道德和学风建设宣传月启动报告会" in entry
    assert "<description>【已取消】因故取消，另行通知。 宣传月启动报告会" in entry
