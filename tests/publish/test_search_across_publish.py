"""A search page left open across a publish, in a real Chromium: the reader searched, an editor's change
was approved and published (the index's folders under search/p/ and search/s/ are named by their
content, so the new build has other names and the old ones are gone), and the reader searches again in
the same page, without reloading. themes/assets/kepu-search.js reads the listing (search/shards.json)
again and runs the query once more on the new index; if that fails too, the reader is told."""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from cms.hant.models import MirrorSettings
from cms.publish.pipeline import publish
from cms.sitesearch import index as search
from tests.browser import block_outside_requests, serve_folder
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")

BROKEN = "搜索暂时无法使用，请稍后再试。"


def listed_folders(settings, prefix=""):
    """The index folders the live build's listing names (relative to its search/)."""
    search_dir = Path(os.path.realpath(settings.KEPU_SITE_DIR)) / prefix / "search"
    listing = json.loads((search_dir / "shards.json").read_text("utf-8"))
    groups = {f"p/{name}/" for name in search.group_folders(listing)}  # (one group at this size)
    return {*groups, *(shard["dir"] for shard in listing["shards"])}, search_dir


def search_again(page, box_name, word, title, status):
    """The reader types ``word`` in the page's search box: one result, ``title``, its excerpt holding it."""
    box = page.get_by_role("searchbox", name=box_name).last
    box.fill(word)
    box.press("Enter")
    expect(page.locator(".kepu-search__excerpt")).to_contain_text([word])  # (the excerpt before lacked it)
    expect(page.locator(".kepu-search__result a")).to_have_text([title])
    expect(page.locator(".kepu-search__status")).to_have_text(status)


def test_a_search_page_open_across_a_publish_finds_the_new_text(settings, programme, browser):
    mirror = MirrorSettings.load()
    mirror.enabled, mirror.profile, mirror.prefix, mirror.host = True, "s2hk", "zh-hant", ""
    mirror.save()
    story = make_story(programme, title="高山气象站", slug="qixiangzhan",
                       body=[("paragraph", "<p>观测员每天清晨记录风向和气温。</p>")])
    publish()
    before = {prefix: listed_folders(settings, prefix)[0] for prefix in ("", "zh-hant")}

    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    blocked, errors, listings = [], [], []
    block_outside_requests(context, blocked)
    context.on("request", lambda request: listings.append(request.url)
               if request.url.endswith("/search/shards.json") else None)
    # The site/ link itself: the server follows it on every request, so a publish swaps what it serves.
    with serve_folder(settings.KEPU_SITE_DIR) as base:
        # A reader on the search page, and one on the mirror's: each has searched and read the listing.
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "search/?q=风向")
        expect(page.locator(".kepu-search__result a")).to_have_text(["高山气象站"])
        hant = context.new_page()
        hant.on("pageerror", lambda error: errors.append(str(error)))
        hant.goto(base + "zh-hant/search/?q=風向")
        expect(hant.locator(".kepu-search__result a")).to_have_text(["高山氣象站"])

        # An editor's change to the story's text is approved and published meanwhile.
        story = Page.objects.get(pk=story.pk).specific
        story.body = [("paragraph", "<p>观测员每天清晨记录风向和气温。气象站新添了一台测雨雷达。</p>")]
        story.save_revision().publish()
        publish()
        for prefix, folders in before.items():
            now, search_dir = listed_folders(settings, prefix)
            assert not folders & now  # other names: the listing the pages read names only folders now gone
            assert not any((search_dir / folder).exists() for folder in folders)

        # The same pages, not reloaded: the new word is found, with the text as it is now.
        search_again(page, "搜索全站内容", "测雨雷达", "高山气象站", "找到 1 个结果。")
        expect(page.locator(".kepu-search__results mark")).to_have_text(["测雨雷达"])
        search_again(hant, "搜索全站內容", "測雨雷達", "高山氣象站", "找到 1 個結果。")

        # The index's files keep failing (404) even with the listing read again: said, after one retry.
        page.route("**/search/p/**", lambda route: route.fulfill(status=404, body="没有这个文件"))
        read = len(listings)
        box = page.get_by_role("searchbox", name="搜索全站内容").last
        box.fill("观测员")
        box.press("Enter")
        expect(page.locator(".kepu-search__status")).to_have_text(BROKEN)
        expect(page.locator(".kepu-search__result")).to_have_count(0)
        assert len(listings) == read + 1
    context.close()
    assert blocked == [] and errors == []


def test_more_results_after_a_file_is_gone_retries_only_when_the_site_was_published(settings, programme, browser):
    """显示更多 meets a record file that 404s. The listing unchanged (no publish since): the index at hand is
    broken, said once, the first results kept (before, every click ran the query again from its first page
    and the reader never learnt why nothing more came). The listing changed (a publish since): the query
    runs again on the new index, from its first page."""
    stations = ["高山", "海岛", "草原", "沙漠", "冰川", "峡谷", "湖泊", "森林", "平原", "丘陵", "湿地", "雪山"]
    for number, place in enumerate(stations):
        make_story(programme, title=f"{place}气象站", slug=f"qixiang-{number}",
                   body=[("paragraph", f"<p>{place}的观测员每天记录风向。</p>")])
    publish()

    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    blocked, errors, listings, records = [], [], [], set()
    block_outside_requests(context, blocked)

    def seen(request):
        if request.url.endswith("/search/shards.json"):
            listings.append(request.url)
        elif "/search/s/" in request.url and "/d/" in request.url:
            records.add(request.url)

    context.on("request", seen)
    with serve_folder(settings.KEPU_SITE_DIR) as base:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "search/?q=观测员")
        results, status = page.locator(".kepu-search__result a"), page.locator(".kepu-search__status")
        more = page.get_by_role("button", name="显示更多结果")
        expect(results).to_have_count(10)
        expect(status).to_have_text("找到 12 个结果。")
        first = results.all_inner_texts()

        # The records of the first ten load; any other record is gone, the listing unchanged.
        shown = set(records)
        page.route("**/search/s/**/d/*.json",
                   lambda route: route.continue_() if route.request.url in shown else
                   route.fulfill(status=404, body="没有这个文件"))
        read = len(listings)
        more.click()
        expect(status).to_have_text(BROKEN)
        expect(results).to_have_text(first)  # what was shown stays, the query did not run again
        assert len(listings) == read + 1  # the listing read once to compare
        more.click()  # 显示更多 stays, for later; the same again
        expect(status).to_have_text(BROKEN)
        expect(results).to_have_text(first)
        expect(more).to_be_visible()
        assert len(listings) == read + 2
        page.unroute("**/search/s/**/d/*.json")

        # A publish since: the shard's folder has another name; 显示更多 runs the query on the new index.
        story = Page.objects.get(slug="qixiang-0").specific
        story.body = [("paragraph", "<p>高山的观测员每天记录风向和气温。</p>")]
        story.save_revision().publish()
        publish()
        more.click()
        expect(status).to_have_text("找到 12 个结果。")
        expect(results).to_have_count(10)
        more.click()
        expect(results).to_have_count(12)
        expect(more).to_be_hidden()
    context.close()
    assert blocked == [] and errors == []
