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
