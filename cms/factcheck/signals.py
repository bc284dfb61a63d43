"""A new 辟谣 section gets the 应急科普 workflow, so its debunks take the urgent path by default;
flagging or changing an emergency queues a publish (the home page's banner)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .emergency import assign_urgent_workflow
from .models import DebunkIndexPage, EmergencyAlert


@receiver(post_save, sender=DebunkIndexPage)
def debunk_section_uses_urgent_workflow(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        assign_urgent_workflow(instance)


@receiver(post_save, sender=EmergencyAlert)
def emergency_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from cms.publish.tasks import request_publish

        request_publish(f"应急状态“{instance.headline}”已更新")
