from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColumnsConfig(AppConfig):
    name = "cms.columns"
    label = "columns"
    verbose_name = _("学风传承专栏")
