"""An event's .ics (parsed with the icalendar library, recurrences expanded with dateutil) and its
schema.org Event JSON-LD (checked against Google's documented event properties), for timed,
all-day, multi-day, online-only, recurring and cancelled events. Unsaved pages (a page reads its
default locale from the database), pure functions."""

import datetime
import json
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from cms.events import ics, jsonld, when
from tests.events.conftest import LIVE, make_event
from tests.events.event_schema import problems_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def parsed(data):
    calendar = icalendar.Calendar.from_ical(data)
    return calendar, calendar.walk("VEVENT")


def checked(event):
    """The event's JSON-LD objects after the schema check (which must find nothing)."""
    objects = json.loads(json.dumps(jsonld.event_objects(event)))
    for item in objects:
        assert problems_of(item) == []
    return objects


def test_a_timed_event_in_a_hall_and_online_is_at_beijing_time_with_its_time_zone():
    event = make_event(streams=[LIVE])
    calendar, (vevent,) = parsed(ics.event_calendar(event, base_url="https://kepu.example.org/",
                                                   url="/kexue-yu-zhongguo/huodong/qidong-baogaohui/"))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    start, end = vevent["DTSTART"], vevent["DTEND"]
    assert start.params["TZID"] == "Asia/Shanghai"
    assert start.dt == datetime.datetime(2020, 11, 20, 6, 30, tzinfo=datetime.UTC)  # 14:30 in Beijing
    assert end.dt == datetime.datetime(2020, 11, 20, 8, 0, tzinfo=datetime.UTC)
    assert vevent["STATUS"] == "CONFIRMED"
    assert "中国科技会堂" in vevent["LOCATION"] and "线上：中国科协官网" in vevent["LOCATION"]
    assert LIVE["replay_url"] in vevent["DESCRIPTION"]
    assert vevent["URL"] == "https://kepu.example.org/kexue-yu-zhongguo/huodong/qidong-baogaohui/"
    (item,) = checked(event)
    assert item["startDate"] == "2020-11-20T14:30:00+08:00" and item["endDate"] == "2020-11-20T16:00:00+08:00"
    assert item["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert {place["@type"] for place in item["location"]} == {"Place", "VirtualLocation"}
    assert item["eventStatus"] == "https://schema.org/EventScheduled"


def test_a_whole_day_event_spanning_days_has_dates_and_an_exclusive_end():
    event = make_event(title="全国科技工作者日主题展", kind="exhibition", all_day=True,
                       start_date=datetime.date(2021, 5, 28), end_date=datetime.date(2021, 5, 30))
    _calendar, (vevent,) = parsed(ics.event_calendar(event))
    assert vevent["DTSTART"].dt == datetime.date(2021, 5, 28)
    assert vevent["DTEND"].dt == datetime.date(2021, 5, 31)  # RFC 5545: the day after the last
    assert vevent["DTSTART"].params.get("VALUE") == "DATE"
    (item,) = checked(event)
    assert (item["startDate"], item["endDate"]) == ("2021-05-28", "2021-05-30")
    assert when.event_label(event) == "2021年5月28日（星期五） 至 5月30日（星期日）"


def test_a_timed_event_over_several_days_ends_on_its_last_day():
    event = make_event(kind="study", start_date=datetime.date(2021, 7, 12), end_date=datetime.date(2021, 7, 16),
                       start_time=datetime.time(9, 0), end_time=datetime.time(17, 0))
    _calendar, (vevent,) = parsed(ics.event_calendar(event))
    assert vevent["DTSTART"].dt == datetime.datetime(2021, 7, 12, 9, tzinfo=SHANGHAI)
    assert vevent["DTEND"].dt == datetime.datetime(2021, 7, 16, 17, tzinfo=SHANGHAI)
    (item,) = checked(event)
    assert item["endDate"] == "2021-07-16T17:00:00+08:00"


def test_an_online_only_event_has_a_virtual_location_and_no_place():
    event = make_event(venue_name="", venue_address="", city="", province="", streams=[LIVE])
    _calendar, (vevent,) = parsed(ics.event_calendar(event))
    assert vevent["LOCATION"] == "线上：中国科协官网"
    (item,) = checked(event)
    assert item["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert item["location"] == {"@type": "VirtualLocation", "name": "中国科协官网", "url": LIVE["live_url"]}


def test_a_recurring_open_day_is_one_event_whose_rule_less_exceptions_gives_its_dates():
    event = make_event(title="FAST 观测基地公众开放日", kind="open_day", start_date=datetime.date(2021, 7, 3),
                       start_time=datetime.time(9, 0), end_time=datetime.time(16, 0), repeat="weekly",
                       repeat_until=datetime.date(2021, 7, 31), exceptions=[datetime.date(2021, 7, 17)],
                       venue_name="FAST 观测基地", city="平塘", province="贵州")
    _calendar, (vevent,) = parsed(ics.event_calendar(event))
    start = vevent["DTSTART"].dt
    rule = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=start)
    skipped = {moment.dt for exdate in [vevent["EXDATE"]] for moment in exdate.dts}
    expected = [datetime.datetime(2021, 7, day, 9, tzinfo=SHANGHAI) for day in (3, 10, 24, 31)]
    assert [moment for moment in rule if moment not in skipped] == expected
    assert [o.start for o in when.occurrences(event)] == expected
    items = checked(event)
    assert [item["startDate"] for item in items] == [f"2021-07-{d:02d}T09:00:00+08:00" for d in (3, 10, 24, 31)]
    assert when.event_label(event) == "2021年7月3日至7月31日，每周六 09:00–16:00（7月17日不举办）"


def test_a_cancelled_event_says_so_in_both():
    event = make_event(status="cancelled", status_note="因疫情防控要求取消。")
    _calendar, (vevent,) = parsed(ics.event_calendar(event))
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["DESCRIPTION"].startswith("【已取消】因疫情防控要求取消。")
    (item,) = checked(event)
    assert item["eventStatus"] == "https://schema.org/EventCancelled"


def test_a_list_of_events_is_one_calendar_with_one_time_zone_and_the_same_bytes_each_time():
    events = [make_event(), make_event(title="跨年科学演讲", all_day=True, start_date=datetime.date(2020, 12, 31)),
              make_event(title="宣讲（上海站）", kind="tour", start_date=datetime.date(2020, 11, 25), city="上海")]
    data = ics.calendar(events, name="科学与中国 · 活动")
    calendar, vevents = parsed(data)
    assert len(vevents) == 3 and len({v["UID"] for v in vevents}) == 3
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert calendar["X-WR-CALNAME"] == "科学与中国 · 活动"
    assert ics.calendar(events, name="科学与中国 · 活动") == data
