"""复制到公众号 in Chromium: 复制正文 puts the styled HTML on the clipboard as rich text, 复制微博文案 the
caption as text, and the preview at phone width shows the images and needs no sideways scrolling."""


import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser import block_outside_requests
from tests.conftest import make_story

BUILT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>钱学森</title>
<meta name="description" content="他把一生献给了祖国的航天事业。"></head><body>
<article id="kepu-main" class="md-content__inner">
<header class="kepu-head"><p class="kepu-head__kicker">科学家故事</p><h1>钱学森：中国航天之父</h1></header>
<p class="kepu-lead">他把一生献给了祖国的航天事业。</p>
<div class="kepu-body"><p>一段很长的链接：<a href="https://example.org/a/very/long/path/that/does/not/break/on/a/phone/at/all">资料</a>。</p>
<figure class="kepu-figure"><img src="../../media/images/wide.png" alt="宽图" width="1600" height="400">
<figcaption>宽图的图注</figcaption></figure>
<table><tr><th>年份</th><th>事件</th></tr><tr><td>1955</td><td>回到祖国</td></tr></table></div>
<nav class="kepu-tags"><a href="../../tags/航天/">航天</a></nav></article></body></html>"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_copy_buttons_and_phone_preview(browser, live_server, programme, settings, tmp_path, django_user_model):
    from PIL import Image

    story = make_story(programme, slug="qian-xuesen")
    settings.KEPU_SITE_DIR = tmp_path / "site"
    page_dir = settings.KEPU_SITE_DIR / "gezhi-lundao" / "qian-xuesen"
    page_dir.mkdir(parents=True)
    (page_dir / "index.html").write_text(BUILT, "utf-8")
    (settings.KEPU_SITE_DIR / "media" / "images").mkdir(parents=True)
    Image.new("RGB", (1600, 400), (20, 120, 90)).save(settings.KEPU_SITE_DIR / "media" / "images" / "wide.png")

    client = Client()
    client.force_login(django_user_model.objects.create_superuser("wx", "wx@example.org", "x"))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    blocked = []
    block_outside_requests(context, blocked)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/reach/wechat/{story.pk}/")
        page.get_by_role("button", name="复制正文").click()
        expect(page.locator("[data-copy-status]")).to_have_text("已复制正文，请到公众号编辑器里粘贴。")
        copied = page.evaluate("""async () => {
            const [item] = await navigator.clipboard.read();
            return {types: item.types, html: await (await item.getType("text/html")).text(),
                    text: await (await item.getType("text/plain")).text()};
        }""")
        assert "text/html" in copied["types"]
        assert 'style="' in copied["html"] and "class=" not in copied["html"]
        assert "data:image/jpeg;base64," in copied["html"]
        assert "回到祖国" in copied["text"] and "阅读原文" in copied["text"]

        page.get_by_role("button", name="复制微博文案").click()
        expect(page.locator("[data-copy-status]")).to_have_text("已复制微博文案。")
        caption = page.evaluate("navigator.clipboard.readText()")
        assert caption == page.get_by_label("不超过 140 字", exact=False).input_value()
        assert len(caption) <= 140 and "#航天#" in caption

        preview = page.frame_locator("iframe[title^='公众号文章预览']")
        image = preview.get_by_role("img", name="宽图")
        expect(image).to_be_visible()
        frame = page.frame_locator("iframe[title^='公众号文章预览']").locator("body")
        sizes = frame.evaluate("""body => ({scroll: document.documentElement.scrollWidth,
                                           view: document.documentElement.clientWidth,
                                           image: document.querySelector("img").naturalWidth})""")
        assert sizes["view"] <= 375 and sizes["scroll"] <= sizes["view"]  # nothing wider than the phone
        assert sizes["image"] == 1080
        assert blocked == []
    finally:
        context.close()
