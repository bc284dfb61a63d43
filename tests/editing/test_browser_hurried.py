"""Hurried people on a slow server, in a real Chromium: every admin action clicked twice, nothing done twice.

The server answers every form it is sent a second late (tests/editing/slow_server.py). Each person logs in through
the login form in a browser of their own and clicks every button that sends something twice: the second
click comes while the first click's request is on its way and unanswered, as when a person sees nothing
happen and clicks again. The editor adds a story, saves it and submits it; the reviewer passes 初审 from the
editor and the chief editor passes 终审 from the dashboard, and the story is live; a second story goes back
to its author with a comment, which the author reads in the editor's status panel; a contributor adds a
resource in their institute's contribution area and submits it. No answer is a server error, there is one
page per title, and the revisions are the ones the people made.
"""

import re
from contextlib import nullcontext

import pytest
from playwright.sync_api import expect

from tests.browser import watch_outside_requests
from tests.editing.conftest import PASSWORD

STORY = "屠呦呦：青蒿素的发现者"
REJECTED = "袁隆平：杂交水稻之父"
RESOURCE = "物理所实验室开放日"
COMMENT = "请补充杂交水稻试种的年份和地点。"
# What the review steps say (cms/moderation/outcome.py). Whichever of a double click's two requests the
# browser shows the answer of, it says this: the first to reach the step says it, the second says it
# after "这一步刚才已经处理过了，没有重复执行：".
PASSED_FIRST = f"《{STORY}》已通过初审，接下来等待终审（主编）。"
WENT_LIVE = f"《{STORY}》已通过终审并发布，公众网站随后更新。"
SENT_BACK = f"《{REJECTED}》在初审被退回修改，意见已告知作者。"
# Every form sent takes the server a second and more (a review step from the editor takes three requests):
# browser actions and expectations wait for as long as a patient person would.
WAIT = 90_000


@pytest.fixture
def patient_expect():
    expect.set_options(timeout=WAIT)
    yield
    expect.set_options(timeout=None)  # Playwright's default again


def submitted(title):
    """After 提交审核: Wagtail's sentence (from the add form, from the editor), or the repeated click's answer
    saying where the piece is now."""
    title = re.escape(title)
    return re.compile(rf"页面 '{title}' (已创建并提交审核|已经提交进行审核)。|"
                      rf"这份表单刚才已经提交过了，重复的提交没有再执行：《{title}》正在等待初审。")


class Person:
    """One person at their own browser (a context of its own), on the login form (``log_in``)."""

    def __init__(self, browser, base_url, username, failures):
        self.base_url, self.username = base_url, username
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(WAIT)
        watch_outside_requests(self.context, failures["outside"])  # (not routed: Chromium keeps its cache)
        self.context.on("response", lambda response: response.status >= 500 and failures["5xx"].append(
            f"{username}: {response.status} {response.request.method} {response.url}"
        ))
        self.page = self.context.new_page()
        self.page.goto(f"{base_url}/admin/login/", wait_until="commit")

    def log_in(self):
        """Fill the login form and send it (``expect_admin`` waits for the admin home)."""
        self.page.get_by_label("用户名").fill(self.username)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()

    def expect_admin(self):
        expect(self.page).to_have_url(f"{self.base_url}/admin/")

    def admin(self, path=""):
        return f"{self.base_url}/admin/{path}"

    def click_twice(self, button, path, *, reopen=None, resent=True):
        """Click ``button``, and click it again once the first click's POST to ``path`` is on its way and
        unanswered (the server takes a second), as a hurried person does: the browser drops the first
        request (the server still runs it) and sends the form again. Wagtail disables 保存草稿 and a dialog's
        button once clicked (``resent=False``): there the second click does nothing. ``reopen``: the toggle
        of a menu that closes on a click, opened again before the second click. The second click is the
        mouse's own: Playwright's clicks would wait for the page the browser is going to; a person does not."""
        def posts(request):
            return request.method == "POST" and path in request.url

        def centre(locator):
            locator.scroll_into_view_if_needed()
            box = locator.bounding_box()
            return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

        spots = [centre(reopen)] if reopen is not None else []
        spots.append(centre(button))
        with self.page.expect_request(posts):
            button.click(no_wait_after=True)
        with self.page.expect_request(posts) if resent else nullcontext():
            for spot in spots:
                self.page.mouse.click(*spot)

    def messages(self):
        return self.page.locator(".messages")

    def open_for_review(self, title):
        """From the dashboard's 等待你的审查 to the page's editor."""
        self.page.goto(self.admin())
        self.page.get_by_role("region", name="等待你的审查").get_by_role("link", name=title).click()
        expect(self.page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))

    def close(self):
        self.context.close()


def log_in_together(browser, base_url, usernames, failures):
    """{username: Person}: everyone logs in through the login form at the same time (the slow server
    answers their requests side by side)."""
    people = {username: Person(browser, base_url, username, failures) for username in usernames}
    for someone in people.values():
        someone.log_in()
    for someone in people.values():
        someone.expect_admin()
    return people


