from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HantConfig(AppConfig):
    name = "cms.hant"
    label = "hant"
    verbose_name = _("繁体站")
