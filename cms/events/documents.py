"""How events, event lists and campaigns render for the public site.

Front matter the publish package is asked to honour (see the README, "Campaigns and events"):
``valid_until`` (a listing that changes with time: render again then), ``calendar_file`` (the .ics
beside the page, from cms/events/ics.py), ``gathers`` (the page ids a campaign gathers: each shows
which campaigns it belongs to) and ``feature`` (a campaign's window: the home page features it then).
"""

import datetime
import posixpath

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.html import escape

from cms.core.documents import render_body
from cms.programmes.models import ProgrammePage

from . import facets, gathering, ics, jsonld, listing, when
from .ics import region
from .listing import page_link

EVENT_FILTER_SCRIPT = "assets/kepu-events.js"  # a theme file: the safety gate lets pages load it (theme_scripts.py)


def _doc_path(url, page):
    """The content path of a public page from its URL path (as the exporter places documents)."""
    stem = url.strip("/")
    if not stem:
        return "index.md"
    return f"{stem}/index.md" if page.specific_class.allowed_subpage_models() else f"{stem}.md"


class Links:
    """Relative Markdown link targets from the document being rendered to other public pages."""

    def __init__(self, context, page, meta):
        self.context = context
        self.here = _doc_path(meta["canonical"], page)

    def __call__(self, target):
        url = self.context.url(target)
        if url is None:
            return None
        return posixpath.relpath(_doc_path(url, target), posixpath.dirname(self.here) or ".")


def _date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _moment(value):
    local = timezone.localtime(value)
    return f"{_date(local)} {local:%H:%M}"


def _body(parts):
    """The body in the theme's text wrapper (links in a line of text are underlined, kepu.css)."""
    text = "\n\n".join(p for p in parts if p)
    return f'<div class="kepu-body" markdown="1">\n\n{text}\n\n</div>'


def _public(pages, context):
    return [page for page in pages if context.url(page)]


def _prefetch_events(events):
    from .models import EventPage

    prefetch_related_objects(events, *EventPage.export_prefetch)
    return events


# Events ------------------------------------------------------------------------------------------

def time_and_place(page, context):
    """The block every event page opens with: when, where, online, who, for whom."""
    plain = context.plain
    lines = [f"- **时间**：{plain(when.event_label(page))}" + ("" if page.all_day else "（北京时间）")]
    if page.venue_name:
        place = page.venue_name + (f"（{page.venue_address}）" if page.venue_address else "")
        lines.append(f"- **地点**：{plain(place)}，{plain(region(page))}")
    streams = list(page.streams.all())
    if streams:
        links = []
        for stream in streams:
            parts = [context.external_link("直播", stream.live_url) if stream.live_url else "",
                     context.external_link("回放", stream.replay_url) if stream.replay_url else ""]
            links.append(f"{plain(stream.platform)}（{' · '.join(p for p in parts if p)}）")
        lines.append(f"- **线上**：{'；'.join(links)}")
    lines.append(f"- **主办**：{plain(page.organiser.name)}")
    co = [o.name for o in page.co_organisers.all()]
    if co:
        lines.append(f"- **协办**：{plain('、'.join(co))}")
    audiences = [a.name for a in page.audiences.all()]
    if audiences:
        lines.append(f"- **面向**：{plain('、'.join(audiences))}")
    lines.append(f"- **类型**：{plain(page.get_kind_display())}")
    return "## 时间和地点\n\n" + "\n".join(lines)


def registration(page, context):
    lines = []
    if page.registration_deadline:
        lines.append(f"- **报名截止**：{_moment(page.registration_deadline)}（北京时间）")
    if page.registration_url:
        lines.append(f"- {context.external_link('在线报名', page.registration_url)}")
    if page.registration_instructions:
        lines.append(f"- **报名方式**：{context.plain(page.registration_instructions)}")
    if page.capacity:
        lines.append(f"- **名额**：{page.capacity} 人")
    return "## 报名\n\n" + "\n".join(lines) if lines else ""


def status_notice(page, context):
    if page.status == "scheduled":
        return ""
    text = f"**{context.plain(page.get_status_display())}**"
    if page.status == "rescheduled" and page.previous_start_date:
        text += f"（原定 {_date(page.previous_start_date)}）"
    if page.status_note:
        text += f"：{context.plain(page.status_note)}"
    return f'<div class="kepu-event-status" role="note" markdown="1">\n\n{text}\n\n</div>'


