from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "cms.publish"
    label = "publish"
    verbose_name = "发布"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
