"""The public site's pages, asserted on the HTML a reader gets: the sample content, published once.

Home and programme pages, stories, columns, the resource library and its facets, tags, feeds,
Open Graph and canonical URLs, the 404 page, and that nothing is fetched from another host.

Then the quality gates, with the real checkers a reviewer would run (from the npm registry:
package.json, ``npm ci`` in scripts/test.sh): axe-core in Chromium finds no accessibility violation
and the Nu HTML Checker (vnu.jar on Java) no error on the home page and one page of every kind;
linkinator finds no broken link or anchor in the whole site; no request leaves 127.0.0.1.
"""

import functools
import hashlib
import itertools
import json
import os
import posixpath
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Page

from cms.columns.models import ColumnArticlePage
from cms.events.models import EventIndexPage
from cms.factcheck.models import DebunkPage
from cms.integrity.models import IntegrityDocumentPage
from cms.nominations.models import NoticePage
from cms.programmes.models import ProgrammePage
from cms.publish import verify
from cms.resources.models import ContributionAreaPage, ResourcePage
from cms.stories.models import StoryPage
from tests.browser import serve_folder, watch_outside_requests
from tests.public_site import FRESH_TITLE

# The tests only read the built files and the sample rows the module fixture loaded; the mark
# makes pytest-django create the test database before that fixture runs.
pytestmark = pytest.mark.django_db

# Where a browser fetches something by itself (as opposed to a link a reader may follow).
FETCHING = {"img": ["src", "srcset"], "script": ["src"], "iframe": ["src"], "source": ["src", "srcset"],
            "video": ["src", "poster"], "audio": ["src"], "embed": ["src"], "object": ["data"]}
FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "preconnect",
                      "dns-prefetch"}


def site_path(page_url, href):
    """The site path (/a/b/) a relative href on the page at ``page_url`` points to."""
    href = unquote(urlsplit(href).path)
    if href.startswith("/"):
        return href
    joined = posixpath.normpath(posixpath.join(page_url, href))
    return joined + ("/" if href.endswith("/") or href in (".", "./") or joined == "/" else "")


def hrefs(built, url, selector):
    return [site_path(url, a["href"]) for a in built.soup(url).select(selector)]


def listing_urls(built, url, scope=None):
    """A listing's pages as a reader goes through them: the page itself, then its 更早的… link (to its last
    archive page) and from each archive page the pager's 较早一页, down to page 1. ``scope``: a function
    giving the part of the first page that holds the listing (a programme has one per section)."""
    first = built.soup(url)
    older = (scope(first) if scope else first).select_one(".kepu-older a")
    urls = [url]
    while older is not None:
        urls.append(site_path(urls[-1], older["href"]))
        assert urls[-1] not in urls[:-1], urls
        older = built.soup(urls[-1]).select_one('.kepu-pager a[rel="next"]')
    return urls


def library_cards(built, url="/library/"):
    """{resource page: its card} over every page of a library listing (the library or a facet value)."""
    cards = {}
    for page_url in listing_urls(built, url):
        for card in built.soup(page_url).select(".kepu-cards--library > li"):
            resource = site_path(page_url, card.select_one(".kepu-card__title a")["href"])
            assert resource not in cards, f"{resource} twice in {url}"
            cards[resource] = card
    return cards


@pytest.fixture(scope="module")
def site(public_site):
    """The sample site, built once per run (tests/public_site.py)."""
    return public_site


@pytest.fixture(scope="module")
def parse():
    """A built page's HTML, parsed once for the tests of this module that read every page (they only read it)."""
    return functools.cache(lambda page: BeautifulSoup(page.read_text("utf-8"), "html.parser"))


def mirror_prefix():
    """The Traditional-script mirror's folder (zh-hant), or "" while it is off."""
    from cms.hant.models import MirrorSettings

    mirror = MirrorSettings.load()
    return mirror.prefix.strip("/") if mirror.enabled else ""


def simplified_pages(site):
    """The built site's HTML pages, without the Traditional-script mirror's (/zh-hant/…, the prefix its
    settings name): the same paths again, which the mirror's own tests read."""
    prefix = mirror_prefix()
    return [page for page in site.pages() if not (prefix and page.relative_to(site.root).parts[0] == prefix)]


def test_story_page_shows_the_scientist(site):
    story = StoryPage.objects.get(slug="qian-xuesen")
    url = site.url_of_page[story.pk]
    soup = site.soup(url)

    portrait = soup.select_one(".kepu-profile img")
    assert portrait["alt"] == story.portrait_alt
    assert portrait["width"] and portrait["height"]
    widths = [c.split()[1] for c in portrait["srcset"].split(",")]
    assert len(widths) >= 2 and all(w.endswith("w") for w in widths)
    for candidate in portrait["srcset"].split(","):
        assert (site.root / site_path(url, candidate.split()[0]).lstrip("/")).is_file()
    assert portrait.get("loading") != "lazy" and portrait["fetchpriority"] == "high"  # the first image: not lazy

    profile = soup.select_one(".kepu-profile").get_text(" ", strip=True)
    assert story.scientist_name in profile and story.discipline in profile and story.institution in profile
    for honour in story.honours.all():
        assert honour.title in profile and str(honour.year) in profile
    assert soup.select_one(".kepu-lead").get_text(strip=True) == story.summary

    sources = soup.find("h2", string="参考来源").find_next("ol")
    assert [a["href"] for a in sources.select("a")] == [s.url for s in story.sources.all() if s.url]

    quote = soup.select_one("figure.kepu-quote")
    assert quote.blockquote.get_text(strip=True) == "我的事业在中国，我的成就在中国，我的归宿在中国。"
    assert quote.figcaption.get_text(strip=True) == "—— 钱学森"
    timeline = [li.get_text(" ", strip=True) for li in soup.select(".kepu-timeline ol li")]
    assert timeline[0] == "1911 年 生于上海" and len(timeline) == 4

    programme_url = site.url_of_page[story.programme.pk]
    assert programme_url in hrefs(site, url, ".kepu-crumbs a")
    assert hrefs(site, url, ".kepu-from__name") == [programme_url]
    related = {site.url_of_page[r.story.pk] for r in story.related_stories.all()}
    assert set(hrefs(site, url, "#related ~ ul .kepu-card__title a")) == related
    tags = {t.name for t in story.tags.all()}
    assert {a.get_text(strip=True) for a in soup.select(".kepu-tags a")} == tags
    # Images in listings below the fold wait until the reader scrolls to them.
    assert all(img["loading"] == "lazy" for img in soup.select(".kepu-card img"))


