"""schema.org Event JSON-LD of an event page (front matter ``structured_data``).

One Event per occurrence (search engines want a separate Event for each date of a recurring one),
with eventAttendanceMode, location (a Place, a VirtualLocation or both) and eventStatus.
"""

from . import when

SCHEMA = "https://schema.org/"
STATUS = {
    "scheduled": "EventScheduled", "cancelled": "EventCancelled", "postponed": "EventPostponed",
    "rescheduled": "EventRescheduled", "moved_online": "EventMovedOnline",
}


def attendance_mode(event):
    offline, online = bool(event.venue_name), bool(list(event.streams.all()))
    if offline and online:
        return "MixedEventAttendanceMode"
    return "OnlineEventAttendanceMode" if online else "OfflineEventAttendanceMode"


def _moment(value):
    return value.isoformat()  # a date for whole days, else 2020-11-20T14:30:00+08:00


def locations(event):
    found = []
    if event.venue_name:
        address = {"@type": "PostalAddress", "addressCountry": "CN"}
        for key, value in (("streetAddress", event.venue_address), ("addressLocality", event.city),
                           ("addressRegion", event.province)):
            if value:
                address[key] = value
        found.append({"@type": "Place", "name": event.venue_name, "address": address})
    for stream in event.streams.all():
        found.append({"@type": "VirtualLocation", "name": stream.platform, "url": stream.live_url or stream.replay_url})
    return found


def event_objects(event, *, description=""):
    """[schema.org Event dict] for each occurrence of the event."""
    base = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": description or event.summary,
        "eventStatus": SCHEMA + STATUS[event.status],
        "eventAttendanceMode": SCHEMA + attendance_mode(event),
        "inLanguage": "zh-CN",
    }
    places = locations(event)
    base["location"] = places[0] if len(places) == 1 else places
    organisers = [event.organiser, *event.co_organisers.all()]
    base["organizer"] = [{"@type": "Organization", "name": o.name, **({"url": o.website} if o.website else {})}
                         for o in organisers if o is not None]
    speakers = [s.display_name for s in event.speakers.all() if s.display_name]
    if speakers:
        base["performer"] = [{"@type": "Person", "name": name} for name in speakers]
    audiences = [a.name for a in event.audiences.all()]
    if audiences:
        base["audience"] = {"@type": "Audience", "audienceType": "、".join(audiences)}
    if event.capacity:
        base["maximumAttendeeCapacity"] = event.capacity
    if event.registration_url:
        offer = {"@type": "Offer", "url": event.registration_url, "availability": SCHEMA + "InStock"}
        if event.registration_deadline:
            offer["validThrough"] = event.registration_deadline.astimezone(when.SHANGHAI).isoformat()
        base["offers"] = offer
    if event.status == "rescheduled" and event.previous_start_date:
        base["previousStartDate"] = event.previous_start_date.isoformat()
    base["keywords"] = event.get_kind_display()
    found = []
    for occurrence in when.occurrences(event):
        found.append({**base, "startDate": _moment(occurrence.start), "endDate": _moment(occurrence.end)})
    return found