def status_prefix(page):
    """``【已取消】因故取消。`` before a cancelled, postponed … event's description: what feeds, search
    results and cards show of it says so first (the event keeps its page and stays in the feeds)."""
    if page.status == "scheduled":
        return ""
    return f"【{page.get_status_display()}】" + (f"{page.status_note} " if page.status_note else "")


def event_document(page, context):
    organisers = [page.organiser, *page.co_organisers.all()]
    label = when.event_label(page)
    place = listing.place_label(page)
    meta = context.front_matter(
        page, kind="event", description=status_prefix(page) + page.summary,
        programme=context.ancestor(page, ProgrammePage),
        tags=page.tags.all(), authors=[o.name for o in organisers],
        event={
            "kind": page.kind, "kind_label": page.get_kind_display(),
            "status": page.status, "status_label": page.get_status_display(),
            "all_day": page.all_day, "start": when.start(page).isoformat(), "end": when.end(page).isoformat(),
            "repeat": page.repeat, "city": page.city, "province": page.province,
            "offline": bool(page.venue_name), "online": bool(list(page.streams.all())),
        },
        facts=[{"label": "时间", "value": label}, {"label": "地点", "value": place},
               {"label": "类型", "value": page.get_kind_display()}],
        card={"facts": [f for f in (label, place, page.get_kind_display()) if f]},
        structured_data=jsonld.event_objects(page),
        calendar_file=f"{page.slug}.ics",
    )
    links = Links(context, page, meta)
    parts = [status_notice(page, context), context.plain(page.summary), time_and_place(page, context),
             registration(page, context)]
    if page.repeat:
        dates = [f"1. {context.plain(when.occurrence_label(o))}" for o in when.occurrences(page)]
        parts.append("## 举办日期\n\n" + "\n".join(dates))
    parts.append(render_body(page.body, context))
    speakers = []
    for speaker in page.speakers.all():
        target = speaker.story or getattr(speaker.public_expert, "public_page", None)
        name = page_link(speaker.display_name, links(target) if target else None)
        speakers.append(f"- {name}" + (f"，{context.plain(speaker.affiliation)}" if speaker.affiliation else ""))
    if speakers:
        parts.append("## 主讲人\n\n" + "\n".join(speakers))
    materials = [f"- {page_link(m.resource.title, links(m.resource))}" for m in page.materials.all()
                 if links(m.resource)]
    if materials:
        parts.append("## 活动资料\n\n" + "\n".join(materials))
    return context.document(page, meta, _body(parts))


def event_index_document(page, context):
    """A programme's events (the page's children), or under the home page every public event."""
    from .models import EventPage

    parent = context.parent(page)
    programme = parent if isinstance(parent, ProgrammePage) else None
    events = EventPage.objects.live().order_by("path")  # the class declares export_depends_on EventPage
    events = events.child_of(page) if programme is not None else events
    events = _prefetch_events(_public(list(events), context))
    meta = context.front_matter(
        page, kind="event_index", description=page.introduction or "近期活动与往期活动",
        programme=programme, container=True, calendar_file="events.ics",
    )
    links = Links(context, page, meta)
    found = {event.pk: facets.of(event) for event in events}  # worked out once, for the list and its form
    body, valid_until = listing.markdown(events, links, context.now, facets=found)
    if valid_until:
        meta["valid_until"] = valid_until.isoformat()
    intro = context.plain(page.introduction) if page.introduction else ""
    return context.document(page, meta, _body([intro, event_filter(found, links.here), body or "暂无活动。"]))


def event_filter(found, here):
    """The list's filter form for the events' facets ``found`` ({pk: facets.Facets}) and the theme
    script that runs it (right after it, so the form is shown before the list below is laid out), or
    nothing for an empty list."""
    from cms.publish.theme_scripts import kepu_asset

    from .models import EventPage

    if not found:
        return ""
    script = posixpath.relpath(kepu_asset(EVENT_FILTER_SCRIPT), posixpath.dirname(here) or ".")
    kinds = dict(EventPage.Kind.choices)
    return (f"{facets.form(list(found.values()), kinds)}\n\n"
            f'<script src="{escape(script)}"></script>')


# Campaigns ---------------------------------------------------------------------------------------

