"""iCalendar (RFC 5545) text of an event and of a list of events, built with the ``icalendar`` library.

Pure functions of the pages given: the same events give the same bytes (DTSTAMP is when the event
was last published, never "now"). Timed events carry TZID=Asia/Shanghai with its VTIMEZONE; whole-day
events are DATE values with an exclusive DTEND; a recurring event is one VEVENT with RRULE and EXDATE.
"""

import datetime
from urllib.parse import urljoin

import icalendar

from . import when

PRODID = "-//Kepu 科普//活动日历//ZH"
STATUS = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}
FREQ = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY"}


def uid(event):
    """Stable across edits, moves and renames: the page's translation key."""
    return f"{event.translation_key}@kepu"


def _stamp(event):
    moment = event.last_published_at or event.latest_revision_created_at or when.occurrences(event)[0].starts_at
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def region(event):
    """``北京`` or ``贵州平塘``: the province, then the city when it is another name."""
    return "".join(dict.fromkeys(part for part in (event.province, event.city) if part))


def location(event):
    place = "，".join(part for part in (event.venue_name, event.venue_address, region(event)) if part)
    streams = [s.platform for s in event.streams.all()]
    online = f"线上：{'、'.join(streams)}" if streams else ""
    return "；".join(part for part in (place, online) if part)


def description(event, url=None):
    lines = [event.summary.strip()]
    if event.status != "scheduled":
        lines.insert(0, f"【{event.get_status_display()}】{event.status_note}".strip())
    for stream in event.streams.all():
        if stream.live_url:
            lines.append(f"直播（{stream.platform}）：{stream.live_url}")
        if stream.replay_url:
            lines.append(f"回放（{stream.platform}）：{stream.replay_url}")
    if event.registration_url:
        lines.append(f"报名：{event.registration_url}")
    if url:
        lines.append(f"详情：{url}")
    return "\n".join(lines)


def component(event, url=None):
    """The VEVENT of one event page."""
    vevent = icalendar.Event()
    vevent.add("uid", uid(event))
    vevent.add("dtstamp", _stamp(event))
    vevent.add("summary", event.title)
    first = when.Occurrence(when.start(event), when.end(event))
    if first.all_day:
        vevent.add("dtstart", first.start)
        vevent.add("dtend", first.end + datetime.timedelta(days=1))  # exclusive
    else:
        vevent.add("dtstart", first.start)
        vevent.add("dtend", first.end)
    if event.repeat:
        # UNTIL is UTC when DTSTART has a time zone (RFC 5545 3.3.10), a DATE when DTSTART is one.
        last = event.repeat_until if first.all_day else \
            datetime.datetime.combine(event.repeat_until, event.start_time, when.SHANGHAI).astimezone(datetime.UTC)
        vevent.add("rrule", {"freq": FREQ[event.repeat], "until": last})
        skipped = sorted(exception.date for exception in event.exceptions.all())
        if skipped:
            vevent.add("exdate", [day if first.all_day else datetime.datetime.combine(
                day, event.start_time, when.SHANGHAI) for day in skipped])
    vevent.add("status", STATUS.get(event.status, "CONFIRMED"))
    place = location(event)
    if place:
        vevent.add("location", place)
    vevent.add("description", description(event, url))
    vevent.add("categories", [event.get_kind_display()])
    if url:
        vevent.add("url", url)
    return vevent


def calendar(events, *, name, base_url="", url_of=None):
    """A VCALENDAR with one VEVENT per event, and the VTIMEZONE every TZID it uses needs.

    ``url_of(event)``: the event's public path (``/programme/huodong/slug/``) or None; made absolute
    with ``base_url``."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for event in events:
        path = url_of(event) if url_of else None
        cal.add_component(component(event, urljoin(base_url, path) if path else None))
    cal.add_missing_timezones()
    return cal.to_ical()


def event_calendar(event, *, base_url="", url=None):
    """The .ics of one event (its "add to calendar" file)."""
    return calendar([event], name=event.title, base_url=base_url, url_of=lambda _event: url)
