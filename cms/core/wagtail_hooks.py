from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Institute


class InstituteViewSet(SnippetViewSet):
    model = Institute
    icon = "group"
    menu_label = _("机构")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "kind", "region", "website"]
    list_filter = ["kind", "region"]
    ordering = ["name"]


register_snippet(InstituteViewSet)

