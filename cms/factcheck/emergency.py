"""应急科普: the workflow debunks take by default, and the emergency flag (banner) with its end time."""

from django.utils import timezone
from wagtail.models import Workflow, WorkflowPage

from cms.moderation.roles import URGENT_WORKFLOW


def assign_urgent_workflow(section):
    """Pages under ``section`` (a 辟谣 section) follow the 应急科普 workflow. Returns the workflow or None."""
    workflow = Workflow.objects.filter(name=URGENT_WORKFLOW, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
    return workflow


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
