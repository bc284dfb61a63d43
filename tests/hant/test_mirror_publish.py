"""The Traditional mirror in the publish step, on a small tree: an approval updates both scripts and
converts only what changed; a new word pair rebuilds the mirror in full and leaves the Simplified
site as it was; verification covers the mirror; a chief editor gives it a host of its own."""

import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cms.hant.models import MirrorSettings, TermPair
from cms.publish import swap, verify
from cms.publish.pipeline import publish
from tests.conftest import make_story
from tests.publish.trees import folders  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("folders")


def site():
    return Path(os.path.realpath(swap.site_link()))


def title(rel):
    return lxml_html.fromstring((site() / rel / "index.html").read_bytes()).findtext(".//h1")


def inode(rel):
    return (site() / rel).stat().st_ino


@pytest.fixture
def mirror_on(db):
    settings = MirrorSettings.load()
    settings.enabled, settings.profile, settings.prefix = True, "s2hk", "zh-hant"
    settings.save()


def test_an_approval_updates_both_scripts_and_a_new_pair_rebuilds_the_mirror(mirror_on, programme, converted):
    story = make_story(programme, title="软件与信息", slug="ruanjian")
    make_story(programme, title="钱学森：中国航天之父", slug="qian-xuesen")
    publish(full=True)
    assert (title("gezhi-lundao/ruanjian"), title("zh-hant/gezhi-lundao/ruanjian")) == ("软件与信息", "軟件與信息")
    assert "/gezhi-lundao/qian-xuesen/" in converted

    # An editor approves a new title: both scripts change; the other story is not converted again.
    converted.clear()
    story.title = "软件与信息：新版"
    story.save_revision().publish()
    result = publish()
    assert result.incremental
    assert title("gezhi-lundao/ruanjian") == "软件与信息：新版"
    assert title("zh-hant/gezhi-lundao/ruanjian") == "軟件與信息：新版"
    assert "/gezhi-lundao/ruanjian/" in converted and "/gezhi-lundao/qian-xuesen/" not in converted

    # Nothing changed: nothing converted, nothing built.
    converted.clear()
    assert publish().up_to_date and converted == []

    # A word pair: the mirror is converted and built again in full; the Simplified site is not rebuilt.
    css = next(p.relative_to(site()).as_posix() for p in (site() / "assets").glob("kepu.*.min.css"))
    kept = {rel: inode(rel) for rel in (css, "gezhi-lundao/qian-xuesen/index.html")}
    mirror_css, mirror_page = f"zh-hant/{css}", "zh-hant/gezhi-lundao/qian-xuesen/index.html"
    before = {rel: inode(rel) for rel in (mirror_css, mirror_page)}
    TermPair.objects.create(term="软件", conversion="軟體", region="")
    result = publish()
    assert result.incremental and result.changes.count == 0
    assert title("zh-hant/gezhi-lundao/ruanjian") == "軟體與信息：新版"
    assert title("gezhi-lundao/ruanjian") == "软件与信息：新版"
    assert {rel: inode(rel) for rel in kept} == kept
    assert all(inode(rel) != number for rel, number in before.items())
    assert "/gezhi-lundao/qian-xuesen/" in converted


def test_verification_covers_the_mirror(mirror_on, programme):
    make_story(programme, title="钱学森：中国航天之父", slug="qian-xuesen")
    publish(full=True)
    live = swap.live()
    assert verify.verify(live.dir / "site", live.manifest, site_url="http://127.0.0.1:8001/").ok
    (live.dir / "site/zh-hant/gezhi-lundao/qian-xuesen/index.html").unlink()
    problems = verify.verify(live.dir / "site", live.manifest, site_url="http://127.0.0.1:8001/").problems
    assert "繁体站清单中的 gezhi-lundao/qian-xuesen.md 没有生成页面" in problems
    switch = "/zh-hant/gezhi-lundao/qian-xuesen/"  # the Simplified page's 繁體 link
    assert f"gezhi-lundao/qian-xuesen/index.html 中的链接 {switch} 指向不存在的文件" in problems


def test_a_chief_editor_puts_the_mirror_on_a_host_of_its_own(client, users, programme):
    from django.urls import reverse

    from cms.hant.mirror import load

    client.force_login(users["chief"])
    url = reverse("wagtailsettings:edit", args=["hant", "mirrorsettings", MirrorSettings.load().pk])
    response = client.post(url, {"enabled": "on", "profile": "s2hk", "prefix": "", "host": "https://hk.kepu.example/"})
    assert response.status_code == 302
    mirror = load()
    assert (mirror.host, mirror.prefix, mirror.folder) == ("https://hk.kepu.example/", "", "_zh-hant")
    assert (mirror.base_url("http://127.0.0.1:8001/"), mirror.url("/a/b/")) == ("https://hk.kepu.example/", "/a/b/")
