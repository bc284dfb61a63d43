"""A check of schema.org Event JSON-LD against what Google documents for event rich results
(developers.google.com/search/docs/appearance/structured-data/event): required name, startDate and
location (a Place with an address, or a VirtualLocation with a URL for online events); eventStatus
and eventAttendanceMode from schema.org's enumerations; ISO 8601 dates, with a UTC offset when they
carry a time; endDate not before startDate. Returns a list of problems, empty when it passes."""

import datetime
import json
from urllib.parse import urlsplit

SCHEMA = "https://schema.org/"
STATUSES = {f"{SCHEMA}{name}" for name in (
    "EventScheduled", "EventCancelled", "EventPostponed", "EventRescheduled", "EventMovedOnline")}
MODES = {f"{SCHEMA}{name}" for name in (
    "OfflineEventAttendanceMode", "OnlineEventAttendanceMode", "MixedEventAttendanceMode")}


def _moment(value, problems, name):
    try:
        if "T" in value:
            moment = datetime.datetime.fromisoformat(value)
            if moment.utcoffset() is None:
                problems.append(f"{name} 缺少时区：{value}")
            return moment
        day = datetime.date.fromisoformat(value)
        return datetime.datetime.combine(day, datetime.time(), datetime.UTC)
    except (TypeError, ValueError):
        problems.append(f"{name} 不是 ISO 8601 日期：{value!r}")
        return None


def _locations(event):
    location = event.get("location")
    return location if isinstance(location, list) else [location] if location else []


def problems_of(event):
    event = json.loads(json.dumps(event))  # as a parser reads it: plain JSON only
    problems = []
    if event.get("@context") not in ("https://schema.org", "https://schema.org/", "http://schema.org"):
        problems.append("@context 不是 schema.org")
    if event.get("@type") != "Event":
        problems.append("@type 不是 Event")
    for name in ("name", "startDate", "location"):
        if not event.get(name):
            problems.append(f"缺少必需属性 {name}")
    start = _moment(event.get("startDate", ""), problems, "startDate") if event.get("startDate") else None
    end = _moment(event["endDate"], problems, "endDate") if event.get("endDate") else None
    if start and end and end < start:
        problems.append("endDate 早于 startDate")
    if "eventStatus" in event and event["eventStatus"] not in STATUSES:
        problems.append(f"eventStatus 不是 schema.org 的取值：{event['eventStatus']}")
    mode = event.get("eventAttendanceMode")
    if mode is not None and mode not in MODES:
        problems.append(f"eventAttendanceMode 不是 schema.org 的取值：{mode}")
    kinds = set()
    for location in _locations(event):
        kinds.add(location.get("@type"))
        if location.get("@type") == "Place":
            if not location.get("address") or not location.get("name"):
                problems.append("Place 需要 name 和 address")
        elif location.get("@type") == "VirtualLocation":
            if urlsplit(location.get("url", "")).scheme not in ("http", "https"):
                problems.append("VirtualLocation 需要 http(s) 的 url")
        else:
            problems.append(f"location 的类型不对：{location.get('@type')}")
    expected = {f"{SCHEMA}OfflineEventAttendanceMode": {"Place"}, f"{SCHEMA}OnlineEventAttendanceMode": {
        "VirtualLocation"}, f"{SCHEMA}MixedEventAttendanceMode": {"Place", "VirtualLocation"}}.get(mode)
    if expected is not None and kinds != expected:
        problems.append(f"{mode} 与 location 的类型 {sorted(kinds)} 不符")
    for organiser in event.get("organizer", []) if isinstance(event.get("organizer"), list) else [event.get(
            "organizer")] if event.get("organizer") else []:
        if organiser.get("@type") not in ("Organization", "Person") or not organiser.get("name"):
            problems.append("organizer 需要 @type 和 name")
    return problems