def fill_story(page, title, scientist, discipline, summary, paragraph):
    page.get_by_label(re.compile("^标题")).fill(title)
    page.get_by_role("textbox", name="科学家姓名").fill(scientist)
    page.get_by_role("textbox", name="学科").fill(discipline)
    page.get_by_role("textbox", name="摘要").fill(summary)
    body = page.get_by_role("region", name="正文")
    body.get_by_role("button", name="插入内容块").click()
    body.get_by_role("option", name="正文").click()
    editor = body.get_by_role("textbox")
    editor.click()
    editor.press_sequentially(paragraph)
    # Draftail copies its content into the form 250 ms after the last change (a person is never quicker).
    expect(body.locator("input[type=hidden][name$='-value']")).to_have_value(re.compile(re.escape(paragraph[:6])))


def add_story(editor, programme_id, *fields):
    editor.page.goto(editor.admin(f"pages/{programme_id}/"))
    editor.page.get_by_role("link", name="添加子页面", exact=True).click()
    editor.page.get_by_role("main").get_by_role("link", name="科学家故事", exact=True).click()
    fill_story(editor.page, *fields)


def submit(person, form_path):
    person.page.get_by_role("button", name="更多动作").click()
    person.click_twice(person.page.get_by_role("button", name=re.compile("^提交给.*审核$")), form_path)


def page_ids(kepu, title):
    return [row[0] for row in kepu.query("SELECT id FROM wagtailcore_page WHERE title = %s", title)]


def revision_authors(kepu, page_id):
    return [name for (name,) in kepu.query(
        "SELECT u.username FROM wagtailcore_revision r LEFT JOIN core_user u ON u.id = r.user_id"
        " JOIN django_content_type t ON t.id = r.base_content_type_id"
        " WHERE t.app_label = 'wagtailcore' AND t.model = 'page' AND r.object_id = %s ORDER BY r.id",
        str(page_id),
    )]


def review_steps(kepu, page_id):
    """(workflow status, [(task, status, finished by, comment)]) of every workflow the page went through."""
    return [
        (status, kepu.query(
            "SELECT t.name, s.status, u.username, s.comment FROM wagtailcore_taskstate s"
            " JOIN wagtailcore_task t ON t.id = s.task_id LEFT JOIN core_user u ON u.id = s.finished_by_id"
            " WHERE s.workflow_state_id = %s ORDER BY s.id", state_id,
        ))
        for state_id, status in kepu.query(
            "SELECT w.id, w.status FROM wagtailcore_workflowstate w JOIN django_content_type t"
            " ON t.id = w.base_content_type_id WHERE t.app_label = 'wagtailcore' AND t.model = 'page'"
            " AND w.object_id = %s ORDER BY w.id", str(page_id),
        )
    ]


