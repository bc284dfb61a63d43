"""Managed term lists and the automatic screening task.

Both are ordinary Wagtail things: the term list is a snippet admins edit, and screening is a
custom :class:`wagtail.models.Task` that sits first in every workflow and needs no person.
"""

from django import forms
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask, Task, TaskState


class TermList(models.Model):
    """A managed list of terms: blocked terms reject a submission, watched terms flag it."""

    class Kind(models.TextChoices):
        BLOCKED = "blocked", _("禁用词：出现即退回作者")
        WATCHED = "watched", _("关注词：只提示审核人员留意")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    terms = models.TextField(_("词语"), help_text=_("每行一个词语。不区分大小写。"))
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("为什么要筛查这些词语。"))
    active = models.BooleanField(_("启用"), default=True)

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("terms"), FieldPanel("note"), FieldPanel("active")]

    class Meta:
        verbose_name = _("筛查词表")
        verbose_name_plural = _("筛查词表")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def term_set(self):
        return sorted({line.strip() for line in self.terms.splitlines() if line.strip()})


class ScreeningTask(Task):
    """Automatic screening (自动筛查): approves or rejects on its own as soon as it starts.

    Rejection carries the reasons as the task comment, which Wagtail shows the author in the
    editor and sends in the rejection notification; watched terms pass with a note for 初审.
    """

    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("自动筛查")
        verbose_name_plural = _("自动筛查")

    def start(self, workflow_state, user=None):
        from .screening import screen_revision

        task_state = super().start(workflow_state, user=user)
        result = screen_revision(task_state.revision)
        if result.passed:
            task_state.approve(user=None, update=False, comment=result.comment())
        else:
            task_state.reject(user=None, update=False, comment=result.comment())
        return task_state

    def get_actions(self, obj, user):
        return []  # no person acts on this task

    @classmethod
    def get_description(cls):
        return _(
            "自动检查禁用词和关注词、被清理程序改动的富文本、缺少替代文本的图片、"
            "缺少许可的资源和指向未发布页面的链接。"
        )


class RejectionCommentForm(TaskStateCommentForm):
    comment = forms.CharField(
        label=_("退回意见"), required=True, widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("退回修改时必须写明意见，告诉作者要改什么。")},
    )


class ReviewTask(AbstractGroupApprovalTask):
    """A group approval (初审 / 终审) whose rejection must say what to change."""

    class Meta:
        verbose_name = _("审核")
        verbose_name_plural = _("审核")

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [
                ("reject", _("退回修改"), True),
                ("approve", _("通过"), False),
                ("approve", _("通过并附意见"), True),
            ]
        return []

    def get_form_for_action(self, action):
        return RejectionCommentForm if action == "reject" else TaskStateCommentForm

    def on_action(self, task_state, user, action_name, **kwargs):
        """Act once: the task state's row is locked, so a second click (or a second reviewer) waits for
        the first and then finds the task done instead of approving twice or failing with a 500. Returns
        the page that tells the person what happened (Wagtail redirects there from the dashboard)."""
        if action_name == "reject" and not (kwargs.get("comment") or "").strip():
            return None  # never a rejection without a comment, whatever the client sends
        with transaction.atomic():
            current = TaskState.objects.select_for_update().get(pk=task_state.pk)
            repeated = current.status != TaskState.STATUS_IN_PROGRESS
            if not repeated:
                task_state.refresh_from_db()
                super().on_action(task_state, user, action_name, **kwargs)
        url = reverse("kepu_review_outcome", args=(task_state.pk,))
        return f"{url}?repeated=1" if repeated else url

    @classmethod
    def get_description(cls):
        return _("所选用户组的成员审批；退回修改时必须填写意见。")


class FormSubmission(models.Model):
    """One admin form as it was rendered, once submitted (cms/moderation/once.py): a second POST of the
    same form — a double click, a retry on a slow server — is answered with what the first one did."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", null=True, on_delete=models.CASCADE, related_name="+")
    redirect_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("已提交的表单")
        verbose_name_plural = _("已提交的表单")

    def __str__(self):
        return self.token
