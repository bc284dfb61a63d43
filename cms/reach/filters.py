"""The report filters: a date range, what to group by, a quarter."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from .figures import DIMENSIONS, latest_quarter
from .models import PageReads
from .periods import Quarter


def _keep(queryset, name, value):
    """For filters the view reads itself (grouping, quarter): the rows are not filtered by them."""
    return queryset


class DateRangeFilterSet(WagtailFilterSet):
    day = django_filters.DateFromToRangeFilter(label=_("日期范围"), widget=DateRangePickerWidget)

    class Meta:
        model = PageReads
        fields = ["day"]

    def date_range(self):
        """(start, end) from the form, either may be None."""
        if not self.is_valid():
            return None, None
        chosen = self.form.cleaned_data.get("day")
        if not chosen:
            return None, None
        # The range filter gives aware datetimes (the start and the end of the days chosen): their dates.
        return tuple(timezone.localdate(moment) if moment else None for moment in (chosen.start, chosen.stop))


class ReadsFilterSet(DateRangeFilterSet):
    group = django_filters.ChoiceFilter(label=_("分组"), choices=list(DIMENSIONS.items()), method=_keep,
                                        empty_label=None, null_label=None)

    class Meta:
        model = PageReads
        fields = ["group", "day"]


def quarter_choices():
    reads = PageReads.objects.all()
    last = latest_quarter(reads)
    first = reads.order_by("day").values_list("day", flat=True).first()
    if last is None:
        return []
    choices, quarter = [], last
    while quarter >= Quarter.of(first):
        choices.append((quarter.code, quarter.label))
        quarter = quarter.previous()
    return choices


class QuarterFilterSet(WagtailFilterSet):
    quarter = django_filters.ChoiceFilter(label=_("季度"), choices=quarter_choices, method=_keep, empty_label=None)

    class Meta:
        model = PageReads
        fields = ["quarter"]

    def chosen(self):
        code = self.form.cleaned_data.get("quarter") if self.is_valid() else None
        return Quarter.parse(code) if code else latest_quarter(PageReads.objects.all())
