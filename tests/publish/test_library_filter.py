"""The resource library's pages and its filter in a real browser, on the sample site (tests/public_site.py).

With the test settings' page size (10), the sample's 23 resources make /library/ (the 13 newest) and
/library/page/1/ (the 10 oldest). Without JavaScript a reader goes from one to the other through plain
links; with it, the filter combines facets over the whole library: it intersects the chosen values'
members.json and takes each matching card from /library/ or from the archive page that holds it.

The expectations are the sample content as a reader would read it (cms/core/sample_content/data.py:
RESOURCES, and the contribution an institute had approved), written out here.
"""

import copy
import itertools
import json
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from tests.browser import block_outside_requests, serve_folder

# public_site's rows are in the test database while these run; the mark has pytest-django create it.
pytestmark = pytest.mark.django_db

# Every resource of the sample: title → its page.
RESOURCES = {
    "红外天文学入门": "/gezhi-lundao/hongwai-tianwen/",
    "超导实验演示": "/gezhi-lundao/chaodao-shiyan/",
    "量子世界漫谈": "/gezhi-lundao/liangzi-jiangzuo/",
    "星空之声": "/gezhi-lundao/xingkong-yinpin/",
    "圆周率的故事（课件）": "/kexue-yu-zhongguo/shuxue-kejian/",
    "地质野外考察指南": "/kexue-yu-zhongguo/dizhi-yexiao/",
    "一粒种子的旅程": "/kexue-yu-zhongguo/zajiao-shuidao/",
    "细胞的奥秘展览": "/kexue-yu-zhongguo/xibao-zhanlan/",
    "物理研究所公众开放日": "/kuanian-kexue-yanjiang/kaifangri-wuli/",
    "一年科学回顾": "/kuanian-kexue-yanjiang/kuanian-huigu/",
    "跨年观星指南": "/kuanian-kexue-yanjiang/tianwen-guance/",
    "城市天文台科普基地": "/kuanian-kexue-yanjiang/jidi-tianwentai/",
    "厨房里的化学实验": "/kexue-dayuan/huaxue-shiyan/",
    "遗传与变异（课件）": "/kexue-dayuan/shengwu-kejian/",
    "地震来了怎么办": "/kexue-dayuan/dizhen-zhishi/",
    "古代机械复原": "/kexue-dayuan/gudai-jixie/",
    "桥的故事": "/zhongguo-kepu-bolan/qiaoliang-shu/",
    "博物馆里的声音导览": "/zhongguo-kepu-bolan/bowuguan-yinpin/",
    "生命科学科普基地": "/zhongguo-kepu-bolan/shengming-jidi/",
    "常见病的科学防治": "/zhongguo-kepu-bolan/jiangzuo-yixue/",
    "牛顿运动定律（课件）": "/zhongguo-kepu-bolan/wuli-kejian/",
    "天文学会观测开放夜": "/zhongguo-kepu-bolan/kaifangri-tianwen/",
    "液氦里的超流现象（机构投稿）": "/zhongguo-kepu-bolan/tougao-wuli/chaoliu-kepu/",
}
VIDEOS = {"红外天文学入门", "超导实验演示", "一年科学回顾", "厨房里的化学实验"}
# 类型 = 视频 and 受众 = 青少年 (一年科学回顾 is for 公众 only).
YOUNG_VIDEOS = {"红外天文学入门", "超导实验演示", "厨房里的化学实验"}
# 受众 = 公众: more than a page of matches.
FOR_THE_PUBLIC = {
    "红外天文学入门", "量子世界漫谈", "星空之声", "一粒种子的旅程", "细胞的奥秘展览", "物理研究所公众开放日",
    "一年科学回顾", "跨年观星指南", "地震来了怎么办", "古代机械复原", "桥的故事", "博物馆里的声音导览",
    "常见病的科学防治", "天文学会观测开放夜", "液氦里的超流现象（机构投稿）",
}
# The two oldest resources (the first the sample makes, in 格致论道, whose paths also sort first): on the
# archive page only.
ARCHIVED_YOUNG_VIDEOS = {"红外天文学入门", "超导实验演示"}

CARDS = ".kepu-cards--library > li"


