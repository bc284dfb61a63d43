"""The Traditional mirror on a host of its own (繁体站设置 → 独立域名), on a small tree: its pages are built
into a folder of the same build (the mirror host's web root) and go live with the Simplified site by the
one rename; its URLs, canonical links, sitemap, feeds and robots.txt are on its host; hreflang and the
language switch link across the two hosts, and verification follows those links."""

import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cms.hant.models import MirrorSettings
from cms.publish import swap, verify
from cms.publish.paths import MIRROR_HOST_DIR
from cms.publish.pipeline import publish
from tests.conftest import make_story
from tests.publish.trees import folders  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("folders")

SIMPLIFIED, HOST = "http://127.0.0.1:8001", "https://hk.kepu.example"
PAGE = "gezhi-lundao/ruanjian/"


def site():
    return Path(os.path.realpath(swap.site_link()))


def page(rel, root=None):
    return lxml_html.fromstring(((root or site()) / rel / "index.html").read_bytes())


def links(tree):
    """What a reader and a search engine follow to the other script: hreflang pairs and the switch."""
    return ({link.get("hreflang"): link.get("href") for link in tree.xpath("//head/link[@hreflang]")},
            tree.xpath("//a[contains(@class, 'kepu-script-switch')]/@href"))


@pytest.fixture
def mirror_host(db):
    settings = MirrorSettings.load()
    settings.enabled, settings.profile, settings.prefix, settings.host = True, "s2hk", "zh-hant", HOST + "/"
    settings.save()


def test_the_mirror_on_its_own_host_goes_live_with_the_site_and_links_across(mirror_host, programme):
    story = make_story(programme, title="软件与信息", slug="ruanjian")
    publish(full=True)
    mirror = site() / MIRROR_HOST_DIR
    assert not (site() / "zh-hant").exists()
    assert (page(PAGE).findtext(".//h1"), page(PAGE, mirror).findtext(".//h1")) == ("软件与信息", "軟件與信息")

    # hreflang and the switch: absolute, each to the same piece on the other host.
    pair = {"zh-Hans": f"{SIMPLIFIED}/{PAGE}", "zh-Hant-HK": f"{HOST}/{PAGE}", "x-default": f"{SIMPLIFIED}/{PAGE}"}
    assert links(page(PAGE)) == (pair, [f"{HOST}/{PAGE}"])
    assert links(page(PAGE, mirror)) == (pair, [f"{SIMPLIFIED}/{PAGE}"])
    assert page(PAGE, mirror).xpath("//link[@rel='canonical']/@href") == [f"{HOST}/{PAGE}"]
    assert page("", mirror).xpath("//html/@lang") == ["zh-Hant-HK"]

    # Sitemap, feed and robots.txt of the mirror name its host; its own 404 page and search index.
    sitemap = (mirror / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{HOST}/{PAGE}</loc>" in sitemap and SIMPLIFIED not in sitemap
    feed = (mirror / "feed.xml").read_text("utf-8")
    assert f"<link>{HOST}/{PAGE}</link>" in feed and "<language>zh-Hant-HK</language>" in feed
    assert f"Sitemap: {HOST}/sitemap.xml" in (mirror / "robots.txt").read_text("utf-8")
    missing = lxml_html.fromstring((mirror / "404.html").read_bytes())
    assert missing.xpath("//html/@lang") == ["zh-Hant-HK"] and "頁面" in missing.text_content()
    assert (mirror / "search" / "shards.json").is_file()

    # An approval: both scripts change in the next build, which the one site/ link makes live for both.
    before = swap.live()
    story.title = "软件与信息：新版"
    story.save_revision().publish()
    assert publish().incremental
    after = swap.live()
    assert after.id != before.id
    assert page(PAGE, site() / MIRROR_HOST_DIR).findtext(".//h1") == "軟件與信息：新版"
    assert Path(os.path.realpath(swap.site_link() / MIRROR_HOST_DIR)) == after.dir / "site" / MIRROR_HOST_DIR
    kept = before.dir / "site"  # the build before: both scripts as they were (rollback takes both back)
    assert (page(PAGE, kept).findtext(".//h1"), page(PAGE, kept / MIRROR_HOST_DIR).findtext(".//h1")) == (
        "软件与信息", "軟件與信息")


def test_verification_follows_the_links_between_the_two_hosts(mirror_host, programme):
    make_story(programme, title="钱学森：中国航天之父", slug="qian-xuesen")
    publish(full=True)
    live = swap.live()
    assert verify.verify(live.dir / "site", live.manifest, site_url=SIMPLIFIED + "/").ok
    (live.dir / "site" / MIRROR_HOST_DIR / "gezhi-lundao/qian-xuesen/index.html").unlink()
    problems = verify.verify(live.dir / "site", live.manifest, site_url=SIMPLIFIED + "/").problems
    assert "繁体站清单中的 gezhi-lundao/qian-xuesen.md 没有生成页面" in problems
    switch = f"{HOST}/gezhi-lundao/qian-xuesen/"  # the Simplified page's 繁體 link, to the mirror's host
    assert f"gezhi-lundao/qian-xuesen/index.html 中的链接 {switch} 指向不存在的文件" in problems
