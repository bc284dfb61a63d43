"""What a reader can filter a 活动 list by: an event's kind, its places and its months.

Every item of a list carries them as data (``data-kind``, ``data-places``, ``data-months``, written
with attr_list under the item) and the list opens with a form of three menus, hidden until
themes/assets/kepu-events.js shows it and filters the items in place; without JavaScript the
whole list is there. Months are Asia/Shanghai months: an event counts in every month it spans
(a multi-day event, a recurring one in each month it takes place). Places: the city, and 线上
for an event with online platforms (an online-only event has no city).
"""

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

from . import when

ONLINE = "线上"
# Attribute values go through Markdown's inline patterns before attr_list reads them: keep letters,
# digits and "·-" only (Chinese city names are unchanged).
_UNSAFE = re.compile(r"[^\w·-]|_")


@dataclass(frozen=True)
class Facets:
    kind: str  # EventPage.Kind value
    places: tuple  # ("北京",) ("北京", "线上") ("线上",)
    months: tuple  # ("2020-12", "2021-01")

    def attr_list(self):
        """The attr_list line that puts these on the list item above it."""
        return (f'{{: data-kind="{self.kind}" data-places="{" ".join(self.places)}"'
                f' data-months="{" ".join(self.months)}" }}')


def place_key(city):
    return _UNSAFE.sub("", city or "")


def months(event):
    """``YYYY-MM`` of every month (Asia/Shanghai) in which the event takes place, in order."""
    found = set()
    for occurrence in when.occurrences(event):
        first = occurrence.starts_at.astimezone(when.SHANGHAI)
        last = occurrence.ends_at.astimezone(when.SHANGHAI)
        year, month = first.year, first.month
        # the last moment it is on: ends_at is the moment it is over (midnight belongs to the next day)
        last = (last - last.resolution) if last > first else last
        while (year, month) <= (last.year, last.month):
            found.add(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(sorted(found))


def of(event):
    places = [key for key in (place_key(event.city),) if key]
    if list(event.streams.all()) or not places:
        places.append(ONLINE)
    return Facets(event.kind, tuple(places), months(event))


def month_label(key):
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def menus(all_facets, kind_labels):
    """[(name, label, [(value, option text)])] of the three menus, each with only the values found."""
    kinds, places, months_ = {}, {}, {}
    for facets in all_facets:
        kinds[facets.kind] = kinds.get(facets.kind, 0) + 1
        for place in facets.places:
            places[place] = places.get(place, 0) + 1
        for month in facets.months:
            months_[month] = months_.get(month, 0) + 1
    kind_order = [value for value in kind_labels if value in kinds]
    place_order = sorted((p for p in places if p != ONLINE), key=lambda p: (-places[p], p))
    place_order += [ONLINE] if ONLINE in places else []
    return [
        ("kind", "类型", [(v, f"{kind_labels[v]}（{kinds[v]}）") for v in kind_order]),
        ("city", "城市", [(v, f"{v}（{places[v]}）") for v in place_order]),
        ("month", "月份", [(v, f"{month_label(v)}（{months_[v]}）") for v in sorted(months_)]),
    ]


def form(all_facets, kind_labels):
    """The filter (hidden until kepu-events.js shows it) and the count it announces."""
    fields = []
    for name, label, options in menus(all_facets, kind_labels):
        choices = format_html_join("", '<option value="{}">{}</option>', options)
        fields.append(format_html(
            '<div><label for="kepu-events-{0}">{1}</label><select id="kepu-events-{0}" name="{0}">'
            '<option value="">全部</option>{2}</select></div>', name, label, choices))
    return format_html(
        '<form class="kepu-filter__form kepu-events-filter" aria-label="筛选活动" data-kepu-events hidden>'
        '{}<button type="reset" class="md-button kepu-filter__reset">清除筛选</button></form>\n\n'
        '<p class="kepu-count" aria-live="polite" data-kepu-events-count>共 {} 场活动</p>',
        format_html_join("", "{}", ((f,) for f in fields)), len(all_facets))
