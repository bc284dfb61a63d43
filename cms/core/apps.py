from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class CoreConfig(AppConfig):
    default = True  # (this module has two configs: without it Django used neither for "cms.core")
    name = "cms.core"
    label = "core"
    verbose_name = _("站点核心")

    def ready(self):
        from wagtail.models import Page

        from .forms import KepuCopyForm

        # Wagtail's copy view takes the form from the page type's ``copy_form_class``: every type's.
        Page.copy_form_class = KepuCopyForm


class KepuUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the institute a user belongs to on its forms."""

    user_viewset = "cms.core.users.UserViewSet"
