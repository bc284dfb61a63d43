from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cms.accounts"
    label = "accounts"
    verbose_name = _("员工账户安全")

    def ready(self):
        from . import checks  # noqa: F401
