"""What a review step did, in a sentence the person who clicked can act on.

Wagtail says "页面已被更新" after every workflow action; Kepu says which step passed and what comes
next (初审 → 终审 by 主编), or that the piece is live or scheduled, or that it went back to its author.
A second click on a step that ended the workflow (终审's 通过, 退回修改) says what the first click did,
not Wagtail's "页面目前不在等待审核" (``admin_urls``, routed before Wagtail's admin in cms/urls.py).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.models import TaskState, WorkflowState


def _approvers(task):
    groups = getattr(task.specific, "groups", None)
    names = [group.name for group in groups.all()] if groups is not None else []
    return f"（{'、'.join(names)}）" if names else ""


def describe(task_state):
    """One sentence: what happened to the piece at this task and what happens next."""
    task_state = TaskState.objects.select_related("task", "workflow_state").get(pk=task_state.pk)
    workflow_state = task_state.workflow_state
    page = workflow_state.content_object.specific
    title, step = page.get_admin_display_title(), task_state.task.name
    if task_state.status == TaskState.STATUS_REJECTED:
        return f"《{title}》在{step}被退回修改，意见已告知作者。"
    if task_state.status == TaskState.STATUS_CANCELLED:
        return f"《{title}》的{step}已取消。"
    if task_state.status == TaskState.STATUS_IN_PROGRESS:
        return f"《{title}》正在等待{step}。"
    if workflow_state.status == WorkflowState.STATUS_IN_PROGRESS and workflow_state.current_task_state:
        following = workflow_state.current_task_state.task
        return f"《{title}》已通过{step}，接下来等待{following.name}{_approvers(following)}。"
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        scheduled = page.scheduled_revision
        if scheduled is not None and scheduled.approved_go_live_at and scheduled.approved_go_live_at > timezone.now():
            when = date_format(timezone.localtime(scheduled.approved_go_live_at), "Y-m-d H:i")
            return f"《{title}》已通过{step}，将于 {when} 定时发布。"
        return f"《{title}》已通过{step}并发布，公众网站随后更新。"
    return f"《{title}》已通过{step}。"


def repeated(task_state):
    return f"这一步刚才已经处理过了，没有重复执行：{describe(task_state)}"


def review_outcome(request, task_state_id):
    """Where a review action from the dashboard lands: the sentence, then the dashboard (or ?next)."""
    task_state = TaskState.objects.filter(pk=task_state_id).first()
    if task_state is not None:
        text = repeated(task_state) if request.GET.get("repeated") else describe(task_state)
        (messages.warning if request.GET.get("repeated") else messages.success)(request, text)
    return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))


urls = [path("kepu/review-outcome/<int:task_state_id>/", review_outcome, name="kepu_review_outcome")]


class WorkflowActionOnce(WorkflowActionView):
    """Wagtail's review action (the dashboard's 通过 and 退回修改). Wagtail answers any action on a page
    whose workflow is over with "目前不在等待审核", before the task can say the step was just done."""

    def add_not_in_moderation_error(self):
        # Read again: ``setup`` read the task state before the first click's request finished with it, and
        # Wagtail asks whether the workflow is over only now.
        task_state = TaskState.objects.select_related("workflow_state").filter(pk=self.task_state.pk).first()
        over = task_state is not None and task_state.status != TaskState.STATUS_IN_PROGRESS
        if over and task_state.workflow_state.object_id == str(self.object.pk):
            messages.warning(self.request, repeated(task_state))
        else:
            super().add_not_in_moderation_error()


admin_urls = [
    path(
        "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        require_admin_access(never_cache(WorkflowActionOnce.as_view())),
    ),
]
