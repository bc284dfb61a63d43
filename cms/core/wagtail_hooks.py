from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.pages.copy import CopyView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import refusing_reserved_slugs
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


class KepuCopyView(CopyView):
    """Wagtail's copy view whose form refuses a reserved slug (``page``): a copy with it would stop
    every publish of the site (cms/publish/paths.py check_paths)."""

    def dispatch(self, request, *args, **kwargs):
        request.kepu_copy_checked = True  # (its dispatch runs the before_copy_page hooks again)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return refusing_reserved_slugs(super().get_form_class())


@hooks.register("before_copy_page")
def refuse_reserved_slugs_on_copy(request, page):
    """Wagtail 8 gives the copy form no hook of its own: the copy view is served by KepuCopyView instead."""
    if getattr(request, "kepu_copy_checked", False):
        return None
    return KepuCopyView.as_view()(request, page.pk)
