"""An outside expert with no account opens the link in Chromium: the draft as the public site will
show it, under the preview banner, with its images; leaves a comment; and once the link is revoked,
gets the page saying so."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import PageLogEntry

from tests.browser import block_outside_requests


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_outsider_opens_the_link_comments_and_finds_it_revoked(browser, live_server, draft_story, link_and_token):
    link, token = link_and_token
    blocked, console = [], []
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    block_outside_requests(context, blocked)
    page = context.new_page()
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    try:
        response = page.goto(f"{live_server.url}/preview/{token}/")
        assert response.status == 200 and response.headers["x-robots-tag"] == "noindex, nofollow, noarchive"
        expires = timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")
        expect(page.get_by_role("region", name="预览说明")).to_contain_text(f"预览 · 未发布 · 有效期至 {expires}")
        expect(page.get_by_role("heading", level=1)).to_have_text("屠呦呦：青蒿素的发现者")
        portrait = page.get_by_role("img", name="屠呦呦在实验室")
        expect(portrait).to_be_visible()
        assert portrait.evaluate("img => img.complete && img.naturalWidth > 0")
        # The theme's own stylesheet and scripts are there (Material's header is laid out and scripted).
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
        assert page.evaluate("typeof document$ !== 'undefined'")
        assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow, noarchive"
        expect(page.get_by_role("link", name="另一份草稿")).to_have_count(0)

        page.get_by_text("给编辑部留意见").click()
        page.get_by_label("意见（只有编辑部能看到）").fill("“古籍”一处请注明出处：《肘后备急方》。")
        page.get_by_role("button", name="提交意见").click()
        # The banner says so (the page tools below have a status of their own, for 复制链接).
        banner = page.get_by_role("region", name="预览说明")
        expect(banner.get_by_role("status")).to_have_text("意见已送达编辑部，谢谢。")
        page.wait_for_load_state("networkidle")
        assert console == []  # no file refused, no script or style blocked by the policy

        link.revoke(None)
        response = page.reload()
        assert response.status == 410
        expect(page.get_by_role("heading", level=1)).to_have_text("链接已撤销")
    finally:
        context.close()
    assert blocked == []
    comment = PageLogEntry.objects.get(page=draft_story, action="previews.comment")
    assert comment.data["comment"] == "“古籍”一处请注明出处：《肘后备急方》。"
    assert PageLogEntry.objects.filter(page=draft_story, action="previews.view").count() == 2
