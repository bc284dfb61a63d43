from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class CoreConfig(AppConfig):
    name = "cms.core"
    label = "core"
    verbose_name = _("站点核心")


class KepuUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the institute a user belongs to on its forms."""

    user_viewset = "cms.core.users.UserViewSet"
