"""Page forms in the admin act once, however often they are sent.

A hurried person clicks 保存草稿 or 通过 twice; a slow server makes it likelier; a browser may retry.
Each add and edit form carries a token made when it was rendered (templates/wagtailadmin/pages/). Its
first POST claims the token (a unique row) and runs Wagtail's own view inside the same transaction, so
a second POST of the same form waits for the first, then finds the claim and is sent where the first
went, with a message, instead of creating the page twice, saving a revision nobody made or acting on a
review step that is already over. Edit POSTs also lock the page's row: two tabs take turns.

Autosave is off (WAGTAIL_AUTOSAVE_INTERVAL = 0, see the README); its JSON requests would pass unguarded.
"""

import html
import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Page, TaskState

from . import outcome
from .models import FormSubmission

TOKEN_FIELD = "kepu-form-token"
TASK_STATE_FIELD = "kepu-task-state"
KEEP = timedelta(days=1)


def new_token():
    return secrets.token_urlsafe(24)


def _applies(request):
    """A form POST from a page (not an autosave's JSON request), not yet inside the guard."""
    return (
        request.method == "POST"
        and request.accepts("text/html")
        and not getattr(request, "kepu_once", False)
        and request.POST.get(TOKEN_FIELD)
    )


def _run_view(request):
    request.kepu_once = True
    match = request.resolver_match
    return match.func(request, *match.args, **match.kwargs)


def _claim(request, token):
    """The claim on ``token``, or None when an earlier POST of the same form holds (or held) it."""
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=request.user)
    except IntegrityError:
        return None


def _repeat_message(request, page):
    """What the first POST of the form did, for the person whose browser only sees the second's answer
    (a double click aborts the first request in the browser, and with it the first answer's message)."""
    loaded = request.POST.get(TASK_STATE_FIELD, "")
    reviewed = TaskState.objects.filter(pk=int(loaded)).first() if loaded.isdigit() else None
    if request.POST.get("action-workflow-action") and reviewed is not None:
        return outcome.repeated(reviewed)
    if page is None:
        return _("这份表单刚才已经提交过了，重复的提交没有再执行。")
    current = page.current_workflow_task_state
    if current is not None:
        return _("这份表单刚才已经提交过了，重复的提交没有再执行：%(outcome)s") % {"outcome": outcome.describe(current)}
    title = page.specific_deferred.get_admin_display_title()
    return _("《%(title)s》这份表单刚才已经提交过了，重复的提交没有再执行。") % {"title": title}


def _answer_repeat(request, token, fallback_url):
    earlier = FormSubmission.objects.filter(token=token).select_related("page").first()
    messages.warning(request, _repeat_message(request, earlier.page if earlier else None))
    return redirect(earlier.redirect_url if earlier and earlier.redirect_url else fallback_url)


def _finish(request, claim, response, page):
    """Keep the claim when the view did something (it redirects); give it back when the form was invalid."""
    if response.status_code in (301, 302, 303) and page is not None and page.pk:
        claim.page_id, claim.redirect_url = page.pk, response["Location"]
        claim.save(update_fields=["page", "redirect_url"])
    else:
        claim.delete()
    FormSubmission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()


def guard_create(request, parent_page, page_class):
    """before_create_page: two POSTs of one add form create one page."""
    token = _applies(request)
    if not token:
        return None
    with transaction.atomic():
        claim = _claim(request, token)
        if claim is not None:
            response = _run_view(request)
            _finish(request, claim, response, getattr(request, "kepu_created_page", None))
            return response
    return _answer_repeat(request, token, reverse("wagtailadmin_explore", args=(parent_page.pk,)))


def remember_created_page(request, page):
    """after_create_page: the guard needs to know which page its view made."""
    request.kepu_created_page = page


def _stale_review(request, page):
    """The review step this edit form was rendered for, when it is no longer the current one."""
    if not request.POST.get("action-workflow-action"):
        return None
    loaded = request.POST.get(TASK_STATE_FIELD, "")
    current = page.current_workflow_task_state
    if loaded.isdigit() and (current is None or current.pk != int(loaded)):
        return TaskState.objects.filter(pk=int(loaded)).first()
    return None


def _run_review_action(request, page, task_state_id):
    """Wagtail's edit view, with its generic "页面已被更新" replaced by what the review step did."""
    kept = request._messages
    request._messages = default_storage(request)
    try:
        response = _run_view(request)
    finally:
        inner, request._messages = request._messages, kept
    task_state = TaskState.objects.filter(pk=task_state_id).first() if task_state_id.isdigit() else None
    acted = task_state is not None and task_state.status != TaskState.STATUS_IN_PROGRESS
    updated = _("Page '%(page_title)s' has been updated.") % {"page_title": page.get_admin_display_title()}
    for message in inner:
        # Wagtail's admin messages are rendered HTML (wagtail.admin.messages): compare their text.
        if not (acted and html.unescape(strip_tags(str(message.message))).strip() == updated):
            messages.add_message(request, message.level, message.message, extra_tags=message.extra_tags)
    if acted:
        messages.success(request, outcome.describe(task_state))
    return response


def guard_edit(request, page):
    """before_edit_page: a second POST of one edit form repeats nothing; a review action on a step that
    is over says so instead of saving a revision in the reviewer's name or failing."""
    token = _applies(request)
    if not token:
        return None
    with transaction.atomic():
        Page.objects.select_for_update().filter(pk=page.pk).values_list("pk", flat=True).first()
        claim = _claim(request, token)
        if claim is not None:
            stale = _stale_review(request, page)
            if stale is not None:
                claim.delete()
                messages.warning(request, outcome.repeated(stale))
                return redirect("wagtailadmin_explore", page.get_parent().pk)
            if request.POST.get("action-workflow-action"):
                response = _run_review_action(request, page, request.POST.get(TASK_STATE_FIELD, ""))
            else:
                response = _run_view(request)
            _finish(request, claim, response, page)
            return response
    return _answer_repeat(request, token, reverse("wagtailadmin_pages:edit", args=(page.pk,)))
