from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreviewsConfig(AppConfig):
    name = "cms.previews"
    label = "previews"
    verbose_name = _("外审预览链接")