@pytest.fixture
def served(public_site):
    with serve_folder(public_site.root) as base:
        yield base


@pytest.fixture
def reader(browser):
    """A phone-sized browser (zh-CN) that may reach only this machine: yields ``open(javascript=True,
    dark=False, width=360)`` → a page. Requests to other hosts, console errors (a refused fetch under
    the Content-Security-Policy is one) and uncaught exceptions are collected and must stay none."""
    contexts, blocked, errors = [], [], []

    def open_page(javascript=True, dark=False, width=360):
        context = browser.new_context(viewport={"width": width, "height": 780}, java_script_enabled=javascript,
                                      color_scheme="dark" if dark else "light", locale="zh-CN")
        contexts.append(context)
        block_outside_requests(context, blocked)
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert blocked == [] and errors == []


@pytest.fixture
def failing_reader(browser):
    """A phone-sized page for tests that make loads fail: the browser logs each failed load itself, so
    only uncaught errors (the script's) must stay none."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def path_of(url):
    return unquote(urlsplit(url).path)


def titles(page):
    return page.locator(f"{CARDS} .kepu-card__title").all_inner_texts()


def links(page):
    """The site paths the cards shown link to, in their order."""
    return [path_of(a.evaluate("a => a.href")) for a in page.locator(f"{CARDS} .kepu-card__title a").all()]


def listing_order(page, served, prefix=""):
    """Every resource's page in the library's own order (its first page, then its archive page), read
    without a script."""
    order = []
    for url in (f"{prefix}library/", f"{prefix}library/page/1/"):
        page.goto(served + url)
        order += links(page)
    return order


def test_without_javascript_the_library_goes_on_in_its_archive_page(served, reader):
    page = reader(javascript=False)
    page.goto(served + "library/")
    expect(page.locator(".kepu-filter__form")).to_be_hidden()
    expect(page.locator("[data-kepu-more]")).to_be_hidden()
    expect(page.locator(CARDS)).to_have_count(13)
    expect(page.locator(".kepu-count")).to_have_text("共 23 份资源")
    first = set(titles(page))
    assert not first & ARCHIVED_YOUNG_VIDEOS

    page.get_by_role("link", name="更早的资源").click()
    assert path_of(page.url) == "/library/page/1/"
    expect(page.get_by_role("heading", level=1)).to_have_text("科普资源库 · 第 1 页")
    expect(page.locator(CARDS)).to_have_count(10)
    archived = set(titles(page))
    assert archived >= ARCHIVED_YOUNG_VIDEOS
    # The two pages hold every resource once.
    assert not first & archived and first | archived == set(RESOURCES)
    # The pager, above and below the cards: this is the oldest page, so there is nothing older.
    for name in ("分页", "分页（页面底部）"):
        pager = page.get_by_role("navigation", name=name, exact=True)
        expect(pager.get_by_role("link")).to_have_text(["较新一页", "第 1 页"])
        expect(pager.get_by_role("link", name="第 1 页")).to_have_attribute("aria-current", "page")
    assert path_of(page.locator('link[rel="prev"]').evaluate("link => link.href")) == "/library/"
    assert page.locator('link[rel="next"]').count() == 0

    # A facet link under the archive page's cards.
    page.get_by_role("navigation", name="按类型浏览").get_by_role("link", name="视频", exact=True).click()
    assert path_of(page.url) == "/library/类型/视频/"
    assert set(titles(page)) == VIDEOS
    page.go_back()
    page.get_by_role("navigation", name="分页（页面底部）").get_by_role("link", name="较新一页").click()
    assert path_of(page.url) == "/library/"


def test_the_filter_combines_facets_over_the_whole_library(served, reader):
    page = reader(javascript=False)
    order = listing_order(page, served)
    assert sorted(order) == sorted(RESOURCES.values())

    page = reader()
    page.goto(served + "library/")
    count = page.locator("[data-kepu-count]")
    page.get_by_label("类型", exact=True).select_option(label="视频（4）")
    expect(count).to_have_text("筛选出 4 份资源（共 23 份）")
    assert sorted(titles(page)) == sorted(VIDEOS)
    page.get_by_label("受众", exact=True).select_option(label="青少年（14）")
    expect(count).to_have_text("筛选出 3 份资源（共 23 份）")
    # Two of them only live on /library/page/1/; newest first, as the library lists them.
    assert sorted(titles(page)) == sorted(YOUNG_VIDEOS)
    expected = [RESOURCES[title] for title in YOUNG_VIDEOS]
    assert links(page) == [path for path in order if path in expected]
    # Cards from the archive page link where they did there.
    page.get_by_role("link", name="红外天文学入门").click()
    assert path_of(page.url) == "/gezhi-lundao/hongwai-tianwen/"
    page.go_back()
    expect(count).to_have_text("筛选出 3 份资源（共 23 份）")

    # The choice is in the address: a filtered view can be shared.
    page.reload()
    expect(count).to_have_text("筛选出 3 份资源（共 23 份）")
    assert sorted(titles(page)) == sorted(YOUNG_VIDEOS)
    expect(page.get_by_label("类型", exact=True)).to_have_value("/library/类型/视频/")
    expect(page.get_by_role("link", name="更早的资源")).to_be_hidden()  # the whole library is filtered

    page.get_by_role("button", name="清除筛选").click()
    expect(count).to_have_text("共 23 份资源")
    expect(page.locator(CARDS)).to_have_count(13)
    assert links(page) == order[:13]
    expect(page.get_by_role("link", name="更早的资源")).to_be_visible()
    assert urlsplit(page.url).fragment == ""


def test_more_matches_than_a_page_show_ten_at_a_time(served, reader):
    page = reader()
    page.goto(served + "library/")
    more = page.get_by_role("button", name="显示更多")
    expect(more).to_be_hidden()
    page.get_by_label("受众", exact=True).select_option(label="公众（15）")
    expect(page.locator("[data-kepu-count]")).to_have_text("筛选出 15 份资源（共 23 份）")
    expect(page.locator(CARDS)).to_have_count(10)
    first_ten = titles(page)
    more.click()
    expect(page.locator(CARDS)).to_have_count(15)
    expect(more).to_be_hidden()
    assert titles(page)[:10] == first_ten and set(titles(page)) == FOR_THE_PUBLIC
    # The reader goes on from the first card added.
    expect(page.locator(f"{CARDS} .kepu-card__title a").nth(10)).to_be_focused()


def test_the_filter_works_in_the_traditional_mirror(served, reader):
    page = reader(javascript=False)
    order = listing_order(page, served, prefix="zh-hant/")
    assert sorted(order) == sorted("/zh-hant" + path for path in RESOURCES.values())

    page = reader()
    page.goto(served + "zh-hant/library/")
    count = page.locator("[data-kepu-count]")
    expect(count).to_have_text("共 23 份資源")
    page.get_by_label("類型", exact=True).select_option(label="影片（4）")  # Hong Kong usage
    page.get_by_label("受眾", exact=True).select_option(label="青少年（14）")
    expect(count).to_have_text("篩選出 3 份資源（共 23 份）")
    expected = ["/zh-hant" + RESOURCES[title] for title in YOUNG_VIDEOS]
    assert links(page) == [path for path in order if path in expected]
    assert "紅外天文學入門" in titles(page)  # the archive page's card, in Traditional script


@pytest.mark.parametrize("dark", [False, True])
def test_the_archive_page_fits_a_phone_and_its_pager_is_easy_to_tap(served, reader, dark):
    page = reader(dark=dark)
    page.goto(served + "library/page/1/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == ("slate" if dark else "default")
    for link in page.locator(".kepu-pager a").all():
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, link.inner_text()
    current = page.locator('.kepu-pager a[aria-current="page"]').first
    # Marked by more than its colour: weight and an underline.
    assert int(current.evaluate("a => getComputedStyle(a).fontWeight")) >= 700
    assert "underline" in current.evaluate("a => getComputedStyle(a).textDecorationLine")
    expect(current).to_have_text("第 1 页")


@pytest.mark.parametrize("failure", ["network", "500"])
def test_an_archive_page_that_cannot_be_loaded_is_said_and_a_new_choice_tries_again(served, failing_reader,
                                                                                     failure):
    """The network fails, or the server answers 500 (or 403): that is no answer "without cards", and the
    count line must not claim 4."""
    page = failing_reader
    if failure == "network":
        page.route("**/library/page/1/", lambda route: route.abort())
    else:
        page.route("**/library/page/1/", lambda route: route.fulfill(status=500, body="服务器错误"))
    page.goto(served + "library/")
    count = page.locator("[data-kepu-count]")
    page.get_by_label("类型", exact=True).select_option(label="视频（4）")
    expect(count).to_have_text("筛选结果没能载入，请稍后再选一次。")
    expect(page.get_by_role("button", name="显示更多")).to_be_hidden()
    page.unroute("**/library/page/1/")
    page.get_by_label("受众", exact=True).select_option(label="青少年（14）")
    expect(count).to_have_text("筛选出 3 份资源（共 23 份）")
    assert sorted(titles(page)) == sorted(YOUNG_VIDEOS)


def test_a_gone_archive_page_means_the_library_was_updated(served, failing_reader):
    """A 404 for /library/page/1/: the site was published again since /library/ was loaded. The cards of
    this page that match are shown, and the reader is told to reload."""
    page = failing_reader
    page.route("**/library/page/1/", lambda route: route.fulfill(status=404, body="没有这个页面"))
    page.goto(served + "library/")
    here = set(titles(page)) & VIDEOS
    assert here and not here & ARCHIVED_YOUNG_VIDEOS
    count = page.locator("[data-kepu-count]")
    page.get_by_label("类型", exact=True).select_option(label="视频（4）")
    expect(count).to_have_text("资源库刚刚更新过，筛选结果可能不全。 刷新")
    assert sorted(titles(page)) == sorted(here)  # those on /library/ itself
    page.unroute("**/library/page/1/")
    count.get_by_role("link", name="刷新").click()
    expect(count).to_have_text("筛选出 4 份资源（共 23 份）")  # reloaded: the choice is kept
    assert sorted(titles(page)) == sorted(VIDEOS)


def test_after_a_publish_that_moved_the_ordinals_no_wrong_resource_is_shown(served, reader):
    """The reviewer's case: the oldest resource is unpublished after this reader loaded /library/. The new
    members.json and /library/page/1/ name every other resource one place lower, so the card the old
    /library/ holds at a place is no longer the one meant: the filter shows only the cards that are (by
    their key), and says that the library was updated, with 刷新."""
    order = listing_order(reader(javascript=False), served)  # newest first: place 22 … place 0
    old_first = BeautifulSoup(urlopen(served + "library/").read(), "html.parser")
    old_archive = urlopen(served + "library/page/1/").read()

    def members(route):  # as the new publish writes them
        old = json.loads(route.fetch().body())
        places = list(itertools.accumulate(old["n"]))
        keys = [old["k"][i:i + 4] for i in range(0, len(old["k"]), 4)]
        kept = [(n - 1, key) for n, key in zip(places, keys, strict=True) if n != 0]  # 0: the one unpublished
        new = [kept[0][0]] + [b[0] - a[0] for a, b in itertools.pairwise(kept)] if kept else []
        route.fulfill(content_type="application/json",
                      body=json.dumps({"n": new, "k": "".join(key for _n, key in kept)}))

    def archive(route):  # the new /library/page/1/: places 1–10 of before, each one lower
        soup = BeautifulSoup(old_archive, "html.parser")
        cards = soup.select(CARDS)
        for card in cards:
            card["data-n"] = str(int(card["data-n"]) - 1)
        cards[-1].decompose()  # (place 0)
        moved = copy.copy(old_first.select_one(f'{CARDS}[data-n="10"]'))
        for element in moved.select("[href]"):
            element["href"] = urljoin(served + "library/", element["href"])
        for element in moved.select("[src]"):
            element["src"] = urljoin(served + "library/", element["src"])
        moved["data-n"] = "9"
        cards[0].insert_before(moved)
        route.fulfill(content_type="text/html; charset=utf-8", body=str(soup))

    page = reader()
    page.goto(served + "library/")
    page.route(lambda url: url.endswith("/members.json"), members)  # published again meanwhile
    page.route("**/library/page/1/", archive)
    count = page.locator("[data-kepu-count]")
    page.get_by_label("受众", exact=True).select_option(label="公众（15）")
    expect(count).to_have_text("资源库刚刚更新过，筛选结果可能不全。 刷新")
    # At most 15 matches: the first ten, then 显示更多 once for the rest (it stays shown while that batch loads, so
    # a loop on is_visible() could press it again just as it goes).
    more = page.get_by_role("button", name="显示更多")
    more.click()
    expect(more).to_be_hidden()
    expect(count).to_have_text("资源库刚刚更新过，筛选结果可能不全。 刷新")
    # The ones shown are 公众 resources now on the archive page (the old places 1–10), newest first.
    meant = [path for path in order[-11:-1] if path in {RESOURCES[title] for title in FOR_THE_PUBLIC}]
    assert meant and links(page) == meant


@pytest.mark.parametrize("hash_", ["%", "%E4%B8", "%E4%B8&{video}"])
def test_a_malformed_address_leaves_a_working_filter(served, reader, hash_):
    """#% or a cut-off #%E4%B8 (a link shortened by a chat app) is skipped, not a dead form."""
    video = quote("/library/类型/视频/", safe="")
    page = reader()
    page.goto(served + "library/#" + hash_.format(video=video))
    expect(page.locator(".kepu-filter__form")).to_be_visible()
    expect(page.locator(".kepu-facet").first).to_be_hidden()
    count = page.locator("[data-kepu-count]")
    if "{video}" in hash_:
        expect(count).to_have_text("筛选出 4 份资源（共 23 份）")
        return
    expect(count).to_have_text("共 23 份资源")
    page.get_by_label("受众", exact=True).select_option(label="青少年（14）")
    expect(count).to_have_text("筛选出 14 份资源（共 23 份）")


