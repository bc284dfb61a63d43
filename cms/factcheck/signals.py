"""A new 辟谣 section gets the 应急科普 workflow, so its debunks take the urgent path by default; a
page that workflow approves is marked 应急科普 for good;
flagging or changing an emergency queues a publish (the home page's banner); an expert's public
page follows the expert (made, renamed, removed)."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published, workflow_approved

from .emergency import assign_urgent_workflow, mark_urgent_path
from .experts import sync_all_expert_pages, sync_expert_page
from .models import DebunkIndexPage, EmergencyAlert, Expert, ExpertDirectoryPage, ExpertPage


@receiver(post_save, sender=DebunkIndexPage)
def debunk_section_uses_urgent_workflow(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        assign_urgent_workflow(instance)


@receiver(workflow_approved)
def urgent_path_approved(sender, instance, **kwargs):
    """A page the 应急科普 workflow approved keeps its 应急科普 mark (a stored field)."""
    mark_urgent_path(instance)


@receiver(post_save, sender=EmergencyAlert)
def emergency_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from cms.publish.tasks import request_publish

        request_publish(f"应急状态“{instance.headline}”已更新")


@receiver(post_save, sender=Expert)
def expert_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_expert_page(instance)


@receiver(pre_delete, sender=Expert)
def expert_deleted(sender, instance, **kwargs):
    page = ExpertPage.objects.filter(expert=instance).first()
    if page is not None:
        page.delete()


@receiver(page_published, sender=ExpertDirectoryPage)
def directory_published(sender, instance, **kwargs):
    sync_all_expert_pages()
