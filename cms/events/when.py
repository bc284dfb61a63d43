"""When an event takes place: its start, end and occurrences, in Asia/Shanghai.

Times are typed as Beijing wall-clock times (a date and a time); a whole-day event has dates only.
A recurring event is one rule (daily, weekly or monthly from its first date up to a last date) less
its exception dates, expanded with python-dateutil's rrule, the same rule the .ics file carries.
"""

import datetime
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule
from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")
FREQUENCIES = {"daily": DAILY, "weekly": WEEKLY, "monthly": MONTHLY}
MAX_OCCURRENCES = 400
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Occurrence:
    """One date (or span) of an event. ``start``/``end`` are dates for a whole-day event (``end``
    the last day, inclusive), aware datetimes in Asia/Shanghai otherwise."""

    start: datetime.date
    end: datetime.date

    @property
    def all_day(self):
        return not isinstance(self.start, datetime.datetime)

    @property
    def starts_at(self):
        return _midnight(self.start) if self.all_day else self.start

    @property
    def ends_at(self):
        """The moment it is over: for a whole-day event, midnight after its last day."""
        return _midnight(self.end + datetime.timedelta(days=1)) if self.all_day else self.end


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time(), SHANGHAI)


def _at(day, time):
    return datetime.datetime.combine(day, time, SHANGHAI)


def start(event):
    return event.start_date if event.all_day else _at(event.start_date, event.start_time)


def end(event):
    last_day = event.end_date or event.start_date
    return last_day if event.all_day else _at(last_day, event.end_time)


def rule_dates(start_date, repeat, repeat_until):
    """The dates a rule gives: the first date, then every day, week or month up to ``repeat_until``."""
    if not repeat:
        return [start_date]
    rule = rrule(FREQUENCIES[repeat], dtstart=datetime.datetime.combine(start_date, datetime.time()),
                 until=datetime.datetime.combine(repeat_until, datetime.time()))
    return [moment.date() for moment in itertools.islice(rule, MAX_OCCURRENCES)]


def dates(event):
    """The dates on which the event (its first day) takes place, exceptions left out."""
    skipped = {exception.date for exception in event.exceptions.all()}
    return [day for day in rule_dates(event.start_date, event.repeat, event.repeat_until) if day not in skipped]


def occurrences(event):
    span = (event.end_date or event.start_date) - event.start_date
    found = []
    for day in dates(event):
        if event.all_day:
            found.append(Occurrence(day, day + span))
        else:
            found.append(Occurrence(_at(day, event.start_time), _at(day + span, event.end_time)))
    return found


def ends_at(event):
    """When the event (its last occurrence) is over; None if every date is an exception."""
    found = occurrences(event)
    return found[-1].ends_at if found else None


def upcoming(event, now):
    """The next occurrence not yet over at ``now`` (the one under way, or the next), or None."""
    return next((o for o in occurrences(event) if o.ends_at > now), None)


def problems(event):
    """{field: message} for an event whose time does not make sense."""
    errors = {}
    if event.all_day:
        if event.start_time or event.end_time:
            errors["start_time"] = _("全天活动只填日期，请清空开始和结束时间。")
    else:
        if not event.start_time:
            errors["start_time"] = _("请填写开始时间，或勾选“全天”。")
        if not event.end_time:
            errors["end_time"] = _("请填写结束时间。")
    if event.start_date and event.end_date and event.end_date < event.start_date:
        errors["end_date"] = _("结束日期不能早于开始日期。")
    elif not errors and event.start_date and not event.all_day and end(event) <= start(event):
        errors["end_time"] = _("结束时间须晚于开始时间。")
    if event.repeat:
        if not event.repeat_until:
            errors["repeat_until"] = _("重复的活动请填写重复截止日期。")
        elif event.start_date and event.repeat_until < event.start_date:
            errors["repeat_until"] = _("重复截止日期不能早于开始日期。")
        if event.end_date and event.end_date != event.start_date:
            errors.setdefault("end_date", _("重复的活动每次须在当天结束；跨越多天的活动请不要设为重复。"))
    return errors


# Labels ------------------------------------------------------------------------------------------

def day_label(day, year=True):
    text = f"{day.month}月{day.day}日（星期{WEEKDAYS[day.weekday()]}）"
    return f"{day.year}年{text}" if year else text


def occurrence_label(occurrence, year=True):
    """``2020年11月20日（星期五）14:30–16:00`` or ``2021年7月3日（星期六）全天``."""
    if occurrence.all_day:
        if occurrence.end == occurrence.start:
            return f"{day_label(occurrence.start, year)} 全天"
        later_year = year and occurrence.end.year != occurrence.start.year
        return f"{day_label(occurrence.start, year)} 至 {day_label(occurrence.end, later_year)}"
    first, last = occurrence.start, occurrence.end
    if first.date() == last.date():
        return f"{day_label(first.date(), year)} {first:%H:%M}–{last:%H:%M}"
    return f"{day_label(first.date(), year)} {first:%H:%M} 至 {day_label(last.date(), False)} {last:%H:%M}"


def event_label(event):
    """The whole schedule in one line, for the time block and the listings."""
    found = occurrences(event)
    if not event.repeat:
        return occurrence_label(found[0]) if found else ""
    every = {"daily": "每天", "weekly": f"每周{WEEKDAYS[event.start_date.weekday()]}",
             "monthly": f"每月{event.start_date.day}日"}[event.repeat]
    hours = "全天" if event.all_day else f"{event.start_time:%H:%M}–{event.end_time:%H:%M}"
    text = f"{event.start_date.year}年{event.start_date.month}月{event.start_date.day}日至" \
           f"{'' if event.repeat_until.year == event.start_date.year else f'{event.repeat_until.year}年'}" \
           f"{event.repeat_until.month}月{event.repeat_until.day}日，{every} {hours}"
    skipped = sorted(exception.date for exception in event.exceptions.all())
    if skipped:
        text += f"（{'、'.join(f'{d.month}月{d.day}日' for d in skipped)}不举办）"
    return text
