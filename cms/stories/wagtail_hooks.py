import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet

from cms.core.listings import KepuPageListingViewSet as PageListingViewSet
from cms.programmes.filters import ProgrammeFilter

from .models import StoryPage


class StoryFilterSet(PageFilterSet):
    programme = ProgrammeFilter()
    discipline = django_filters.AllValuesFilter(label=_("学科"))
    tags = django_filters.CharFilter(label=_("标签"), field_name="tags__name", distinct=True)

    class Meta:
        model = StoryPage
        fields = []


class StoryListingViewSet(PageListingViewSet):
    model = StoryPage
    icon = "user"
    menu_label = _("科学家故事")
    menu_order = 120
    add_to_admin_menu = True
    filterset_class = StoryFilterSet
    columns = PageListingViewSet.columns + [
        Column("scientist_name", label=_("科学家"), sort_key="scientist_name"),
        Column("discipline", label=_("学科"), sort_key="discipline"),
        Column("institution", label=_("单位")),
    ]


@hooks.register("register_admin_viewset")
def register_story_listing():
    return StoryListingViewSet("stories")
