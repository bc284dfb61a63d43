"""Admin forms for events and campaigns: the checks that read inline rows or the parent page."""

from django.utils.translation import gettext as _

from cms.core.forms import KepuPageForm

from .when import rule_dates


def kept_rows(form, name):
    """cleaned_data of the inline rows of ``name`` that are filled in and not deleted."""
    formset = form.formsets.get(name)
    if formset is None or not formset.is_valid():  # (the rows are cleaned after the page's form)
        return []
    return [f.cleaned_data for f in formset.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]


class EventForm(KepuPageForm):
    def clean(self):
        cleaned_data = super().clean()
        streams = kept_rows(self, "streams")
        if not cleaned_data.get("venue_name") and not streams:
            self.add_error("venue_name", _("请填写线下场地，或至少添加一个线上平台。"))
        if cleaned_data.get("status") == "moved_online" and not streams:
            self.add_error("status", _("改为线上举行的活动请至少添加一个线上平台。"))
        exceptions = [row["date"] for row in kept_rows(self, "exceptions") if row.get("date")]
        if exceptions and not cleaned_data.get("repeat"):
            self.add_error("repeat", _("只有重复的活动才有“不举办的日期”；不重复的活动请删除这些日期。"))
        elif exceptions and cleaned_data.get("start_date") and cleaned_data.get("repeat_until"):
            planned = set(rule_dates(cleaned_data["start_date"], cleaned_data["repeat"], cleaned_data["repeat_until"]))
            strays = sorted(day for day in exceptions if day not in planned)
            if strays:
                self.add_error("repeat", _("%(dates)s 不在重复规则的举办日期之中，不能设为不举办的日期。")
                               % {"dates": "、".join(f"{d.month}月{d.day}日" for d in strays)})
        return cleaned_data


class CampaignForm(KepuPageForm):
    def clean(self):
        cleaned_data = super().clean()
        parent = self.parent_page if self.instance._state.adding else self.instance.get_parent()
        parent = parent.specific if parent is not None else None
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if type(parent).__name__ == "CampaignPage" and start and end and end >= start:
            if start < parent.start_date or end > parent.end_date:
                self.add_error("start_date", _("波次的时间须在上级专题“%(title)s”的时间（%(start)s 至 %(end)s）之内。")
                               % {"title": parent.title, "start": parent.start_date, "end": parent.end_date})
        return cleaned_data
