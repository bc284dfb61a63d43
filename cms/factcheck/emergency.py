"""应急科普: the workflow debunks take by default, the stored mark of the pages that went live
through it (marked 应急科普 on the site), and the emergency flag (banner) with its end time."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Workflow, WorkflowPage

from cms.moderation.roles import URGENT_WORKFLOW

EMERGENCY = "应急科普"
EMERGENCY_MARK = f"**{EMERGENCY}**"  # at the top of an 应急科普 piece, in words


def assign_urgent_workflow(section):
    """Pages under ``section`` (a 辟谣 section) follow the 应急科普 workflow. Returns the workflow or None."""
    workflow = Workflow.objects.filter(name=URGENT_WORKFLOW, active=True).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
    return workflow


class UrgentPathMark(models.Model):
    """The stored 应急科普 mark of a page type (stories): set when the 应急科普 workflow approves the
    page (``mark_urgent_path``, on Wagtail's ``workflow_approved`` signal), never by a form. It is a
    fact about the page, not about one revision: every later revision keeps it (``with_content_json``),
    so an ordinary edit published afterwards leaves the piece marked; a copy of the page is not marked."""

    through_urgent_path = models.BooleanField(
        _("经应急科普流程发布"), default=False, editable=False,
        help_text=_("应急科普流程批准发布时自动标记，网站上标明“应急科普”并列入应急科普专题页。"))

    exclude_fields_in_copy = ["through_urgent_path"]

    class Meta:
        abstract = True

    def with_content_json(self, content):
        page = super().with_content_json(content)
        page.through_urgent_path = self.through_urgent_path
        return page


def mark_urgent_path(workflow_state):
    """The 应急科普 workflow approved a page (it has just gone live through it): mark it for good.
    Returns True when a page was marked."""
    if workflow_state.workflow.name != URGENT_WORKFLOW:
        return False
    model = workflow_state.content_type.model_class()
    if model is None or not issubclass(model, UrgentPathMark):
        return False
    return model.objects.filter(pk=workflow_state.object_id, through_urgent_path=False).update(
        through_urgent_path=True) > 0


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
