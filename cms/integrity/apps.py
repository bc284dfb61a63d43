from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "cms.integrity"
    label = "integrity"
    verbose_name = _("学风建设")
