from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactcheckConfig(AppConfig):
    name = "cms.factcheck"
    label = "factcheck"
    verbose_name = _("辟谣与应急科普")

    def ready(self):
        from . import signals  # noqa: F401
