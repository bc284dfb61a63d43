"""The admin works in a real Chromium under the CMS's Content-Security-Policy: no violation on the pages
an editor uses, and the editor's scripts (Draftail, StreamField, the preview panel) run; in a preview,
what an editor wrote runs nothing (a javascript: link made in code, past form validation)."""

import pytest
from playwright.sync_api import expect

from cms.stories.models import StorySource
from tests.browser import block_outside_requests
from tests.conftest import PASSWORD, make_image, make_story

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_runs_under_its_csp(browser, live_server, users, story):
    make_image()
    hostile = make_story(story.get_parent(), title="带恶意链接的草稿", slug="hostile", publish=False)
    hostile.sources = [StorySource(title="恶意来源", url="javascript:window.__ran=1")]
    hostile.save_revision()
    admin = f"{live_server.url}/admin/"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(10_000)
    blocked, console = [], []
    block_outside_requests(context, blocked)
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        violations = []

        def visit(url):
            response = page.goto(url)
            assert "default-src 'self'" in response.headers["content-security-policy"], url
            page.wait_for_load_state("networkidle")
            violations.extend(page.evaluate("window.__violations"))

        page.goto(f"{admin}login/")
        page.get_by_label("用户名").fill("editor")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(admin)
        violations.extend(page.evaluate("window.__violations"))

        for url in (admin, f"{admin}pages/{story.get_parent().pk}/", f"{admin}images/", f"{admin}documents/",
                    f"{admin}account/", f"{admin}second-factor/setup/"):
            visit(url)

        visit(f"{admin}pages/{story.pk}/edit/")
        body = page.get_by_role("region", name="正文")
        expect(body.locator(".Draftail-Editor")).to_have_count(1)  # Draftail's script ran
        body.get_by_role("button", name="插入内容块").last.click()
        expect(body.get_by_role("option", name="引语")).to_be_visible()  # the StreamField's menu
        page.keyboard.press("Escape")
        page.get_by_role("button", name="预览开关").click()
        preview = page.frame_locator("#w-preview-iframe")  # Wagtail swaps in a fresh iframe with this id
        expect(preview.get_by_text("编辑预览")).to_be_visible()  # the preview panel's iframe loaded
        violations.extend(page.evaluate("window.__violations"))
        admin_console = list(console)

        # The draft on its own, as 查看草稿 opens it: the source is shown as text, not as a link
        # (the preview writes URLs through the public site's rule, cms/publish/templatetags/kepu_links.py)…
        response = page.goto(f"{admin}pages/{hostile.pk}/view_draft/")
        assert "script-src 'none'" in response.headers["content-security-policy"]
        expect(page.get_by_text("恶意来源")).to_be_visible()
        expect(page.get_by_role("link", name="恶意来源")).to_have_count(0)
        # … and were such a link there, the page's policy would run nothing: plant one and click it.
        page.evaluate("""() => { const a = document.createElement("a"); a.textContent = "植入的链接";
                                 a.href = "javascript:window.__ran=1"; document.body.append(a); }""")
        page.get_by_role("link", name="植入的链接").click()
        page.wait_for_function("window.__violations.length > 0")  # the report comes as an event, after the click
        blocked_by_policy = page.evaluate("window.__violations")
        assert page.evaluate("window.__ran") is None
    finally:
        context.close()
    assert violations == [], violations
    assert not [text for text in admin_console if "Content Security Policy" in text], admin_console
    assert blocked_by_policy and all(v.startswith("script-src") for v in blocked_by_policy), blocked_by_policy
    assert blocked == []
