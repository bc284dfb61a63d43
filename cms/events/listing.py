"""Events as a listing: upcoming first by start time, then 往期 newest first.

Which list an event is in depends on the time of the publish, so a listing document is valid only
until the first upcoming occurrence ends; ``valid_until`` says when (front matter of the same name,
the seam the publish package is to honour: render again then, and the scheduler publishes then).
"""

from dataclasses import dataclass, field

from cms.publish.markdown_text import md_text, md_url

from . import when
from .ics import region


@dataclass
class Split:
    upcoming: list = field(default_factory=list)  # [(event, next occurrence)]
    past: list = field(default_factory=list)  # [event]
    valid_until: object = None  # when the next upcoming occurrence ends: the split changes then


def split(events, at):
    found = Split()
    for event in events:
        occurrence = when.upcoming(event, at)
        if occurrence is None:
            found.past.append(event)
        else:
            found.upcoming.append((event, occurrence))
    found.upcoming.sort(key=lambda pair: (pair[1].starts_at, pair[0].title))
    found.past.sort(key=lambda event: (_last_start(event), event.title), reverse=True)
    if found.upcoming:
        found.valid_until = min(occurrence.ends_at for _event, occurrence in found.upcoming)
    return found


def _last_start(event):
    occurrences = when.occurrences(event)
    return occurrences[-1].starts_at if occurrences else when.Occurrence(event.start_date, event.start_date).starts_at


def page_link(text, href):
    """A Markdown link to another page of the site (``href`` relative to this document), or the text."""
    target = md_url(href) if href else None
    return f"[{md_text(text)}]({target})" if target else md_text(text)


def place_label(event):
    places = [p for p in (region(event), "线上" if list(event.streams.all()) else "") if p]
    return "＋".join(places)


def item(event, href, occurrence=None, *, facets=None):
    """One line of a listing: the title linked, then time, place, kind and any status; with
    ``facets`` ({event pk: facets.Facets}), what the list's filter reads under it."""
    if occurrence is not None and event.repeat:
        time = f"下一次：{when.occurrence_label(occurrence)}"
    else:
        time = when.event_label(event)
    facts = [time, place_label(event), event.get_kind_display()]
    title = page_link(event.title, href)
    line = f"- {title} · " + " · ".join(md_text(fact) for fact in facts if fact)
    if event.status != "scheduled":
        line += f" · **{md_text(event.get_status_display())}**"
    if facets:
        line += "\n" + facets[event.pk].attr_list()
    return line


def markdown(events, href_of, at, *, heading="##", facets=None):
    """(Markdown of the two lists, valid_until). ``href_of(event)``: a link target or None; with
    ``facets`` ({event pk: facets.Facets}), each item carries what the filter reads."""
    found = split(events, at)
    parts = []
    if found.upcoming:
        parts.append(f"{heading} 近期活动\n\n" + "\n".join(
            item(e, href_of(e), o, facets=facets) for e, o in found.upcoming))
    if found.past:
        parts.append(f"{heading} 往期活动\n\n" + "\n".join(item(e, href_of(e), facets=facets) for e in found.past))
    return "\n\n".join(parts), found.valid_until
