import django_filters
from django.forms import CheckboxSelectMultiple
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet

from cms.core.listings import KepuPageListingViewSet
from cms.programmes.filters import ProgrammeFilter

from .models import CampaignPage, EventPage
from .views import EditorialCalendarViewSet


class EventFilterSet(PageFilterSet):
    programme = ProgrammeFilter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("活动类型"), choices=EventPage.Kind.choices, widget=CheckboxSelectMultiple,
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=EventPage.Status.choices)
    city = django_filters.CharFilter(label=_("城市"))

    class Meta:
        model = EventPage
        fields = []


class EventListingViewSet(KepuPageListingViewSet):
    model = EventPage
    icon = "date"
    menu_label = _("活动")
    menu_order = 145
    add_to_admin_menu = True
    filterset_class = EventFilterSet
    columns = KepuPageListingViewSet.columns + [
        Column("start_date", label=_("开始日期"), sort_key="start_date"),
        Column("get_kind_display", label=_("类型"), sort_key="kind"),
        Column("city", label=_("城市"), sort_key="city"),
        Column("get_status_display", label=_("状态"), sort_key="status"),
    ]


class CampaignListingViewSet(KepuPageListingViewSet):
    model = CampaignPage
    icon = "folder-open-inverse"
    menu_label = _("专题")
    menu_order = 146
    add_to_admin_menu = True
    columns = KepuPageListingViewSet.columns + [
        Column("start_date", label=_("开始日期"), sort_key="start_date"),
        Column("end_date", label=_("结束日期"), sort_key="end_date"),
    ]


@hooks.register("register_admin_viewset")
def register_event_listing():
    return EventListingViewSet("events")


@hooks.register("register_admin_viewset")
def register_campaign_listing():
    return CampaignListingViewSet("campaigns")


@hooks.register("register_admin_viewset")
def register_editorial_calendar():
    return EditorialCalendarViewSet()
