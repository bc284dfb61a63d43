"""Admin: the expert directory and the emergency flag as snippets, and a listing of debunks."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.core.listings import KepuPageListingViewSet as PageListingViewSet
from cms.programmes.filters import ProgrammeFilter

from .models import DebunkPage, EmergencyAlert, Expert
from .verdicts import Verdict


class ExpertViewSet(SnippetViewSet):
    model = Expert
    icon = "group"
    menu_label = _("应急科普专家库")
    menu_order = 170
    add_to_admin_menu = True
    list_display = ["name", "title", "institute", "visibility", "is_sample"]
    list_filter = ["visibility", "subjects", "is_sample"]
    search_fields = ["name", "institute"]


class EmergencyAlertViewSet(SnippetViewSet):
    model = EmergencyAlert
    icon = "warning"
    menu_label = _("应急状态")
    list_display = ["headline", "page", "active", "ends_at"]
    list_filter = ["active"]


register_snippet(ExpertViewSet)
register_snippet(EmergencyAlertViewSet)


class DebunkFilterSet(PageFilterSet):
    programme = ProgrammeFilter()
    verdict = django_filters.ChoiceFilter(label=_("核查结论"), choices=Verdict.choices)
    emergency = django_filters.BooleanFilter(label=_("应急科普"))

    class Meta:
        model = DebunkPage
        fields = []


class DebunkListingViewSet(PageListingViewSet):
    model = DebunkPage
    icon = "help"
    menu_label = _("辟谣")
    menu_order = 160
    add_to_admin_menu = True
    filterset_class = DebunkFilterSet
    columns = PageListingViewSet.columns + [
        Column("get_verdict_display", label=_("核查结论"), sort_key="verdict"),
        Column("last_reviewed", label=_("最近核查"), sort_key="last_reviewed"),
    ]


@hooks.register("register_admin_viewset")
def register_debunk_listing():
    return DebunkListingViewSet("debunks")
