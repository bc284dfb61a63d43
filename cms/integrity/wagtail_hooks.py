"""Admin: a listing of integrity documents, filterable as the public section is."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet

from cms.core.listings import KepuPageListingViewSet as PageListingViewSet

from .models import IntegrityDocumentPage


class IntegrityFilterSet(PageFilterSet):
    kind = django_filters.ChoiceFilter(label=_("文件类型"), choices=IntegrityDocumentPage.Kind.choices)
    validity = django_filters.ChoiceFilter(label=_("效力"), choices=IntegrityDocumentPage.Validity.choices)
    issuing_body = django_filters.CharFilter(label=_("发布机构"), lookup_expr="icontains")

    class Meta:
        model = IntegrityDocumentPage
        fields = []


class IntegrityListingViewSet(PageListingViewSet):
    model = IntegrityDocumentPage
    icon = "doc-full"
    menu_label = _("学风建设文件")
    menu_order = 180
    add_to_admin_menu = True
    filterset_class = IntegrityFilterSet
    columns = PageListingViewSet.columns + [
        Column("number", label=_("文号")),
        Column("get_kind_display", label=_("类型"), sort_key="kind"),
        Column("get_validity_display", label=_("效力"), sort_key="validity"),
    ]


@hooks.register("register_admin_viewset")
def register_integrity_listing():
    return IntegrityListingViewSet("integrity-documents")
