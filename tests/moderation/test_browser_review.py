"""An editor writes a story, a reviewer approves, a chief editor approves, the page is live.

The whole 编辑审核 workflow (自动筛查 → 初审 → 终审) driven through the real Wagtail admin in
Chromium, the way the three people would: each logs in through the login form in a browser of
their own, and uses only what the admin shows them.
"""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from cms.moderation.roles import EDITORIAL_WORKFLOW
from cms.stories.models import StoryPage
from tests.browser import admin_logins

TITLE = "王选：汉字激光照排之父"
SCIENTIST = "王选"
DISCIPLINE = "计算机科学"
SUMMARY = "他让汉字告别了铅与火。"
PARAGRAPH = "1975 年，王选开始研制汉字激光照排系统。"
CHIEF_COMMENT = "同意发布。"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_writes_story_reviewer_and_chief_approve_it_goes_live(browser, live_server, users, programme):
    admin = f"{live_server.url}/admin/"
    blocked, requested = [], []

    # The review steps' requests end a workflow task (the last one publishes the revision and queues the site's
    # publish): more than Playwright's 5 s default once in CI, which runs the two database legs side by side.
    with admin_logins(browser, admin, blocked, timeout=30_000, requested=requested) as log_in:
        # The editor adds a story under the programme and submits it for review.
        page = log_in("editor")
        page.goto(f"{admin}pages/{programme.pk}/")
        page.get_by_role("link", name="添加子页面").click()
        page.get_by_role("main").get_by_role("link", name="科学家故事", exact=True).click()
        page.get_by_label(re.compile("^标题")).fill(TITLE)
        page.get_by_role("textbox", name="科学家姓名").fill(SCIENTIST)
        page.get_by_role("textbox", name="学科").fill(DISCIPLINE)
        page.get_by_role("textbox", name="摘要").fill(SUMMARY)
        body = page.get_by_role("region", name="正文")
        body.get_by_role("button", name="插入内容块").click()  # Kepu's djangojs catalogue (jsi18n)
        body.get_by_role("option", name="正文").click()
        editor = body.get_by_role("textbox")
        editor.click()
        editor.press_sequentially(PARAGRAPH)
        # Draftail copies its content into the form 250 ms after the last change; a submit
        # before that sends the empty paragraph (a person is never that quick).
        expect(body.locator("input[type=hidden][name$='-value']")).to_have_value(re.compile("王选开始研制"))
        page.get_by_role("button", name="更多动作").click()
        page.get_by_role("button", name=re.compile("^提交.*审核$")).click()
        expect(page.get_by_text("已创建并提交审核")).to_be_visible()

        story = StoryPage.objects.get(title=TITLE)
        assert story.get_parent().pk == programme.pk
        assert not story.live
        assert story.current_workflow_state.workflow.name == EDITORIAL_WORKFLOW
        assert story.current_workflow_task.name == "初审"

        # The reviewer approves 初审 from the dashboard.
        page = log_in("reviewer")
        awaiting = page.get_by_role("region", name="等待你的审查")
        row = awaiting.get_by_role("row", name=re.compile(TITLE))
        row.get_by_role("button", name="动作").click()
        row.get_by_role("button", name="通过", exact=True).click()
        expect(awaiting).to_have_count(0)  # the dashboard reloads with nothing left to review

        story.refresh_from_db()
        assert not story.live
        assert story.current_workflow_task.name == "终审"

        # The chief editor opens the story and approves 终审 with a comment.
        page = log_in("chief")
        page.get_by_role("region", name="等待你的审查").get_by_role("link", name=TITLE).click()
        expect(page).to_have_url(f"{admin}pages/{story.pk}/edit/")
        page.get_by_role("button", name="更多动作").click()
        page.get_by_role("button", name="通过并附意见").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("评论").fill(CHIEF_COMMENT)
        dialog.get_by_role("button", name="通过并附意见").click()
        expect(page).to_have_url(f"{admin}pages/{programme.pk}/")

    story = StoryPage.objects.get(pk=story.pk)
    assert story.live and not story.has_unpublished_changes
    assert (story.title, story.scientist_name, story.discipline, story.summary) == (
        TITLE, SCIENTIST, DISCIPLINE, SUMMARY,
    )
    assert [block.block_type for block in story.body] == ["paragraph"]
    assert PARAGRAPH in str(story.body[0].value)
    assert story.current_workflow_state is None

    state = WorkflowState.objects.for_instance(story).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.requested_by == users["editor"]
    tasks = {s.task.name: s for s in state.task_states.select_related("task", "finished_by")}
    assert {name: s.status for name, s in tasks.items()} == dict.fromkeys(("自动筛查", "初审", "终审"), "approved")
    assert tasks["初审"].finished_by == users["reviewer"]
    assert tasks["终审"].finished_by == users["chief"] and tasks["终审"].comment == CHIEF_COMMENT

    assert blocked == []
    assert requested and all(url.startswith(f"{live_server.url}/") for url in requested)
