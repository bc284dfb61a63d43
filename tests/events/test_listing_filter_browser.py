"""A reader filters the site-wide 活动 list of the sample site (the shared build) in Chromium: the
menus, the events shown in the list's order, the announced count, the address that shares the view,
axe on the filtered page, and the whole list without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser import block_outside_requests, serve_folder
from tests.publish.test_site_pages import AXE, AXE_RUN, require

pytestmark = pytest.mark.django_db

ALL = 9  # the sample events (cms/events/sample.py), every one 往期 now: the latest first
SHOWN = ".kepu-body li[data-kind]:not([hidden])"


def titles(page):
    return page.locator(SHOWN + " > a").all_inner_texts()


def test_a_reader_filters_the_event_list_by_kind_city_and_month_and_shares_the_view(public_site, browser):
    require(AXE, "axe-core")
    with serve_folder(public_site.root) as base:
        blocked = []
        context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN",
                                      bypass_csp=True)  # axe is injected as an inline script
        context.add_init_script(path=str(AXE))
        block_outside_requests(context, blocked)
        page = context.new_page()
        page.goto(base + "huodong/")
        count = page.locator("[data-kepu-events-count]")
        expect(count).to_have_attribute("aria-live", "polite")
        expect(page.locator(SHOWN)).to_have_count(ALL)
        everything = titles(page)

        page.get_by_label("类型").select_option(label="宣讲（4）")
        page.get_by_label("月份").select_option(label="2020年11月（3）")
        expect(count).to_have_text("筛选出 2 场活动（共 9 场）")
        assert titles(page) == ["科学家精神宣讲：线上专场", "科学家精神宣讲：进院所（北京站）"]  # 30 then 25 November
        assert page.url == base + "huodong/?kind=tour&month=2020-11"
        expect(page.get_by_role("heading", name="往期活动")).to_be_visible()
        assert page.evaluate(AXE_RUN) == []

        shared = context.new_page()  # the address, opened by someone it was sent to
        shared.goto(page.url)
        expect(shared.locator(SHOWN)).to_have_count(2)
        assert titles(shared) == titles(page)
        expect(shared.get_by_label("类型")).to_have_value("tour")
        expect(shared.get_by_label("月份")).to_have_value("2020-11")

        page.get_by_label("月份").select_option("")
        page.get_by_label("类型").select_option("")
        page.get_by_label("城市").select_option(label="线上（3）")
        expect(count).to_have_text("筛选出 3 场活动（共 9 场）")
        online = ["2021跨年科学演讲", "科学家精神宣讲：线上专场", "2020年科学道德和学风建设宣传月启动报告会"]
        assert titles(page) == online == [t for t in everything if t in online]  # the list's order
        assert page.url == base + "huodong/?city=%E7%BA%BF%E4%B8%8A"

        page.get_by_label("月份").select_option(label="2021年8月（1）")
        expect(count).to_have_text("没有符合条件的活动（共 9 场）")
        expect(page.get_by_role("heading", name="往期活动")).to_be_hidden()
        page.get_by_role("button", name="清除筛选").click()
        expect(count).to_have_text("共 9 场活动")
        assert titles(page) == everything and page.url == base + "huodong/"
        context.close()

        without = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
        block_outside_requests(without, blocked)
        plain = without.new_page()
        plain.goto(base + "huodong/?kind=tour")
        expect(plain.locator("form[data-kepu-events]")).to_be_hidden()
        expect(plain.locator(SHOWN)).to_have_count(ALL)
        without.close()
    assert blocked == []
