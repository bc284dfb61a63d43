"""The editorial calendar (编辑日历) in the Wagtail admin: a month or week grid of calendar items."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Revision

from cms.programmes.models import ProgrammePage

from . import calendar
from .models import CampaignPage

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


class CalendarFilter(forms.Form):
    view = forms.ChoiceField(label=_("视图"), choices=[("month", _("月")), ("week", _("周"))], required=False)
    date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    programme = forms.ModelChoiceField(label=_("品牌项目"), queryset=ProgrammePage.objects.order_by("path"),
                                       required=False, empty_label=_("全部"))
    campaign = forms.ModelChoiceField(label=_("专题"), queryset=CampaignPage.objects.order_by("path"),
                                      required=False, empty_label=_("全部"))


class GoLiveForm(forms.Form):
    go_live_at = forms.DateTimeField(label=_("上线时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def window(view, day):
    """(first, last) day shown: the Monday-to-Sunday weeks covering the month, or the week."""
    if view == "week":
        first = day - datetime.timedelta(days=day.weekday())
        return first, first + datetime.timedelta(days=6)
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start - datetime.timedelta(days=start.weekday()), end + datetime.timedelta(days=6 - end.weekday())


class CalendarView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "events/calendar.html"
    page_title = _("编辑日历")
    header_icon = "date"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CalendarFilter(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        view = data.get("view") or "month"
        day = data.get("date") or datetime.date.today()
        first, last = window(view, day)
        found = calendar.items(self.request.user, first, last, programme=data.get("programme"),
                               campaign=data.get("campaign"))
        by_day = {}
        for item in found:
            by_day.setdefault(item.day, []).append(item)
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
        weeks = [[(d, by_day.get(d, []), d.month == day.month or view == "week") for d in days[i:i + 7]]
                 for i in range(0, len(days), 7)]
        step = datetime.timedelta(days=7) if view == "week" else None
        previous = day - step if step else (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        following = day + step if step else (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        query = self.request.GET.copy()
        links = {}
        for name, target in (("previous", previous), ("next", following)):
            query["date"] = target.isoformat()
            links[name] = "?" + query.urlencode()
        heading = f"{day.year}年{day.month}月" if view == "month" else f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
        context.update(form=form, weeks=weeks, weekdays=WEEKDAYS, view=view, day=day, links=links, heading=heading,
                       schedulable={item.revision.pk for item in found if item.revision
                                    and calendar.can_schedule(self.request.user, item.page)})
        return context


class MoveGoLiveView(View):
    """POST a new go-live time for a scheduled revision: only with the permission to publish the page."""

    def post(self, request, revision_id):
        revision = get_object_or_404(Revision.page_revisions, pk=revision_id, approved_go_live_at__isnull=False)
        form = GoLiveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写有效的上线时间。"))
        elif not calendar.move_go_live(request.user, revision, form.cleaned_data["go_live_at"]):
            raise PermissionDenied(_("你没有定时发布这个页面的权限。"))
        else:
            messages.success(request, _("已更改上线时间。"))
        target = request.POST.get("next")
        if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("editorial_calendar:index")  # back to the calendar, never to another site
        return redirect(target)


class EditorialCalendarViewSet(ViewSet):
    name = "editorial_calendar"
    url_prefix = "calendar"
    icon = "date"
    menu_label = _("编辑日历")
    menu_order = 150
    add_to_admin_menu = True

    def get_urlpatterns(self):
        from django.urls import path

        return [path("", CalendarView.as_view(), name="index"),
                path("go-live/<int:revision_id>/", MoveGoLiveView.as_view(), name="go_live")]