def test_show_more_never_adds_cards_of_an_earlier_choice(served, failing_reader):
    """While a new choice loads (or after it failed), 显示更多 is gone: pressed, it would add the cards of
    the choice before."""
    page = failing_reader
    page.goto(served + "library/")
    more = page.get_by_role("button", name="显示更多")
    count = page.locator("[data-kepu-count]")
    page.get_by_label("受众", exact=True).select_option(label="公众（15）")
    expect(count).to_have_text("筛选出 15 份资源（共 23 份）")
    expect(more).to_be_visible()

    held = []
    page.route("**/library/*/*/members.json", lambda route: held.append(route))  # the 视频 file does not come yet
    page.get_by_label("类型", exact=True).select_option(label="视频（4）")
    expect(page.locator(CARDS).first).to_be_visible()
    page.wait_for_function("document.querySelector('.kepu-cards--library').getAttribute('aria-busy') === 'true'")
    expect(more).to_be_hidden()
    assert len(held) == 1
    held[0].abort()  # and then it fails
    expect(count).to_have_text("筛选结果没能载入，请稍后再选一次。")
    expect(more).to_be_hidden()
    page.unroute("**/library/*/*/members.json")

    page.get_by_label("类型", exact=True).select_option(label="全部")  # the choice before: 公众
    expect(count).to_have_text("筛选出 15 份资源（共 23 份）")
    page.get_by_label("类型", exact=True).select_option(label="视频（4）")
    expect(count).to_have_text("筛选出 2 份资源（共 23 份）")
    assert sorted(titles(page)) == sorted(VIDEOS & FOR_THE_PUBLIC)
    expect(more).to_be_hidden()


def test_the_reload_link_of_an_updated_library_is_easy_to_tap(served, failing_reader):
    """刷新 in the count line (the library was published again since the page loaded): a 44 px target on a
    phone, like the pager's links, and the line still fits the screen."""
    page = failing_reader
    page.route("**/library/page/1/", lambda route: route.fulfill(status=404, body="没有这个页面"))
    page.goto(served + "library/")
    page.get_by_label("类型", exact=True).select_option(label="视频（4）")
    count = page.locator("[data-kepu-count]")
    expect(count).to_have_text("资源库刚刚更新过，筛选结果可能不全。 刷新")
    box = count.get_by_role("link", name="刷新").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