def test_every_image_has_its_size(site, parse):
    for page in simplified_pages(site):
        for img in parse(page).select("article img"):
            assert img.get("width") and img.get("height"), (page, img)


def test_programme_home_lists_its_stories_columns_and_resources(site):

    programme = ProgrammePage.objects.get(slug="gezhi-lundao")
    url = site.url_of_page[programme.pk]
    soup = site.soup(url)
    assert soup.select_one(".kepu-masthead h1").get_text(strip=True) == programme.title
    assert soup.select_one(".kepu-masthead__tagline").get_text(strip=True) == programme.tagline
    assert programme.brand_colour in soup.select_one(".kepu-masthead")["style"]

    sections = {s.h2.contents[0].strip(): s for s in soup.select("section.kepu-section")}
    assert list(sections) == ["科学家故事", "学风传承专栏", "科普资源"]
    for heading, model in [("科学家故事", "storypage"), ("学风传承专栏", "columnpage"), ("科普资源", "resourcepage")]:
        children = programme.get_children().live().filter(content_type__model=model)
        # Over the section's first cards and its archive pages, if it has any (not in the sample: < 2 × 10).
        pages = listing_urls(site, url, lambda first, heading=heading: first.find(
            lambda tag: tag.name == "section" and tag.h2 and tag.h2.contents[0].strip() == heading))
        listed = [site_path(url, a["href"]) for a in sections[heading].select(".kepu-card__title a")]
        listed += [site_path(page, a["href"]) for page in pages[1:]
                   for a in site.soup(page).select(".kepu-cards .kepu-card__title a")]
        assert sorted(listed) == sorted(site.url_of_page[c.pk] for c in children), heading
        assert listed
        assert int(sections[heading].h2.small.get_text()) == children.count(), heading

    feeds = soup.select('link[rel~="alternate"][type="application/rss+xml"]')
    assert site_path(url, feeds[-1]["href"]) == url + "feed.xml"
    assert feeds[-1]["title"].startswith(programme.title)


def test_programme_feed_is_valid_rss_with_its_own_items_only(site):

    programme = ProgrammePage.objects.get(slug="kexue-yu-zhongguo")
    url = site.url_of_page[programme.pk]
    tree = ET.parse(site.root / url.strip("/") / "feed.xml")
    channel = tree.getroot().find("channel")
    assert channel.findtext("title").startswith(programme.title)
    links = [item.findtext("link") for item in channel.findall("item")]
    leaves = [p for p in programme.get_descendants().live().specific()
              if not p.get_children().exists() and not isinstance(p, ContributionAreaPage)]
    expected = {site.base_url.rstrip("/") + site.url_of_page[p.pk] for p in leaves if p.pk in site.url_of_page}
    assert set(links) == expected
    assert all(link.startswith(site.base_url.rstrip("/") + url) for link in links)
    assert all(item.findtext("pubDate") for item in channel.findall("item"))

    everything = [item.findtext("link") for item in ET.parse(site.root / "feed.xml").getroot().iter("item")]
    assert len(everything) == min(50, len(site.url_of_page) - 1 - 5 - 2)  # all but home, programmes, columns


def test_home_shows_the_programmes_and_the_latest_pieces(site):

    soup = site.soup("/")
    cards = soup.select(".kepu-brand")
    programmes = list(ProgrammePage.objects.live().order_by("home_order", "path"))
    assert [c.select_one(".kepu-brand__name").get_text(strip=True) for c in cards] == [p.title for p in programmes]
    for card, programme in zip(cards, programmes, strict=True):
        assert programme.brand_colour in card["style"]
        assert card.select_one(".kepu-brand__tagline").get_text(strip=True) == programme.tagline
        assert card.select_one("img.kepu-brand__logo")
    latest = soup.find("h2", string="最新内容").find_next("ul").select(".kepu-card")
    assert len(latest) == 12
    sections = {c.select_one(".kepu-card__kicker").get_text().split(" · ")[0] for c in latest}
    assert sections <= {p.title for p in programmes} | {"学风建设"}  # integrity documents are pieces too


def test_column_lists_articles_by_issue_and_articles_link_their_scientists(site):
    from cms.columns.models import ColumnPage

    for column in ColumnPage.objects.live():
        url = site.url_of_page[column.pk]
        issues = [int(re.search(r"第 (\d+) 期", c.get_text()).group(1))
                  for c in site.soup(url).select(".kepu-card__facts")]
        assert issues == sorted(issues, reverse=True) and len(issues) == column.get_children().live().count()
        for article in column.get_children().live().specific():
            article_url = site.url_of_page[article.pk]
            featured = {site.url_of_page[f.story.pk] for f in article.featured_scientists.all()}
            assert set(hrefs(site, article_url, "#featured ~ ul .kepu-card__title a")) == featured
            crumbs = hrefs(site, article_url, ".kepu-crumbs a")
            assert crumbs[-1] == url


