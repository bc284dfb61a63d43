from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    name = "cms.reach"
    label = "reach"
    verbose_name = _("传播与影响力")