def campaign_state(page, at):
    """(label, the moment it changes or None) of a campaign's window at ``at``."""
    opens = when.Occurrence(page.start_date, page.start_date).starts_at
    closes = when.Occurrence(page.end_date, page.end_date).ends_at
    if at < opens:
        return "即将开始", opens
    if at < closes:
        return "进行中", closes
    return "已结束", None


def campaign_document(page, context):
    from .models import CampaignPage, EventPage

    at = context.now
    state, changes = campaign_state(page, at)
    members = _public(gathering.members(page), context)
    events = _prefetch_events([m for m in members if isinstance(m, EventPage)])
    pieces = [m for m in members if not isinstance(m, EventPage)]
    organisers = [o.name for o in page.organisers.all()]
    window = f"{_date(page.start_date)} 至 {_date(page.end_date)}"
    meta = context.front_matter(
        page, kind="campaign", description=page.lead, authors=organisers,
        image=context.image_path(page.banner) if page.banner else None,
        container=True,  # a gathering, not a piece: not in 最新内容 or the feeds by itself
        campaign={"theme": page.theme, "start": page.start_date.isoformat(), "end": page.end_date.isoformat(),
                  "peak": page.peak_date.isoformat() if page.peak_date else None, "peak_label": page.peak_label},
        feature={"from": when.Occurrence(page.start_date, page.start_date).starts_at.isoformat(),
                 "until": when.Occurrence(page.end_date, page.end_date).ends_at.isoformat()},
        gathers=[m.pk for m in members],
        facts=[{"label": "时间", "value": window}, {"label": "主题", "value": page.theme}],
        card={"facts": [window, page.theme]},
    )
    links = Links(context, page, meta)
    facts = [f"- **时间**：{window}（{state}）", f"- **主题**：{context.plain(page.theme)}"]
    if page.peak_date:
        label = f" {context.plain(page.peak_label)}" if page.peak_label else ""
        facts.append(f"- **高潮日**：{_date(page.peak_date)}{label}")
    if organisers:
        facts.append(f"- **主办**：{context.plain('、'.join(organisers))}")
    parts = [context.image(page.banner, page.banner_alt) if page.banner else "", context.plain(page.lead),
             "\n".join(facts), render_body(page.body, context)]
    waves = _public(list(CampaignPage.objects.child_of(page).live().order_by("path").specific()), context)
    if waves:
        parts.append("## 分阶段\n\n" + "\n".join(
            f"- {page_link(w.title, links(w))} · {_date(w.start_date)} 至 {_date(w.end_date)}"
            f" · {context.plain(w.theme)}" for w in waves))
    hand = [m for m in _public(gathering.hand_picked(page), context) if not isinstance(m, EventPage)]
    if hand:
        parts.append("## 精选\n\n" + "\n".join(f"- {page_link(m.title, links(m))}" for m in hand))
    event_list, valid_until = listing.markdown(events, links, at)
    parts.append(event_list)
    if pieces:
        newest = sorted(pieces, key=lambda m: (m.first_published_at or datetime.datetime.min.replace(
            tzinfo=datetime.UTC), m.pk), reverse=True)
        parts.append("## 全部内容\n\n" + "\n".join(
            f"- {page_link(m.title, links(m))} · {context.plain(str(type(m)._meta.verbose_name))}"
            + (f" · {_date(timezone.localtime(m.first_published_at))}" if m.first_published_at else "")
            for m in newest))
    moments = [m for m in (valid_until, changes) if m]
    if moments:
        meta["valid_until"] = min(moments).isoformat()
    return context.document(page, meta, _body(parts))


# Files beside the page (the seam asked of the publish package: ``attachments(context)``) --------

def event_attachments(page, context):
    """{file name beside the document: bytes}: the event's "add to calendar" .ics."""
    return {f"{page.slug}.ics": ics.event_calendar(page, base_url=context.base_url, url=context.url(page))}


def event_index_attachments(page, context):
    """The list's events as one .ics feed (the programme's, or the whole site's under the home page)."""
    from .models import EventPage

    parent = context.parent(page)
    events = EventPage.objects.live().order_by("path")
    events = events.child_of(page) if isinstance(parent, ProgrammePage) else events
    events = _prefetch_events(_public(list(events), context))
    name = f"{parent.title} · {page.title}" if isinstance(parent, ProgrammePage) else page.title
    return {"events.ics": ics.calendar(events, name=name, base_url=context.base_url, url_of=context.url)}
