"""What readers get that needs cms/publish/{build,generate,verify}.py (issue 12, Readers): meaningful
heading ids, fingerprinted theme assets, 最新内容 and feeds by go-live time without contribution areas,
and verification refusing a file the web server cannot read.

Written against the built sample site before those changes: the lead enables this module once they
are applied (see the readers branch's report). Until then these tests fail, saying what is missing.
"""

import os
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from cms.columns.models import ColumnArticlePage
from cms.programmes.models import ProgrammePage
from cms.publish import verify
from cms.publish.pipeline import publish
from cms.resources.models import ContributionAreaPage, ResourcePage
from cms.stories.models import StoryPage
from tests.conftest import make_story
from tests.public_site import sample_site
from tests.test_publish_site_pages import site_path

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
FRESH_TITLE = "刚刚通过终审的故事"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The sample site, then one more story approved after all of it (in the last programme)."""
    folder = tmp_path_factory.mktemp("readers-pending")
    with django_db_blocker.unblock(), sample_site(folder) as built:
        programme = ProgrammePage.objects.live().order_by("-home_order", "-path").first()
        body = "<h2>早年求学</h2><p>他在上海读书。</p><h2>回到祖国</h2><p>1955 年。</p>"
        story = make_story(programme, title=FRESH_TITLE, slug="gang-gang-tongguo", body=[("paragraph", body)])
        publish()
        built = replace(built, root=Path(os.path.realpath(folder / "site")))
        built.url_of_page[story.pk] = "/" + programme.slug + "/" + story.slug + "/"
        yield built


def pieces_by_go_live():
    """Live stories, articles and resources, the last to go live first (not contribution areas)."""
    pages = Page.objects.live().type(StoryPage, ColumnArticlePage, ResourcePage)
    return list(pages.order_by("-first_published_at", "-path"))


def test_headings_have_ids_that_say_what_they_are(site):
    story = StoryPage.objects.get(title=FRESH_TITLE)
    soup = site.soup(site.url_of_page[story.pk])
    ids = [h["id"] for h in soup.select(".kepu-body h2")]
    assert len(ids) == 2 and len(set(ids)) == 2
    for heading_id in ids:
        assert not re.fullmatch(r"_\d+", heading_id), ids  # Python-Markdown's toc for Chinese text
    for page in site.pages():
        found = [tag["id"] for tag in BeautifulSoup(page.read_text("utf-8"), "html.parser").select("[id]")]
        assert not [i for i in found if re.fullmatch(r"_\d+", i)], page


def test_theme_assets_are_named_by_their_content_and_cached_for_good(site):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    forever = re.search(r'location ~ "(\^/assets/[^"]+)"\s*{\s*expires max;', conf).group(1)
    seen = set()
    for page in site.pages():
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        url = "/" + page.relative_to(site.root).as_posix()
        refs = [link["href"] for link in soup.select("link[rel=stylesheet]")]
        refs += [script["src"] for script in soup.select("script[src]")]
        for ref in refs:
            path = site_path(url, ref)
            if "/assets/kepu" in path:
                assert re.search(forever, path), f"{path} ({page}) 未带内容摘要，却会被缓存一天"
                assert (site.root / path.lstrip("/")).is_file()
                seen.add(path)
    assert len({re.sub(r"\.[0-9a-f]{8,}", "", p) for p in seen}) >= 3  # kepu.css, kepu-search.css/js, kepu-library.js


def test_latest_on_the_home_page_is_what_went_live_last(site):
    cards = site.soup("/").find("h2", string="最新内容").find_next("ul").select(".kepu-card__title a")
    shown = [site_path("/", a["href"]) for a in cards]
    expected = [site.url_of_page[p.pk] for p in pieces_by_go_live()[:12]]
    assert shown[0] == site.url_of_page[StoryPage.objects.get(title=FRESH_TITLE).pk]
    assert shown == expected
    areas = {site.url_of_page[a.pk] for a in ContributionAreaPage.objects.live()}
    assert areas and not areas & set(shown)


def test_programme_totals_count_content_not_contribution_areas(site):
    counts = {c.select_one(".kepu-brand__name").get_text(strip=True): c.select_one(".kepu-brand__count")
              for c in site.soup("/").select(".kepu-brand")}
    for programme in ProgrammePage.objects.live():
        children = programme.get_children().live().not_type(ContributionAreaPage).count()
        count = counts[programme.title]
        assert count is not None and int(count.contents[0].strip()) == children, programme.title


def test_feeds_are_newest_first_by_go_live_time(site):
    base = site.base_url.rstrip("/")
    links = [item.findtext("link") for item in ET.parse(site.root / "feed.xml").getroot().iter("item")]
    assert links == [base + site.url_of_page[p.pk] for p in pieces_by_go_live()[:50]]
    fresh = StoryPage.objects.get(title=FRESH_TITLE)
    programme_feed = site.root / site.url_of_page[fresh.get_parent().pk].strip("/") / "feed.xml"
    first = ET.parse(programme_feed).getroot().find("channel/item")
    assert first.findtext("link") == base + site.url_of_page[fresh.pk]
    assert not first.findtext("pubDate").endswith("00:00:00 +0800")  # the time it went live, not midnight


def test_verification_refuses_a_file_the_web_server_cannot_read(site, tmp_path):
    import json

    manifest = json.loads((site.root.parent / "manifest.json").read_text("utf-8"))
    copy = tmp_path / "site"
    shutil.copytree(site.root, copy)
    before = verify.verify(copy, manifest, site_url=site.base_url, check_live=False)
    os.chmod(copy / "gezhi-lundao" / "index.html", 0o600)
    os.chmod(copy / "search", 0o700)
    problems = [p for p in verify.verify(copy, manifest, site_url=site.base_url, check_live=False) if p not in before]
    assert any("gezhi-lundao/index.html" in p for p in problems), problems
    assert any("search/" in p for p in problems), problems
