"""Admin wiring: the term list snippet, the urgent-path button, the sanitiser's log action, page
forms that act once (once.py), what a review step did (outcome.py) and what institute contributors
may see in choosers."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.models import Workflow
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import once, outcome
from .models import TermList
from .roles import CHIEF_EDITOR, EDITOR, URGENT_WORKFLOW, is_contributor
from .screening import SANITISED_ACTION

URGENT_ACTION = "action-urgent-submit"


class TermListViewSet(SnippetViewSet):
    model = TermList
    icon = "warning"
    menu_label = _("筛查词表")
    list_display = ["name", "kind", "active", "note"]
    list_filter = ["kind", "active"]


register_snippet(TermListViewSet)


@hooks.register("register_log_actions")
def register_sanitiser_log_action(actions):
    actions.register_action(SANITISED_ACTION, _("富文本已清理"), _("保存时清理程序改动了富文本"))


def can_use_urgent_path(user):
    return user.is_superuser or user.groups.filter(name__in=[EDITOR, CHIEF_EDITOR]).exists()


class UrgentSubmitMenuItem(ActionMenuItem):
    """应急科普: screening plus one approval by a chief editor, for emergencies and rumour debunking."""

    label = _("按应急科普流程提交")
    name = URGENT_ACTION
    icon_name = "warning"
    order = 15

    def is_shown(self, context):
        if not super().is_shown(context) or not can_use_urgent_path(context["request"].user):
            return False
        if context["view"] == "create":
            return True
        page = context["page"]
        if page.workflow_in_progress and page.current_workflow_state.status == "in_progress":
            return False
        return self.get_user_page_permissions_tester(context).can_submit_for_moderation()


@hooks.register("register_page_action_menu_item")
def register_urgent_submit():
    return UrgentSubmitMenuItem()


def _start_urgent_workflow(request, page):
    """The page was just saved as a draft by the edit or create view; now submit it urgently."""
    if not request.POST.get(URGENT_ACTION) or not can_use_urgent_path(request.user):
        return None
    workflow = Workflow.objects.filter(name=URGENT_WORKFLOW, active=True).first()
    if workflow is None:
        messages.error(request, _("应急科普流程不存在或已停用，请联系管理员。"))
        return None
    state = page.current_workflow_state
    if state is not None:
        state.cancel(user=request.user)
    state = workflow.start(page, request.user)
    if state.status == state.STATUS_NEEDS_CHANGES:
        messages.warning(request, _("《%(title)s》未通过自动筛查，请查看退回意见。") % {"title": page.title})
        return redirect("wagtailadmin_pages:edit", page.pk)
    messages.success(request, _("《%(title)s》已按应急科普流程提交，等待主编审批。") % {"title": page.title})
    return redirect("wagtailadmin_explore", page.get_parent().pk)


# Registered before the urgent path's after_create_page hook, which may answer the request itself.
hooks.register("after_create_page", once.remember_created_page)
hooks.register("before_create_page", once.guard_create)
hooks.register("before_edit_page", once.guard_edit)


@hooks.register("register_admin_urls")
def register_review_outcome_url():
    return outcome.urls


@hooks.register("after_edit_page")
def urgent_after_edit(request, page):
    return _start_urgent_workflow(request, page)


@hooks.register("after_create_page")
def urgent_after_create(request, page):
    return _start_urgent_workflow(request, page)


@hooks.register("construct_page_chooser_queryset")
def contributors_choose_live_or_own_pages(pages, request):
    """Contributors may link to live pages and their own institute's drafts, nothing else."""
    user = request.user
    if not is_contributor(user):
        return pages
    from cms.resources.models import ContributionAreaPage

    own = Q()
    for area in ContributionAreaPage.objects.filter(institute_id=user.institute_id):
        own |= Q(path__startswith=area.path)
    return pages.filter(Q(live=True) | own) if own else pages.filter(live=True)
