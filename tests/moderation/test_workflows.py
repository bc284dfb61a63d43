"""Both workflows driven through the admin with Wagtail's test client."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, WorkflowState

from cms.moderation.models import TermList
from cms.moderation.scheduler import run_once
from cms.resources.models import ResourcePage
from cms.stories.models import StoryPage
from tests.conftest import make_story

from .conftest import add_url, approve, client_for, reject, resource_form, story_form


def _task_name(page):
    page.refresh_from_db()
    return page.current_workflow_task.name if page.current_workflow_task else None


def _actions(page):
    return list(PageLogEntry.objects.filter(page=page).order_by("timestamp").values_list("action", flat=True))


def _submit_new_story(client, programme, **form):
    response = client.post(add_url(StoryPage, programme), {**story_form(**form), "action-submit": "1"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return StoryPage.objects.get(slug=form.get("slug", "tu-youyou"))


@pytest.mark.django_db
def test_editorial_workflow_submit_screen_first_review_final_review_live(client, users, programme):
    story = _submit_new_story(client_for(client, users["editor"]), programme)
    assert not story.live
    state = story.current_workflow_state
    assert state.workflow.name == "编辑审核"
    screening = state.task_states.get(task__name="自动筛查")
    assert screening.status == "approved" and screening.comment == "自动筛查通过。"
    assert _task_name(story) == "初审"
    # The editor cannot approve their own piece; the chief editor cannot skip 初审.
    assert approve(client_for(client, users["chief"]), story).status_code in (302, 403)
    assert _task_name(story) == "初审"
    # Reviewers are notified that something awaits them.
    assert any("reviewer@example.org" in m.to for m in mail.outbox)

    assert approve(client_for(client, users["reviewer"]), story).status_code == 302
    assert _task_name(story) == "终审"
    story.refresh_from_db()
    assert not story.live

    assert approve(client_for(client, users["chief"]), story).status_code == 302
    story.refresh_from_db()
    assert story.live and not story.has_unpublished_changes
    assert story.current_workflow_state is None
    assert WorkflowState.objects.get(pk=state.pk).status == "approved"
    # Wagtail's audit log has the whole trail.
    actions = _actions(story)
    for action in ("wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"):
        assert action in actions


@pytest.mark.django_db
def test_rejection_needs_a_comment_author_sees_it_fixes_and_resubmits(client, users, programme):
    story = _submit_new_story(client_for(client, users["editor"]), programme)
    reviewer = client_for(client, users["reviewer"])
    reject(reviewer, story, "")
    assert _task_name(story) == "初审"
    assert story.current_workflow_state.status == "in_progress"
    # The modal (AJAX) form says why in Chinese.
    state = story.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "reject", state.pk))
    modal = reviewer.post(url, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"})
    assert "退回修改时必须写明意见" in modal.json()["html"]

    mail.outbox.clear()
    reject(reviewer, story, "请补充屠呦呦获得诺贝尔奖的年份。")
    story.refresh_from_db()
    assert story.current_workflow_state.status == "needs_changes"
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert "请补充屠呦呦获得诺贝尔奖的年份。" in mail.outbox[0].body

    editor = client_for(client, users["editor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    assert "请补充屠呦呦获得诺贝尔奖的年份。" in editor.get(edit_url).content.decode()

    fixed = story_form(body="<p>屠呦呦于 2015 年获得诺贝尔生理学或医学奖。</p>")
    assert editor.post(edit_url, {**fixed, "action-submit": "1"}).status_code == 302
    story.refresh_from_db()
    assert story.current_workflow_state.status == "in_progress"
    assert _task_name(story) == "初审"
    approve(client_for(client, users["reviewer"]), story)
    # The fixed revision is screened again before 终审.
    assert story.current_workflow_state.task_states.filter(task__name="自动筛查", status="approved").count() == 2
    assert _task_name(story) == "终审"
    approve(client_for(client, users["chief"]), story)
    story.refresh_from_db()
    assert story.live and "2015" in str(story.body)


@pytest.mark.django_db
def test_screening_rejects_with_reasons_and_flags_watched_terms(client, users, programme):
    TermList.objects.create(name="伪科学", kind="blocked", terms="量子波动速读\n包治百病")
    TermList.objects.create(name="需核实", kind="watched", terms="首次发现")
    draft = make_story(programme, title="未发布的故事", publish=False)
    body = f'<p>据说量子波动速读很神奇。见 <a id="{draft.pk}" linktype="page">另一篇</a>。</p>'

    story = _submit_new_story(client_for(client, users["editor"]), programme, body=body)
    story.refresh_from_db()
    state = story.current_workflow_state
    assert state.status == "needs_changes"
    comment = state.task_states.get(task__name="自动筛查").comment
    assert "禁用词“量子波动速读”" in comment
    assert "《未发布的故事》尚未发布" in comment
    # The author is told by e-mail, although they triggered the rejection themselves.
    assert any(m.to == ["editor@example.org"] and "量子波动速读" in m.body for m in mail.outbox)

    editor = client_for(client, users["editor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    fixed = story_form(body="<p>屠呦呦首次发现青蒿素的疗效。</p>")
    assert editor.post(edit_url, {**fixed, "action-submit": "1"}).status_code == 302
    story.refresh_from_db()
    assert _task_name(story) == "初审"
    note = story.current_workflow_state.task_states.filter(task__name="自动筛查").latest("pk").comment
    assert "关注词“首次发现”" in note
    detail = reverse("wagtailadmin_pages:workflow_history_detail", args=(story.pk, story.current_workflow_state.pk))
    assert "关注词“首次发现”" in client_for(client, users["reviewer"]).get(detail).content.decode()


@pytest.mark.django_db
def test_imported_html_is_sanitised_on_save_and_sent_back(users, programme):
    """HTML that does not come through the editor (imports, scripts) is cleaned when the
    revision is saved, and screening sends it back so the author checks what changed."""
    from wagtail.models import Workflow

    story = make_story(programme, publish=False, body=[
        ("paragraph", '<p onclick="steal()">导入的正文<script>alert(1)</script> <a href="javascript:123">链接</a></p>'),
    ])
    stored = str(Revision.objects.filter(object_id=str(story.pk)).latest("pk").as_object().body)
    assert "javascript" not in stored and "onclick" not in stored and "alert" not in stored
    assert "导入的正文" in stored
    state = Workflow.objects.get(name="编辑审核").start(story, users["editor"])
    assert state.status == "needs_changes"
    comment = state.current_task_state.comment
    assert "保存时清理程序改动了「正文第 1 块（正文）」" in comment
    assert "<script>" in comment and "onclick（<p>）" in comment and "href（<a>）" in comment


@pytest.mark.django_db
def test_edits_after_approval_need_approval_again(client, users, programme):
    story = _submit_new_story(client_for(client, users["editor"]), programme)
    approve(client_for(client, users["reviewer"]), story)
    assert _task_name(story) == "终审"
    edit_url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    # During review the piece is locked for its author (Wagtail's workflow lock).
    editor = client_for(client, users["editor"])
    editor.post(edit_url, {**story_form(body="<p>作者偷偷改。</p>")})
    assert "作者偷偷改" not in str(story.get_latest_revision_as_object().body)
    # The chief editor changes the piece at 终审: 初审's approval no longer counts.
    chief = client_for(client, users["chief"])
    chief.post(edit_url, {**story_form(body="<p>主编改过的正文。</p>")})
    approve(chief, story)
    story.refresh_from_db()
    assert not story.live
    assert _task_name(story) == "初审"
    approve(client_for(client, users["reviewer"]), story)
    approve(client_for(client, users["chief"]), story)
    story.refresh_from_db()
    assert story.live and "主编改过的正文" in str(story.body)
    # A live page edited later goes through the workflow again: the editor cannot publish.
    editor = client_for(client, users["editor"])
    editor.post(edit_url, {**story_form(body="<p>上线后再改。</p>"), "action-publish": "1"})
    story.refresh_from_db()
    assert "上线后再改" not in str(story.body) and story.has_unpublished_changes


@pytest.mark.django_db
def test_contribution_workflow(client, users, areas, institute):
    contributor = client_for(client, users["contributor"])
    response = contributor.post(add_url(ResourcePage, areas["own"]), {**resource_form(institute), "action-submit": "1"})
    assert response.status_code == 302
    resource = ResourcePage.objects.get(slug="open-day")
    assert resource.current_workflow_state.workflow.name == "机构投稿审核"
    assert _task_name(resource) == "初审"
    reject(client_for(client, users["reviewer"]), resource, "请补充开放日的预约方式。")
    resource.refresh_from_db()
    assert resource.current_workflow_state.status == "needs_changes"
    assert mail.outbox[-1].to == ["contributor@example.org"]

    contributor = client_for(client, users["contributor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=(resource.pk,))
    assert "请补充开放日的预约方式。" in contributor.get(edit_url).content.decode()
    fixed = resource_form(institute, summary="走进实验室，请在官网预约。")
    assert contributor.post(edit_url, {**fixed, "action-submit": "1"}).status_code == 302
    approve(client_for(client, users["reviewer"]), resource)
    approve(client_for(client, users["chief"]), resource)
    resource.refresh_from_db()
    assert resource.live and resource.summary == "走进实验室，请在官网预约。"


@pytest.mark.django_db
def test_contribution_without_licence_is_sent_back(client, users, areas, institute):
    contributor = client_for(client, users["contributor"])
    form = resource_form(institute, licence="")
    contributor.post(add_url(ResourcePage, areas["own"]), {**form, "action-submit": "1"})
    resource = ResourcePage.objects.get(slug="open-day")
    assert resource.current_workflow_state.status == "needs_changes"
    assert "许可协议" in resource.current_workflow_state.current_task_state.comment


@pytest.mark.django_db
def test_contributor_cannot_name_another_institute(client, users, areas, other_institute):
    contributor = client_for(client, users["contributor"])
    response = contributor.post(add_url(ResourcePage, areas["own"]), resource_form(other_institute))
    assert response.status_code == 200
    assert "贡献机构只能是" in str(response.context["form"].errors["institute"])


@pytest.mark.django_db
def test_urgent_path_screening_plus_one_chief_approval(client, users, programme):
    chief = client_for(client, users["chief"])
    form = story_form(title="辟谣：5G 不传播病毒", slug="rumour-5g")
    response = chief.post(add_url(StoryPage, programme), {**form, "action-urgent-submit": "1"})
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="rumour-5g")
    assert story.current_workflow_state.workflow.name == "应急科普"
    assert _task_name(story) == "终审"
    # Reviewers have no say on the urgent path.
    approve(client_for(client, users["reviewer"]), story)
    assert _task_name(story) == "终审"
    approve(client_for(client, users["chief"]), story)
    story.refresh_from_db()
    assert story.live
    # The button is offered to editors and chief editors, not to reviewers.
    edit_url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    assert "按应急科普流程提交" in client_for(client, users["editor"]).get(edit_url).content.decode()
    assert "按应急科普流程提交" not in client_for(client, users["reviewer"]).get(edit_url).content.decode()


@pytest.mark.django_db
def test_scheduled_page_goes_live_when_the_scheduler_runs(client, users, programme):
    go_live = timezone.now() + timedelta(hours=2)
    form = story_form(slug="scheduled", go_live_at=timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"))
    response = client_for(client, users["editor"]).post(
        add_url(StoryPage, programme), {**form, "action-submit": "1"}
    )
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="scheduled")
    approve(client_for(client, users["reviewer"]), story)
    approve(client_for(client, users["chief"]), story)
    story.refresh_from_db()
    revision = story.scheduled_revision
    assert not story.live and revision is not None  # approved, scheduled, not yet live

    run_once()
    story.refresh_from_db()
    assert not story.live  # not due yet

    # Time passes: the approved go-live time is now in the past.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past, content=revision.content)
    run_once()
    story.refresh_from_db()
    assert story.live


@pytest.mark.django_db
def test_scheduler_loop_stops_on_request_and_expires_pages(story):
    import threading

    from cms.moderation.scheduler import run_forever

    story.expire_at = timezone.now() - timedelta(minutes=1)
    story.save()
    stop = threading.Event()
    passes = run_forever(interval=0, stop=stop, on_pass=lambda n, report: stop.set())
    assert passes == 1
    story.refresh_from_db()
    assert not story.live and story.expired
