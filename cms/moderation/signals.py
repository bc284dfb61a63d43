"""Signal receivers: sanitise every saved page revision, keep contributor access in step,
and tell an author when automatic screening sends their piece back."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from wagtail.admin.signal_handlers import workflow_rejection_email_notifier
from wagtail.log_actions import log
from wagtail.models import Page, Revision, WorkflowState
from wagtail.signals import workflow_rejected

from cms.core.models import Institute, User
from cms.resources.models import ContributionAreaPage

from .models import ScreeningTask
from .roles import ensure_institute_access, grant_contribution_area, sync_contributor
from .screening import SANITISED_ACTION, sanitise_page


@receiver(post_save, sender=Revision)
def sanitise_revision(sender, instance, created, raw=False, **kwargs):
    """The sanitiser policy runs when content is saved: a page revision's rich text is cleaned
    before anything can publish it, and what had to change is logged against the revision so
    that automatic screening can send it back to the author."""
    if raw or not created:
        return
    page = instance.as_object()
    if not isinstance(page, Page):
        return
    changes = sanitise_page(page)
    if not changes:
        return
    instance.content = page.serializable_data()
    Revision.objects.filter(pk=instance.pk).update(content=instance.content)
    log(instance=page, action=SANITISED_ACTION, user=instance.user, revision=instance, data={"changes": changes})


@receiver(post_save, sender=Institute)
def institute_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        ensure_institute_access(instance)


@receiver(post_save, sender=ContributionAreaPage)
def contribution_area_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        grant_contribution_area(instance)


@receiver(post_save, sender=User)
def user_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_contributor(instance)


@receiver(m2m_changed, sender=User.groups.through)
def user_groups_changed(sender, instance, action, reverse, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse and isinstance(instance, User):
        sync_contributor(instance)


@receiver(workflow_rejected, sender=WorkflowState)
def notify_author_of_screening_rejection(sender, instance, user=None, **kwargs):
    """Wagtail does not e-mail the person who triggered a rejection. When screening rejects at
    submission, that person is the author, so send Wagtail's own rejection notice to them."""
    task_state = instance.current_task_state
    if task_state is None or not isinstance(task_state.task.specific, ScreeningTask):
        return
    if user is not None and user == instance.requested_by:
        workflow_rejection_email_notifier(instance=instance, user=None)
