import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.base import ViewSetGroup

from cms.core.listings import KepuPageListingViewSet as PageListingViewSet
from cms.programmes.filters import ProgrammeFilter

from .models import ColumnArticlePage, ColumnPage


class ColumnFilterSet(PageFilterSet):
    programme = ProgrammeFilter()
    cadence = django_filters.ChoiceFilter(label=_("更新频率"), choices=ColumnPage.Cadence.choices)

    class Meta:
        model = ColumnPage
        fields = []


class ColumnListingViewSet(PageListingViewSet):
    model = ColumnPage
    icon = "list-ul"
    menu_label = _("专栏")
    filterset_class = ColumnFilterSet
    columns = PageListingViewSet.columns + [
        Column("get_cadence_display", label=_("更新频率"), sort_key="cadence"),
        Column("column_editor", label=_("专栏编辑")),
    ]


class ArticleFilterSet(PageFilterSet):
    programme = ProgrammeFilter()
    column = django_filters.ModelChoiceFilter(
        label=_("专栏"), queryset=ColumnPage.objects.all(), method="filter_column",
    )
    date = django_filters.DateFromToRangeFilter(label=_("日期"))

    class Meta:
        model = ColumnArticlePage
        fields = []

    def filter_column(self, queryset, name, value):
        return queryset.child_of(value) if value else queryset


class ArticleListingViewSet(PageListingViewSet):
    model = ColumnArticlePage
    icon = "doc-full"
    menu_label = _("专栏文章")
    filterset_class = ArticleFilterSet
    columns = PageListingViewSet.columns + [
        Column("issue_number", label=_("期号"), sort_key="issue_number"),
        Column("date", label=_("日期"), sort_key="date"),
    ]


class ColumnsMenu(ViewSetGroup):
    menu_label = _("学风传承专栏")
    menu_icon = "list-ul"
    menu_order = 130
    items = [ColumnListingViewSet("columns"), ArticleListingViewSet("column_articles")]


@hooks.register("register_admin_viewset")
def register_column_listings():
    return ColumnsMenu()
