from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column

from cms.core.listings import KepuPageListingViewSet as PageListingViewSet

from .models import ProgrammePage


class ProgrammeListingViewSet(PageListingViewSet):
    model = ProgrammePage
    icon = "folder-open-inverse"
    menu_label = _("品牌项目")
    menu_order = 110
    add_to_admin_menu = True
    columns = PageListingViewSet.columns + [
        Column("tagline", label=_("口号")),
        Column("home_order", label=_("首页排序"), sort_key="home_order"),
    ]


@hooks.register("register_admin_viewset")
def register_programme_listing():
    return ProgrammeListingViewSet("programmes")
