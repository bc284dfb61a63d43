"""应急科普: the workflow debunks take by default, the pages that went live through it (marked
应急科普 on the site), and the emergency flag (banner) with its end time."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowPage, WorkflowState

from cms.moderation.roles import URGENT_WORKFLOW

EMERGENCY = "应急科普"
EMERGENCY_MARK = f"**{EMERGENCY}**"  # at the top of an 应急科普 piece, in words


def assign_urgent_workflow(section):
    """Pages under ``section`` (a 辟谣 section) follow the 应急科普 workflow. Returns the workflow or None."""
    workflow = Workflow.objects.filter(name=URGENT_WORKFLOW, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
    return workflow


def _urgent_states(approved):
    states = WorkflowState.objects.filter(workflow__name=URGENT_WORKFLOW,
                                          base_content_type=ContentType.objects.get_for_model(Page))
    return states.filter(status=WorkflowState.STATUS_APPROVED) if approved else states


def urgent_page_ids(approved=True):
    """Ids of the pages that went live through the 应急科普 workflow (``approved=False``: every page
    submitted through it, whatever came of it)."""
    return {int(pk) for pk in _urgent_states(approved).values_list("object_id", flat=True)}


URGENT_PREFETCH = "_specific_workflow_states__workflow"  # a page type's export_prefetch: one query for all


def went_through_urgent_path(page):
    """Whether ``page`` went live through the 应急科普 workflow (once is enough: it stays marked).
    Reads the page's workflow states through Wagtail's relation for specific pages, which the page
    type prefetches for every page at once (``URGENT_PREFETCH`` in its ``export_prefetch``)."""
    return bool(page.pk) and any(
        state.status == WorkflowState.STATUS_APPROVED and state.workflow.name == URGENT_WORKFLOW
        for state in page._specific_workflow_states.all())


def current_alert(now=None):
    """The emergency flagged now (the latest-ending one that is on and not yet over), or None."""
    from .models import EmergencyAlert

    now = now or timezone.now()
    return EmergencyAlert.objects.filter(active=True, ends_at__gt=now).select_related("page").first()


def home_banner(context, now=None):
    """Front matter for the home page's banner: ``{"text", "url", "ends"}``, or None.

    ``url`` is the public URL of the linked page (None if it is not public: then no banner).
    """
    alert = current_alert(now or context.now)
    if alert is None:
        return None
    url = context.url(alert.page)
    if url is None:
        return None
    return {"text": alert.headline, "url": url, "ends": timezone.localtime(alert.ends_at).isoformat()}


def end_due_alerts(now=None):
    """Turn off every flag whose end time has come. Returns a line per flag turned off (the
    scheduler prints them); the caller queues a publish when there are any."""
    from .models import EmergencyAlert

    now = now or timezone.now()
    due = list(EmergencyAlert.objects.filter(active=True, ends_at__lte=now))
    for alert in due:
        EmergencyAlert.objects.filter(pk=alert.pk).update(active=False)
    if due:
        from cms.publish.tasks import request_publish

        request_publish("应急状态结束，撤下首页横幅")
    return "".join(f"应急状态“{alert.headline}”已到结束时间，首页横幅已撤下。\n" for alert in due)
