from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "cms.moderation"
    label = "moderation"
    verbose_name = _("审核与把关")

    def ready(self):
        from . import signals  # noqa: F401