def test_resource_library_facets_hold_exactly_the_right_resources(site):
    resources = list(ResourcePage.objects.live().specific())
    facets = {
        "类型": lambda r: [r.get_kind_display()],
        "受众": lambda r: [a.name for a in r.audiences.all()],
        "学科主题": lambda r: [s.name for s in r.subjects.all()],
        "贡献机构": lambda r: [r.institute.name],
    }
    index = site.soup("/library/")
    # 23 resources, 10 a page in the test settings: the 13 newest on /library/, the 10 oldest on page 1.
    assert listing_urls(site, "/library/") == ["/library/", "/library/page/1/"]
    assert len(index.select(".kepu-cards--library > li")) == 13
    cards = library_cards(site)  # (each resource once over both pages)
    assert set(cards) == {site.url_of_page[r.pk] for r in resources}
    # Each card carries its place in the library (0 = the oldest), which the filter finds it by.
    resource_at = {int(card["data-n"]): url for url, card in cards.items()}
    key_at = {int(card["data-n"]): card["data-k"] for card in cards.values()}
    assert len(set(key_at.values())) == len(resources)  # (the sample's keys happen to differ)
    assert sorted(resource_at) == list(range(len(resources)))
    assert not index.select("[data-in]")  # no longer every facet on every card

    seen_pages = 0
    for nav in index.select(".kepu-facet"):
        facet = nav.select_one(".kepu-facet__name").get_text(strip=True)
        for link in nav.select("a[data-value]"):
            value = link.contents[0].strip()
            facet_url = site_path("/library/", link["href"])
            expected = {site.url_of_page[r.pk] for r in resources if value in facets[facet](r)}
            assert set(library_cards(site, facet_url)) == expected, (facet, value)
            assert int(link.span.get_text()) == len(expected)
            page = site.soup(facet_url)
            assert page.select_one('.kepu-facet a[aria-current="page"]').contents[0].strip() == value
            assert not page.select(".kepu-facet a span")  # counts only on /library/
            # The filter's membership: the value's members.json, ascending library places, each the
            # difference from the one before ([0, 3, 1] is 0, 3, 4), and the keys of the cards at those
            # places (4 characters each), by which the filter checks it shows the card meant.
            option = index.select_one(f'.kepu-filter__form option[value="{link["data-value"]}"]')
            members = json.loads((site.root / site_path("/library/", option["data-members"]).lstrip("/")).read_bytes())
            places = list(itertools.accumulate(members["n"]))
            assert places == sorted(set(places)), (facet, value)
            assert {resource_at[n] for n in places} == expected, (facet, value)
            keys = [members["k"][i:i + 4] for i in range(0, len(members["k"]), 4)]
            assert keys == [key_at[n] for n in places], (facet, value)
            seen_pages += 1
    assert seen_pages >= 4 + 4  # at least every kind and audience of the sample


def test_each_resource_shows_its_licence_and_institute(site):
    cards = library_cards(site)
    for resource in ResourcePage.objects.live().specific():
        url = site.url_of_page[resource.pk]
        rows = site.soup(url).select(".kepu-facts div")
        facts = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in rows}
        assert facts["贡献机构"] == resource.institute.name
        assert facts["许可协议"] == resource.get_licence_display()
        card = cards[url]  # on /library/ or on its archive page
        text = card.select_one(".kepu-card__facts").get_text()
        assert resource.institute.name in text and resource.get_licence_display() in text


def test_tag_pages_gather_pieces_across_programmes(site):
    cloud = site.soup("/tags/").select(".kepu-cloud a")
    assert cloud
    across = 0
    for link in cloud:
        url = site_path("/tags/", link["href"])
        pages = listing_urls(site, url)  # the tag's page and its archive pages, if it has any
        cards = [card for page in pages for card in site.soup(page).select(".kepu-card")]
        assert len(cards) == int(link.span.get_text())
        assert len({site_path(page, a["href"]) for page in pages
                    for a in site.soup(page).select(".kepu-card__title a")}) == len(cards)  # each piece once
        sections = {c.select_one(".kepu-card__kicker").get_text().split(" · ")[0] for c in cards}
        across += len(sections) > 1
    assert across  # some tag spans more than one programme


def test_canonical_and_open_graph_urls_are_absolute(site, parse):
    base = site.base_url.rstrip("/")
    for page in simplified_pages(site):
        if page.name == "404.html":
            continue
        soup = parse(page)
        url = "/" + page.relative_to(site.root).as_posix()[: -len("index.html")]
        canonical = soup.select_one('link[rel="canonical"]')["href"]
        assert canonical == base + quote(url), page
        assert soup.select_one('meta[property="og:url"]')["content"] == canonical
        assert soup.select_one('meta[property="og:title"]')["content"]
        image = soup.select_one('meta[property="og:image"]')
        if image is not None:
            assert image["content"].startswith(base + "/media/images/")
            assert (site.root / image["content"][len(base) + 1:]).is_file()
    story = site.soup("/gezhi-lundao/qian-xuesen/")
    assert story.select_one('meta[property="og:type"]')["content"] == "article"
    assert story.select_one('meta[property="og:image"]')