def test_hurried_people_on_a_slow_server_do_everything_once(browser, slow_kepu, patient_expect):
    failures = {"5xx": [], "outside": []}
    people = {}
    programme = slow_kepu.programme_id
    try:
        people = log_in_together(browser, slow_kepu.url, ["editor", "reviewer", "chief", "contributor"], failures)
        editor, reviewer, chief, contributor = people.values()
        # The editor adds a story under the programme, saves it as a draft and submits it, each twice.
        add_story(editor, programme, STORY, "屠呦呦", "药学", "她发现了青蒿素。", "屠呦呦从古籍中得到启发。")
        add_form = f"/admin/pages/add/stories/storypage/{programme}/"
        editor.click_twice(editor.page.get_by_role("button", name="保存草稿"), add_form, resent=False)
        expect(editor.page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
        story = int(re.search(r"/pages/(\d+)/edit/", editor.page.url).group(1))
        submit(editor, f"/admin/pages/{story}/edit/")
        expect(editor.page).to_have_url(editor.admin(f"pages/{programme}/"))
        expect(editor.messages()).to_contain_text(submitted(STORY))

        # The reviewer opens it and clicks 通过 twice: 初审 passes once, and says what comes next.
        reviewer.open_for_review(STORY)
        reviewer.page.get_by_role("button", name="更多动作").click()
        reviewer.click_twice(reviewer.page.get_by_role("button", name="通过", exact=True), f"/pages/{story}/edit/")
        expect(reviewer.page).to_have_url(reviewer.admin(f"pages/{programme}/"))
        expect(reviewer.messages()).to_contain_text(PASSED_FIRST)
        expect(reviewer.messages()).not_to_contain_text("已被更新")

        # The chief editor passes 终审 from the dashboard, twice: the story is live.
        chief.page.goto(chief.admin())  # the dashboard as it is now
        awaiting = chief.page.get_by_role("region", name="等待你的审查")
        row = awaiting.get_by_role("row", name=re.compile(STORY))
        actions = row.get_by_role("button", name="动作")
        actions.click()
        approve = row.get_by_role("button", name="通过", exact=True)
        chief.click_twice(approve, f"/action/{story}/approve/", reopen=actions)
        expect(chief.page).to_have_url(chief.admin())
        expect(chief.messages()).to_contain_text(WENT_LIVE)
        expect(awaiting).to_have_count(0)

        # A second story, submitted straight from the add form (twice), goes back with a comment.
        add_story(editor, programme, REJECTED, "袁隆平", "农学", "他让更多人吃饱饭。", "袁隆平找到了天然雄性不育株。")
        submit(editor, add_form)
        expect(editor.page).to_have_url(editor.admin(f"pages/{programme}/"))
        expect(editor.messages()).to_contain_text(submitted(REJECTED))

        reviewer.open_for_review(REJECTED)
        rejected = int(re.search(r"/pages/(\d+)/edit/", reviewer.page.url).group(1))
        reviewer.page.get_by_role("button", name="更多动作").click()
        reviewer.page.get_by_role("button", name="退回修改", exact=True).click()
        dialog = reviewer.page.get_by_role("dialog")
        dialog.get_by_label("退回意见").fill(COMMENT)
        reviewer.click_twice(dialog.get_by_role("button", name="退回修改"), f"/{rejected}/reject/", resent=False)
        expect(reviewer.page).to_have_url(reviewer.admin(f"pages/{programme}/"))
        expect(reviewer.messages()).to_contain_text(SENT_BACK)
        expect(reviewer.messages()).not_to_contain_text("已被更新")

        # The author reads the comment in the editor's status panel, beside 被要求修改.
        editor.page.goto(editor.admin(f"pages/{rejected}/edit/"))
        editor.page.get_by_role("button", name="状态开关").click()
        comment = editor.page.get_by_role("region", name="退回意见")
        expect(comment).to_be_visible()
        expect(comment).to_contain_text("初审退回意见（reviewer）")
        expect(comment).to_contain_text(COMMENT)

        # The contributor adds a resource in their institute's contribution area and submits it, twice.
        contributor.page.get_by_role("link", name="科普资源").click()
        contributor.page.get_by_role("link", name="添加 科普资源").click()
        page = contributor.page
        expect(page).to_have_url(re.compile(rf"/admin/pages/add/resources/resourcepage/{slow_kepu.area_id}/$"))
        page.get_by_label(re.compile("^标题")).fill(RESOURCE)
        page.get_by_label("资源类型").select_option(label="开放日")
        page.get_by_role("checkbox", name="公众").check()
        page.get_by_label("许可协议").select_option(label="署名 CC BY 4.0")
        page.get_by_role("textbox", name="摘要").fill("走进物理所的实验室。")
        page.get_by_role("textbox", name="外部链接").fill("https://example.org/open-day")
        submit(contributor, f"/admin/pages/add/resources/resourcepage/{slow_kepu.area_id}/")
        expect(page).to_have_url(contributor.admin(f"pages/{slow_kepu.area_id}/"))
        expect(contributor.messages()).to_contain_text(submitted(RESOURCE))
    finally:
        for someone in people.values():
            someone.close()

    assert failures == {"5xx": [], "outside": []}
    assert slow_kepu.server_errors() == []

    # One page per title.
    assert [len(page_ids(slow_kepu, title)) for title in (STORY, REJECTED, RESOURCE)] == [1, 1, 1]
    [resource] = page_ids(slow_kepu, RESOURCE)

    # The story: the editor's draft and submission, nothing by the reviewer or the chief editor, nothing
    # after 终审 (the live revision is the latest); one workflow, each step passed once by its person.
    assert revision_authors(slow_kepu, story) == ["editor", "editor"]
    assert slow_kepu.query(
        "SELECT live, has_unpublished_changes, latest_revision_id = live_revision_id FROM wagtailcore_page"
        " WHERE id = %s", story,
    ) in ([(1, 0, 1)], [(True, False, True)])
    assert review_steps(slow_kepu, story) == [("approved", [
        ("自动筛查", "approved", None, "自动筛查通过。"),
        ("初审", "approved", "reviewer", ""),
        ("终审", "approved", "chief", ""),
    ])]

    # The rejected story: one revision (made and submitted by one form), sent back once with the comment.
    assert revision_authors(slow_kepu, rejected) == ["editor"]
    assert review_steps(slow_kepu, rejected) == [("needs_changes", [
        ("自动筛查", "approved", None, "自动筛查通过。"),
        ("初审", "rejected", "reviewer", COMMENT),
    ])]

    # The contributor's resource: one revision, waiting for 初审 in its area's workflow.
    assert revision_authors(slow_kepu, resource) == ["contributor"]
    assert review_steps(slow_kepu, resource) == [("in_progress", [
        ("自动筛查", "approved", None, "自动筛查通过。"),
        ("初审", "in_progress", None, ""),
    ])]
