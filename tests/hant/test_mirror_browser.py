"""The Traditional mirror of the session's shared sample build in Chromium, in one browser: a reader
switches script and back on a story, searches the mirror in Traditional and in Simplified and lands on
the mirror's page. (axe checks every mirror page, in light and dark: tests/publish/test_site_pages.py.)"""

import re
from urllib.parse import unquote

from tests.browser import block_outside_requests, serve_folder

STORY = "gezhi-lundao/qian-xuesen/"


def test_switch_and_search_on_the_mirror(db, public_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-HK")
    blocked, errors = [], []
    block_outside_requests(context, blocked)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    with serve_folder(public_site.root) as base:
        # 繁體 → 简体 → 繁體 on the same story.
        page.goto(base + "zh-hant/" + STORY)
        assert page.locator("h1").first.inner_text() == "錢學森：我的事業在中國"
        page.get_by_role("link", name="简体").click()
        page.wait_for_url(base + STORY)
        assert page.locator("h1").first.inner_text() == "钱学森：我的事业在中国"
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        page.get_by_role("link", name="繁體").click()
        page.wait_for_url(base + "zh-hant/" + STORY)
        assert page.locator("html").get_attribute("lang") == "zh-Hant-HK"

        # The header's search box on the mirror: a Traditional query, results on the mirror.
        page.goto(base + "zh-hant/")
        page.get_by_role("button", name="搜索").click()
        page.wait_for_url("**/zh-hant/search/**")
        box = page.get_by_role("searchbox", name="搜索全站內容").last
        box.fill("錢學森")
        box.press("Enter")
        result = page.locator(".kepu-search__result a", has_text="錢學森：我的事業在中國").first
        result.wait_for()
        assert unquote(result.get_attribute("href")).endswith("/zh-hant/" + STORY)
        assert re.fullmatch(r"找到 \d+ 個結果。", page.locator(".kepu-search__status").inner_text())
        # … and the same page for the same name typed in Simplified.
        found = page.evaluate("q => window.kepuSearch.searchUrls(q)", "钱学森")
        assert any(unquote(url).endswith(STORY) for url in found), found
        result.click()
        page.wait_for_url(base + "zh-hant/" + STORY)

    context.close()
    assert blocked == [] and errors == []
