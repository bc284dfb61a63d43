from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "cms.programmes"
    label = "programmes"
    verbose_name = _("品牌项目")
