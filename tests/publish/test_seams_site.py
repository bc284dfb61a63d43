"""The publish seams as the public meets them on the sample site (the shared build, public_site):
files beside a page (an event's .ics and its 加入日历 link), pages left out of listings."""

import json

import icalendar
import pytest

pytestmark = pytest.mark.django_db


def live_manifest(site):
    return json.loads((site.root.parent / "manifest.json").read_text("utf-8"))


def calendar_link(site, url):
    """The target of the page's 加入日历 link, as the browser resolves it (the page is a folder)."""
    (link,) = [a for a in site.soup(url).select("a[href]") if a.get_text(strip=True) == "加入日历"]
    assert link["type"] == "text/calendar" and link.has_attr("download")
    return site.root / url.lstrip("/") / link["href"]


def test_an_event_page_offers_its_calendar_file_and_the_file_is_the_event(public_site):
    url = "/kuanian-kexue-yanjiang/huodong/kuanian-kexue-yanjiang-2020/"
    target = calendar_link(public_site, url)
    assert target == public_site.root / url.strip("/") / "kuanian-kexue-yanjiang-2020.ics"
    (event,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["summary"]) == "2021跨年科学演讲"
    assert str(event["url"]) == public_site.base_url.rstrip("/") + url
    entry = live_manifest(public_site)["attachments"]["kuanian-kexue-yanjiang/huodong/kuanian-kexue-yanjiang-2020/"
                                                      "kuanian-kexue-yanjiang-2020.ics"]
    assert len(entry["sha256"]) == 64


def test_the_site_wide_event_list_offers_every_public_event_as_one_calendar(public_site):
    target = calendar_link(public_site, "/huodong/")
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert "2021跨年科学演讲" in {str(e["summary"]) for e in events}
    assert "大科学装置公众开放日" in {str(e["summary"]) for e in events}
    assert target == public_site.root / "huodong" / "events.ics"


RETRACTED = "/kexue-dayuan/kexue-piyao/wei-bo-lu-fu-she/"  # the sample's retracted debunk


def test_a_retracted_piece_keeps_its_tombstone_but_leaves_the_sitemap_the_feeds_and_search_engines(public_site):
    tombstone = public_site.soup(RETRACTED)
    assert "撤稿" in tombstone.select_one("#kepu-main").get_text()
    assert tombstone.select_one('meta[name="robots"]')["content"] == "noindex"
    assert public_site.soup("/kexue-dayuan/kexue-piyao/").select_one('meta[name="robots"]') is None
    sitemap = (public_site.root / "sitemap.xml").read_text("utf-8")
    assert public_site.base_url.rstrip("/") + "/kexue-dayuan/kexue-piyao/" in sitemap
    assert RETRACTED not in sitemap
    for feed in ("feed.xml", "kexue-dayuan/feed.xml"):
        assert RETRACTED not in (public_site.root / feed).read_text("utf-8")


STORY = "/gezhi-lundao/qian-xuesen/"


def test_every_page_carries_the_qr_code_of_its_address_beside_it(public_site):
    from cms.reach.qr import qr_svg

    for url in ("/", STORY, "/huodong/"):
        page = public_site.soup(url)
        image = page.select_one(".kepu-tools__qr img")
        assert image["alt"] == "本页网址的二维码"
        address = public_site.base_url.rstrip("/") + url
        assert (public_site.root / url.lstrip("/") / image["src"]).read_text("utf-8") == qr_svg(address)
        assert page.select_one("[data-kepu-copy]")["data-kepu-copy"] == address


def test_copy_link_puts_the_pages_address_on_the_clipboard(public_site, browser):
    from playwright.sync_api import expect

    from tests.browser import block_outside_requests, serve_folder

    with serve_folder(public_site.root) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        blocked = []
        block_outside_requests(context, blocked)
        page = context.new_page()
        page.goto(base + STORY.lstrip("/"))
        page.get_by_role("button", name="复制链接").click()
        expect(page.get_by_role("status")).to_have_text("链接已复制")
        assert page.evaluate("navigator.clipboard.readText()") == public_site.base_url.rstrip("/") + STORY
        assert page.locator(".kepu-tools__qr img").is_visible()  # on a wide screen
        page.set_viewport_size({"width": 360, "height": 780})
        assert not page.locator(".kepu-tools__qr img").is_visible()  # not on a phone, which is already there
        context.close()
        assert blocked == []


def test_a_piece_a_campaign_gathers_links_to_it_and_the_campaign_has_a_feed_of_its_pieces(public_site):
    nav = public_site.soup(STORY).select_one('nav[aria-label="所属专题"]')
    links = {a.get_text(strip=True): a["href"] for a in nav.select("a")}
    assert links["2020年科学道德和学风建设宣传月"] == "../../xuanchuanyue-2020/"
    feed = (public_site.root / "xuanchuanyue-2020" / "feed.xml").read_text("utf-8")
    assert public_site.base_url.rstrip("/") + STORY in feed
    assert "/huodong/xuanchuanyue-qidong-2020/" in feed  # an event its rule gathers (tag 宣传月)
