import django_filters
from django.forms import CheckboxSelectMultiple
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.core.listings import KepuPageListingViewSet as PageListingViewSet
from cms.core.models import Institute
from cms.programmes.filters import ProgrammeFilter

from .models import Audience, ResourcePage, Subject


class ResourceFilterSet(PageFilterSet):
    programme = ProgrammeFilter()
    kind = django_filters.MultipleChoiceFilter(
        label=_("资源类型"), choices=ResourcePage.Kind.choices, widget=CheckboxSelectMultiple,
    )
    audiences = django_filters.ModelMultipleChoiceFilter(
        label=_("受众"), queryset=Audience.objects.all(), widget=CheckboxSelectMultiple, distinct=True,
    )
    subjects = django_filters.ModelChoiceFilter(label=_("学科主题"), queryset=Subject.objects.all())
    institute = django_filters.ModelChoiceFilter(label=_("贡献机构"), queryset=Institute.objects.all())
    licence = django_filters.ChoiceFilter(label=_("许可协议"), choices=ResourcePage.Licence.choices)

    class Meta:
        model = ResourcePage
        fields = []


class ResourceListingViewSet(PageListingViewSet):
    model = ResourcePage
    icon = "media"
    menu_label = _("科普资源")
    menu_order = 140
    add_to_admin_menu = True
    filterset_class = ResourceFilterSet
    columns = PageListingViewSet.columns + [
        Column("get_kind_display", label=_("类型"), sort_key="kind"),
        Column("institute", label=_("贡献机构")),
        Column("get_licence_display", label=_("许可")),
    ]


class SubjectViewSet(SnippetViewSet):
    model = Subject
    icon = "tag"
    menu_label = _("学科主题")
    list_display = ["name"]
    ordering = ["name"]


@hooks.register("register_admin_viewset")
def register_resource_listing():
    return ResourceListingViewSet("resources")


register_snippet(SubjectViewSet)