def test_404_robots_and_sitemap(site):
    missing = BeautifulSoup((site.root / "404.html").read_text("utf-8"), "html.parser")
    assert missing.html["lang"] == "zh-CN"
    assert missing.h1.get_text(strip=True) == "页面不存在"
    # Served at any address, so its links and assets are absolute paths.
    assert all(link["href"].startswith("/") for link in missing.select("link[rel=stylesheet]"))
    assert missing.select_one(".kepu-404 a")["href"].startswith("/")

    robots = (site.root / "robots.txt").read_text()
    assert f"Sitemap: {site.base_url}sitemap.xml" in robots
    locations = {loc.text for loc in ET.parse(site.root / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert site.base_url + "gezhi-lundao/qian-xuesen/" in locations
    assert site.base_url + "library/" in locations
    assert site.base_url + "library/page/1/" not in locations  # an archive page: its pieces are listed directly


def test_light_and_dark_schemes_and_system_fonts(site):
    soup = site.soup("/")
    schemes = {i["data-md-color-scheme"] for i in soup.select('form[data-md-component="palette"] input')}
    assert schemes == {"default", "slate"}
    css = (site.root / "assets" / "kepu.css").read_text()
    assert '"PingFang SC"' in css and '"Microsoft YaHei"' in css and '"Noto Sans CJK SC"' in css
    assert "@media print" in css


def test_nothing_is_fetched_from_another_host(site, parse):
    host = urlsplit(site.base_url).netloc
    for page in simplified_pages(site):
        soup = parse(page)
        assert not soup.select("iframe"), page  # no third-party player loads by itself
        urls = []
        for tag, attributes in FETCHING.items():
            for element in soup.find_all(tag):
                for attribute in attributes:
                    value = element.get(attribute) or ""
                    urls += [c.split()[0] for c in value.split(",") if c.strip()] if "srcset" in attribute else [value]
        for link in soup.find_all("link"):
            if FETCHING_LINK_RELS & set(link.get("rel") or []):
                urls.append(link["href"])
        for style in soup.find_all(style=True):
            urls += re.findall(r"url\(([^)]*)\)", style["style"])
        for url in filter(None, urls):
            netloc = urlsplit(url.strip("'\"")).netloc
            assert not netloc or netloc == host, (page, url)
    for sheet in site.root.rglob("*.css"):
        text = sheet.read_text("utf-8")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
            assert not urlsplit(url).netloc, (sheet, url)
    text = "\n".join(p.read_text("utf-8", errors="replace") for p in site.root.rglob("*")
                     if p.suffix in (".html", ".css"))
    for cdn in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in text


# In a real browser ---------------------------------------------------------------------------------

@pytest.fixture
def served(site):
    with serve_folder(site.root) as base:
        yield base


def open_page(browser, *, javascript=True, dark=False, width=360):
    from tests.browser import block_outside_requests

    blocked = []
    context = browser.new_context(viewport={"width": width, "height": 780}, java_script_enabled=javascript,
                                  color_scheme="dark" if dark else "light", locale="zh-CN")
    block_outside_requests(context, blocked)
    return context, context.new_page(), blocked


@pytest.mark.parametrize("dark", [False, True])
def test_pages_fit_a_phone_in_light_and_dark(site, served, browser, dark):
    context, page, blocked = open_page(browser, dark=dark)
    for url in ["", "gezhi-lundao/", "gezhi-lundao/qian-xuesen/", "gezhi-lundao/kexuejia-jingshen/yuanzihe/",
                "gezhi-lundao/xingkong-yinpin/", "library/", "library/page/1/", "tags/", "404.html"]:
        page.goto(served + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme == ("slate" if dark else "default"), url
    # Brand colours stay legible: the text on each programme's card contrasts with its colour.
    page.goto(served)
    for ratio in page.evaluate(CONTRAST):
        assert ratio >= 4.5
    context.close()
    assert blocked == []


CONTRAST = """() => [...document.querySelectorAll('.kepu-brand__link')].map(card => {
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const linear = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => [r, g, b].map(linear)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const style = getComputedStyle(card);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
})"""


def test_approved_institute_contributions_reach_the_site_and_drafts_do_not(site):
    from cms.core.sample_content import data

    approved = ResourcePage.objects.get(slug=data.CONTRIBUTED_APPROVED["slug"])
    draft = ResourcePage.objects.get(slug=data.CONTRIBUTED_DRAFT["slug"])
    area = ContributionAreaPage.objects.get(pk=approved.get_parent().pk)
    assert draft.get_parent().pk == area.pk and not draft.live

    url = site.url_of_page[approved.pk]
    assert url.startswith(site.url_of_page[area.pk])
    assert approved.title in site.soup(url).get_text()
    area_page = site.soup(site.url_of_page[area.pk])
    assert url in hrefs(site, site.url_of_page[area.pk], "article a[href]")
    assert area.institute.name in area_page.get_text()
    assert "投稿须知" not in area_page.get_text() and area.guidelines not in area_page.get_text()
    assert url in library_cards(site)  # on /library/ or on its archive page

    assert draft.pk not in site.url_of_page
    text = "\n".join(p.read_text("utf-8") for p in simplified_pages(site))
    assert draft.title not in text and draft.slug not in text


# Quality gates ------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LINKINATOR = NODE_MODULES / "linkinator" / "build" / "src" / "cli.js"


def require(path, what):
    if not path.is_file():
        raise RuntimeError(f"缺少 {what}（{path}）：请在项目根目录运行 npm ci。")


@pytest.fixture(scope="module")
def kinds(site):
    """The home page and one page of every kind, and the pages the theme adds."""
    return {**site.one_page_per_kind(), "404": "/404.html", "search": "/search/"}


def test_every_kind_of_page_is_checked(kinds):
    assert {"home", "programme", "story", "column", "column_article", "resource", "tag", "404",
            "event", "event_index", "campaign", "notice", "debunk", "debunk_index", "debunk_listing",
            "emergency_hub", "expert_directory", "expert", "integrity_section", "integrity_document",
            "archive"} <= set(kinds)  # archive: /library/page/1/


def test_event_pages_show_time_and_place_and_carry_event_json_ld(site):
    """The sample launch 报告会 and the weekly open day, as published: JSON-LD read from the HTML."""
    from tests.events.event_schema import problems_of

    def events_on(url):
        soup = site.soup(url)
        found = [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]
        return soup, [item for item in found if item.get("@type") == "Event"]

    soup, (launch,) = events_on("/kexue-yu-zhongguo/huodong/xuanchuanyue-qidong-2020/")
    assert problems_of(launch) == [] and launch["startDate"] == "2020-11-20T14:30:00+08:00"
    assert launch["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert "时间：2020年11月20日（星期五） 14:30–16:00（北京时间）" in soup.select_one("#kepu-main").get_text()
    replay = soup.select_one('#kepu-main a[href="https://example.org/replay/xuanchuanyue-2020"]')
    assert replay is not None and replay.get_text() == "回放"
    _soup, open_days = events_on("/kexue-dayuan/huodong/da-kexue-zhuangzhi-kaifangri-2021/")
    assert [e["startDate"][:10] for e in open_days] == ["2021-07-03", "2021-07-10", "2021-07-24", "2021-07-31"]
    assert all(problems_of(e) == [] for e in open_days)


# axe on one page, in one call. The reader's colour-scheme toggle changes the body's data-md-color-scheme
# and which of the palette form's two labels shows; the stylesheets key only colours on that attribute
# (custom properties, color, background-color, border-color …: SCHEME_STYLES below checks it on every
# run, and that no page holds an image Material shows in one scheme only). So a rule can only find
# something different in the other scheme when its outcome depends on colours: axe's rules tagged
# cat.color that it runs by default (color-contrast, link-in-text-block). Every rule runs in the scheme
# the page opens in, then the toggle is clicked and the colour rules run again; the scheme a page opens
# in is the one the reader left (Material keeps it in localStorage), so consecutive pages open in light
# and dark in turn and the palette's other label gets every rule too.
VIOLATIONS = """r => r.violations.map(v =>
    `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"""
AXE_RUN = f"() => axe.run(document, {{resultTypes: ['violations']}}).then({VIOLATIONS})"  # one page
AXE_BOTH_SCHEMES = f"""async () => {{
    const found = {VIOLATIONS};
    const scheme = () => document.body.getAttribute('data-md-color-scheme');
    const first = scheme();
    const all = await axe.run(document, {{resultTypes: ['violations']}});
    const colourIds = [...all.passes, ...all.violations, ...all.incomplete, ...all.inapplicable]
        .filter(r => r.tags.includes('cat.color')).map(r => r.id);
    const colourRules = [...new Set(colourIds)].sort();
    document.querySelector('form[data-md-component="palette"] label:not([hidden])').click();
    for (let frame = 0; scheme() === first; frame++) {{
        if (frame > 600) throw new Error('配色切换没有生效');
        await new Promise(requestAnimationFrame);
    }}
    const second = scheme();
    const colour = await axe.run(document, {{runOnly: {{type: 'rule', values: colourRules}},
                                              resultTypes: ['violations']}});
    return {{lang: document.documentElement.lang, colourRules, schemes: [first, second],
             violations: {{[first]: found(all), [second]: found(colour)}},
             oneSchemeImages: document.querySelectorAll('img[src*="#only-"], img[src*="-mode-only"]').length}};
}}"""
# The declarations the stylesheets make for one colour scheme only that are not colours (a shorthand
# like ``background: #3b1412`` sets its other longhands to their initial values).
COLOUR_PROPERTY = (r"^(--|color$|background(-color)?$|border(-(top|right|bottom|left))?-color$|outline-color$|"
                   r"fill$|stroke$|color-scheme$|caret-color$|accent-color$|text-decoration-color$)")
SCHEME_STYLES = """colour => {
    const other = [];
    const visit = rules => { for (const rule of rules) {
        if (rule.cssRules) visit(rule.cssRules);
        if (!rule.style || !(rule.selectorText || '').includes('data-md-color-scheme')) continue;
        for (const property of rule.style) {
            const initial = property.startsWith('background-') && rule.style.getPropertyValue(property) === 'initial';
            if (!new RegExp(colour).test(property) && !initial) other.push(`${rule.selectorText} { ${property} }`);
        }
    } };
    for (const sheet of document.styleSheets) visit(sheet.cssRules);
    return other;
}"""
# Material hides an image meant for one scheme in the other (no page holds one: checked on every page).
ONE_SCHEME_IMAGES = {
    f'[data-md-color-scheme="{scheme}"] img[src$="#gh-{other}-mode-only"], '
    f'[data-md-color-scheme="{scheme}"] img[src$="#only-{other}"] {{ display }}'
    for scheme, other in (("slate", "light"), ("default", "dark"))
}


def every_page(site, *, mirror=False):
    """Every page of the built site as a site path (/a/b/, /404.html), and a search with results: the
    Simplified site's, or the Traditional mirror's (/zh-hant/…)."""
    prefix, simplified = mirror_prefix(), simplified_pages(site)
    pages = sorted(set(site.pages()) - set(simplified)) if mirror else simplified
    paths = []
    for page in pages:
        rel = page.relative_to(site.root).as_posix()
        paths.append("/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel))
    search = f"/{prefix}/search/?q=" + quote("錢學森") if mirror else "/search/?q=" + quote("科学")
    return [*paths, search]


def axe_violations(browser, served, paths, *, width, lang="zh-CN", locale="zh-CN"):
    """{"path (scheme)": [violation]} for ``paths``, one after the other in one tab (on two busy cores
    more tabs are slower, measured): open the page, run axe (AXE_BOTH_SCHEMES), next page.

    Requests are watched, not routed (watch_outside_requests): with a route every page fetched and
    compiled the same stylesheets and scripts again (0.28 s more a page, of about 1.8, measured)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale,
                                  bypass_csp=True)  # axe is injected as an inline script
    context.add_init_script(path=str(AXE))
    blocked = []
    watch_outside_requests(context, blocked)
    page = context.new_page()
    report, checked, langs, colour_rules, images = {}, set(), set(), set(), 0
    try:
        for n, path in enumerate(paths):
            page.goto(served + path.lstrip("/"), wait_until="load")
            if "?q=" in path:
                page.locator(".kepu-search__result").first.wait_for()
            if n == 0:  # the colour rules are enough in the other scheme only while this holds
                other = set(page.evaluate(SCHEME_STYLES, COLOUR_PROPERTY)) - ONE_SCHEME_IMAGES
                assert not other, f"配色切换改变了颜色之外的样式：{sorted(other)}"
            result = page.evaluate(AXE_BOTH_SCHEMES)
            for scheme, violations in result["violations"].items():
                if violations:
                    report[f"{path} ({scheme})"] = violations
                checked.add((path, scheme))
            langs.add(result["lang"])
            colour_rules.add(tuple(result["colourRules"]))
            images += result["oneSchemeImages"]
    finally:
        context.close()
    assert blocked == [], f"页面请求了本机之外的地址：{blocked}"
    assert checked == {(path, s) for path in paths for s in ("default", "slate")}  # light and dark, every page
    assert colour_rules == {("color-contrast", "link-in-text-block")} and images == 0
    assert langs == {lang}
    return report


def test_axe_finds_no_violation_on_any_page_at_phone_width(browser, site, served):
    require(AXE, "axe-core")
    paths = every_page(site)
    assert len(paths) > 100  # every page of the sample site, not a few
    report = axe_violations(browser, served, paths, width=360)
    assert report == {}, json.dumps(report, ensure_ascii=False, indent=1)


def test_axe_finds_no_violation_on_the_traditional_twin_of_every_kind_at_phone_width(browser, site, kinds, served):
    """axe in the browser on the mirror's twin of one page per kind, the library and a search with
    results; the other mirror pages are their twins' in structure (the test below)."""
    require(AXE, "axe-core")
    prefix = mirror_prefix()
    paths = [f"/{prefix}{path}" for path in sorted(set(kinds.values()) | {"/library/"}) if path != "/search/"]
    paths.append(every_page(site, mirror=True)[-1])  # /zh-hant/search/?q=錢學森
    report = axe_violations(browser, served, paths, width=360, lang="zh-Hant-HK", locale="zh-HK")
    assert report == {}, json.dumps(report, ensure_ascii=False, indent=1)


def test_every_page_of_the_traditional_mirror_is_its_simplified_twin_but_for_conversion(site, parse):
    """Why axe's result on a Simplified page holds for its mirror twin: axe's rules read the elements,
    their order, roles and attributes, the styles their classes and the stylesheets give, ids and what
    refers to them, and whether there is text (a name, a label, a heading's content), not which
    characters it is in. Each mirror page has the same elements in the same order with the same
    attributes and the same stylesheets and scripts, byte for byte; only what conversion may change
    differs (tests/publish/twins.py names each): text, by blankness only, and two names equal on one page
    are equal on the other (landmark-unique); the language; addresses, by the mirror's prefix; ids, unique
    and referred to at the same places. Contrast at the same classes and the same styles is the same.
    What conversion could still change, the length of a text and so where a line wraps, is what the axe
    test above checks in the browser on the twin of every kind."""
    from cms.hant.models import MirrorSettings
    from cms.hant.profiles import language
    from tests.publish.twins import differences

    prefix, simplified = mirror_prefix(), simplified_pages(site)
    assert prefix and len(simplified) > 100  # the sample turns the mirror on
    mirror = [site.root / prefix / page.relative_to(site.root) for page in simplified]
    assert set(mirror) == set(site.pages()) - set(simplified)  # every mirror page has its twin and no more
    found, assets = {}, set()
    for hans, hant in zip(simplified, mirror, strict=True):
        rel = hans.relative_to(site.root).as_posix()
        url = "/" + rel.removesuffix("index.html")
        hant_soup = BeautifulSoup(hant.read_text("utf-8"), "html.parser")
        problems = differences(parse(hans), hant_soup, url, base_url=site.base_url, prefix=prefix,
                               language=language(MirrorSettings.load().profile))
        if problems:
            found[url] = problems
        assets |= {site_path(url, tag.get("href") or tag["src"])
                   for tag in parse(hans).select('link[rel="stylesheet"], script[src]')}
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
    # The same addresses with the mirror's prefix: the mirror's own copies, which must be the same files.
    different = [asset for asset in sorted(assets) if (site.root / asset.lstrip("/")).read_bytes()
                 != (site.root / prefix / asset.lstrip("/")).read_bytes()]
    assert assets and different == [], f"繁体版的样式表或脚本与简体版的不同：{different}"


def test_axe_finds_no_violation_on_one_page_per_kind_at_desktop_width(browser, kinds, served):
    require(AXE, "axe-core")
    paths = sorted(set(kinds.values())) + ["/library/", "/search/?q=" + quote("科学")]
    report = axe_violations(browser, served, paths, width=1280)
    assert report == {}, json.dumps(report, ensure_ascii=False, indent=1)


def test_nu_html_checker_reports_no_error(site, kinds):
    require(VNU, "vnu-jar")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("找不到 java：请安装 default-jre-headless。")
    files = []
    roots = [site.root] + ([site.root / mirror_prefix()] if mirror_prefix() else [])  # and the 繁体 twin
    for path in sorted(set(kinds.values())):
        rel = path.strip("/")
        for root in roots:
            file = root / rel if rel.endswith(".html") else root / rel / "index.html"
            assert file.is_file(), file
            files.append(str(file))
    assert len(files) == 2 * len(set(kinds.values()))  # the sample turns the mirror on
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).parent.name}: {m.get('message')} «{m.get('extract', '')}»"
              for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(errors)
    assert run.returncode == 0


def test_no_broken_link_or_anchor_in_the_whole_site(served):
    require(LINKINATOR, "linkinator")
    node = shutil.which("node")
    run = subprocess.run(
        [node, str(LINKINATOR), served, "--recurse", "--check-fragments", "--format", "json",
         # Only this site is checked: links to other hosts (sources, the canonical host) need the network.
         "--skip", "^(?!" + re.escape(served) + ")", "--concurrency", "8", "--timeout", "20000",
         "--retry-errors", "--retry-errors-count", "2"],  # a dropped connection is tried again, a 404 is not
        capture_output=True, text=True, timeout=600,
    )
    result = json.loads(run.stdout)
    checked = [link for link in result["links"] if link["state"] != "SKIPPED"]
    broken = [f"{link['url']} ← {link.get('parent')} ({link.get('status')})"
              for link in checked if link["state"] == "BROKEN"]
    assert broken == [], "\n".join(broken)
    assert len(checked) > 50, f"linkinator checked only {len(checked)} links: the crawl did not run"


# Reading with a browser: what the theme's scripts and styles do ------------------------------------

def test_no_page_fetches_a_sitemap_or_logs_an_error(site, served, browser):
    """Material's bundle took the RSS links for other languages of the site and fetched sitemap.xml
    beside each (/gezhi-lundao/sitemap.xml: a 404 and a console error on every programme page)."""
    context, page, blocked = open_page(browser)
    requested, errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for url in ["", "gezhi-lundao/", "gezhi-lundao/qian-xuesen/"]:
        page.goto(served + url, wait_until="networkidle")
        feeds = page.locator('link[type="application/rss+xml"]')
        assert feeds.count() == (1 if url == "" else 2), url  # the feeds are still announced
        assert all("alternate" in (feeds.nth(i).get_attribute("rel") or "").split() for i in range(feeds.count()))
    context.close()
    assert [url for url in requested if url.endswith("sitemap.xml")] == []
    assert errors == [] and blocked == []


def test_more_results_shows_only_when_there_are_more(site, served, browser):
    context, page, blocked = open_page(browser)
    more = page.get_by_role("button", name="显示更多结果")
    page.goto(served + "search/?q=" + quote("没有这个词语的页面"))
    # The first search of a tab loads the index: on CI's two busy legs longer than Playwright's 5 s.
    expect(page.locator(".kepu-search__status")).to_have_text("没有找到包含“没有这个词语的页面”的内容。",
                                                               timeout=30_000)
    expect(more).to_be_hidden()

    story = StoryPage.objects.get(slug="qian-xuesen")
    page.goto(served + "search/?q=" + quote(story.title))
    expect(page.locator(".kepu-search__status")).to_have_text(re.compile(r"^找到 \d+ 个结果。$"), timeout=30_000)
    assert 1 <= page.locator(".kepu-search__result").count() <= 10
    expect(more).to_be_hidden()

    page.goto(served + "search/?q=" + quote("科学"))
    expect(page.locator(".kepu-search__result")).to_have_count(10, timeout=30_000)
    expect(more).to_be_visible()
    more.click()
    expect(page.locator(".kepu-search__result")).to_have_count(20)
    context.close()
    assert blocked == []


def test_the_skip_link_leads_to_the_start_of_the_content_on_every_page(site, served, browser, parse):
    for path in simplified_pages(site):
        soup = parse(path)
        links = [a for a in soup.select("a.md-skip") if not a.find_parent(attrs={"data-md-component": "skip"})]
        assert [a["href"] for a in links] == ["#kepu-main"], path
        main = soup.select_one("#kepu-main")
        assert main is not None and main.find("h1") is not None, path  # the title is inside what it leads to

    context, page, blocked = open_page(browser)
    page.goto(served + "gezhi-lundao/qian-xuesen/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳转至正文"
    assert page.locator("a.md-skip:focus").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "kepu-main"
    title = StoryPage.objects.get(slug="qian-xuesen").title
    assert page.evaluate("document.activeElement.querySelector('h1').textContent.trim()") == title
    context.close()
    assert blocked == []


LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_library_does_not_move_when_its_filter_starts(site, served, browser, width):
    context, page, blocked = open_page(browser, width=width)
    page.goto(served + "library/", wait_until="load")
    expect(page.get_by_label("类型", exact=True)).to_be_visible()
    # Nothing a reader sees moves. Under load Chromium has reported a score of 1.7e-05 once (a sub-pixel
    # rounding while the page loads); a filter that pushed the cards down by even a few pixels would score
    # well above a thousandth (the score is the moved area's share of the viewport times the distance's).
    assert page.evaluate(LAYOUT_SHIFT) < 0.001
    context.close()
    assert blocked == []


def test_navigation_landmarks_have_distinct_names_at_desktop_width(site, served, browser):
    context, page, blocked = open_page(browser, width=1280)
    page.goto(served + "gezhi-lundao/qian-xuesen/")
    names = page.evaluate("""() => [...document.querySelectorAll('nav')]
        .filter(n => n.checkVisibility()).map(n => n.getAttribute('aria-label'))""")
    assert "标签" in names and len(names) == len(set(names)), names
    context.close()
    assert blocked == []


def test_every_page_says_its_language_and_the_home_page_describes_the_site(site, parse):
    home = site.soup("/")
    assert home.html["lang"] == "zh-CN"
    description = home.select_one('meta[name="description"]')["content"]
    assert description == "科学家的故事、学风传承专栏和科普资源，按品牌项目汇集。"
    for page in simplified_pages(site):
        soup = parse(page)
        assert soup.html["lang"] == "zh-CN", page


def structured_data(soup):
    return {data["@type"]: data for data in
            (json.loads(script.string) for script in soup.select('script[type="application/ld+json"]'))}


def test_pieces_carry_an_article_and_breadcrumbs_as_structured_data(site, parse):
    story = StoryPage.objects.get(slug="qian-xuesen")
    url = site.url_of_page[story.pk]
    data = structured_data(site.soup(url))
    article = data["Article"]
    base = site.base_url.rstrip("/")
    assert article["headline"] == story.title and article["mainEntityOfPage"] == base + url
    assert article["description"] == story.summary and article["about"] == {"@type": "Person", "name": "钱学森"}
    assert article["image"].startswith(base + "/media/images/") and article["datePublished"]
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["首页", story.programme.title, story.title]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert [c["item"] for c in crumbs] == [base + "/", base + site.url_of_page[story.programme.pk], base + url]

    # Text stays text in JSON too: a title with markup characters comes out as the same characters.
    for page in simplified_pages(site):
        for found in structured_data(parse(page)).values():
            assert "&amp;" not in json.dumps(found, ensure_ascii=False), page
    assert structured_data(site.soup("/")) == {}


# Headings, asset names, go-live order, contribution areas, modes ----------------------------------

def pieces_by_go_live(site):
    """Site paths of the live stories, articles, resources, events, debunks and integrity documents (not
    contribution areas or lists, not retracted pieces), the last to go live first: by the second it went
    live in the site's time zone, then by path (the later first)."""
    from cms.events.models import EventPage

    pages = [p for p in Page.objects.live().type(StoryPage, ColumnArticlePage, ResourcePage, EventPage, DebunkPage,
                                                   IntegrityDocumentPage).specific()
             if not getattr(p, "retracted", False)]
    key = {p.pk: (timezone.localtime(p.first_published_at).replace(microsecond=0), site.url_of_page[p.pk])
           for p in pages}
    return [key[pk][1] for pk in sorted(key, key=key.get, reverse=True)]


def test_headings_have_ids_that_say_what_they_are(site, parse):
    story = StoryPage.objects.get(title=FRESH_TITLE)
    soup = site.soup(site.url_of_page[story.pk])
    assert [h["id"] for h in soup.select(".kepu-body h2")] == ["早年求学", "回到祖国"]
    for page in simplified_pages(site):
        found = [tag["id"] for tag in parse(page).select("[id]")]
        assert not [i for i in found if re.fullmatch(r"_\d+", i)], page  # Python-Markdown's toc for Chinese


def test_theme_assets_are_named_by_their_content_and_cached_for_good(site, parse):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    forever = re.search(r'location ~ "(\^[^"]*/assets/[^"]+)"\s*{\s*expires max;', conf).group(1)
    seen = set()
    for page in simplified_pages(site):
        soup = parse(page)
        url = "/" + posixpath.dirname(page.relative_to(site.root).as_posix()) + "/"  # the page's folder
        url = url.replace("//", "/")
        refs = [link["href"] for link in soup.select("link[rel=stylesheet]")]
        refs += [script["src"] for script in soup.select("script[src]")]
        for ref in refs:
            path = site_path(url, ref)
            if "/assets/kepu" in path:
                assert re.search(forever, path), f"{path} ({page}) 未带内容摘要，却会被缓存一天"
                named = site.root / path.lstrip("/")
                digest = re.search(r"\.([0-9a-f]{8})\.min\.", path).group(1)
                assert hashlib.sha256(named.read_bytes()).hexdigest()[:8] == digest, path
                seen.add(re.sub(r"\.[0-9a-f]{8}\.min", "", path))
    assert seen == {"/assets/kepu.css", "/assets/kepu-search.css", "/assets/kepu-search.js",
                    "/assets/kepu-library.js", "/assets/kepu-copy.js", "/assets/kepu-events.js"}


def test_latest_on_the_home_page_is_what_went_live_last(site):
    cards = site.soup("/").find("h2", string="最新内容").find_next("ul").select(".kepu-card__title a")
    shown = [site_path("/", a["href"]) for a in cards]
    assert shown[0] == site.url_of_page[StoryPage.objects.get(title=FRESH_TITLE).pk]
    assert shown == pieces_by_go_live(site)[:12]
    areas = {site.url_of_page[a.pk] for a in ContributionAreaPage.objects.live()}
    assert areas and not areas & set(shown)


def test_programme_totals_count_content_not_contribution_areas(site):
    counts = {c.select_one(".kepu-brand__name").get_text(strip=True): c.select_one(".kepu-brand__count")
              for c in site.soup("/").select(".kepu-brand")}
    # 17 children: the sample's 11 pieces, the fresh story and 5 机构投稿区, which are no content.
    assert int(counts["中国科普博览"].contents[0].strip()) == 12
    for programme in ProgrammePage.objects.live():
        children = programme.get_children().live().not_type(ContributionAreaPage, EventIndexPage, NoticePage)
        children = sum(not getattr(child, "retracted", False) for child in children.specific())  # 撤稿: no content
        count = counts[programme.title]
        assert count is not None and int(count.contents[0].strip()) == children, programme.title


def test_feeds_are_newest_first_by_go_live_time(site):
    base = site.base_url.rstrip("/")
    channel = ET.parse(site.root / "feed.xml").getroot().find("channel")
    assert channel.findtext("language") == "zh-CN"
    links = [item.findtext("link") for item in channel.iter("item")]
    assert links == [base + url for url in pieces_by_go_live(site)[:50]]
    fresh = StoryPage.objects.get(title=FRESH_TITLE)
    programme_feed = site.root / site.url_of_page[fresh.get_parent().pk].strip("/") / "feed.xml"
    first = ET.parse(programme_feed).getroot().find("channel/item")
    assert first.findtext("link") == base + site.url_of_page[fresh.pk]
    went_live = timezone.localtime(fresh.first_published_at)
    assert first.findtext("pubDate") == went_live.strftime("%a, %d %b %Y %H:%M:%S +0800")  # not midnight


def test_verification_refuses_a_file_the_web_server_cannot_read(site, tmp_path):
    manifest = json.loads((site.root.parent / "manifest.json").read_text("utf-8"))
    copy = tmp_path / "site"
    shutil.copytree(site.root, copy)
    before = verify.verify(copy, manifest, site_url=site.base_url).problems
    os.chmod(copy / "gezhi-lundao" / "index.html", 0o600)
    os.chmod(copy / "search", 0o700)
    problems = [p for p in verify.verify(copy, manifest, site_url=site.base_url).problems if p not in before]
    assert problems == ["网页服务器读不到：gezhi-lundao/index.html（文件应为 0644、文件夹 0755）",
                        "网页服务器读不到：search/（文件应为 0644、文件夹 0755）"], problems
