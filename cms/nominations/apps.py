from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "cms.nominations"
    label = "nominations"
    verbose_name = _("评选活动")
