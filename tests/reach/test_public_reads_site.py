"""Public 阅读量 as the reader sees it, on a minimal site published once for the module: with the
setting off (as it ships) no page carries a count; switched on, each piece shows its count in the
page tools (12,345; 10万+ above 100,000), lists do not, and the WeChat copy leaves it out."""

import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.test import override_settings

from cms.core.models import HomePage
from cms.programmes.models import ProgrammePage
from cms.publish.pipeline import publish
from cms.reach.models import PageReads, ReachSettings
from cms.reach.wechat import article_for
from tests.conftest import make_story
from tests.reach.conftest import LOGS, STORY, ingest

pytestmark = pytest.mark.django_db

DENG, HUANG = "/gezhi-lundao/deng-jiaxian/", "/gezhi-lundao/huang-danian/"
LISTS = ["/", "/gezhi-lundao/", "/tags/力学/"]


def site_texts(site):
    """{path: text} of every text file of the built site."""
    return {path.relative_to(site).as_posix(): path.read_text("utf-8")
            for path in Path(site).rglob("*") if path.suffix in (".html", ".xml", ".json", ".txt", ".md")}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reads-site")
    site = folder / "site"
    with django_db_blocker.unblock(), override_settings(
            KEPU_CONTENT_DIR=folder / "content", KEPU_SITE_DIR=site, KEPU_BUILDS_DIR=folder / "builds"):
        with transaction.atomic():
            programme = ProgrammePage(title="格致论道", slug="gezhi-lundao", tagline="讲述科学的故事",
                                      introduction="<p>科学文化讲坛。</p>", home_order=1)
            HomePage.objects.get().add_child(instance=programme)
            programme.save_revision().publish()
            story = make_story(programme, slug="qian-xuesen")
            story.tags.add("力学")
            story.save_revision().publish()
            for title, slug, views in (("邓稼先", "deng-jiaxian", 12_345), ("黄大年", "huang-danian", 100_001)):
                page = make_story(programme, title=title, slug=slug, scientist_name=title)
                PageReads.objects.create(day=datetime.date(2026, 3, 9), path=f"/gezhi-lundao/{slug}/", page=page,
                                         views=views, visitors=views // 2)
            ingest(LOGS / "access.log.2", LOGS / "access.log.1")  # the story: 6 views (test_ingest.EXPECTED)
            publish(full=True)
            off = site_texts(folder / "content") | site_texts(site)
            setting = ReachSettings.load()
            setting.show_reads = True
            setting.save()
            publish()
            on = {url: BeautifulSoup((site / url.strip("/") / "index.html").read_text("utf-8"), "html.parser")
                  for url in [STORY, DENG, HUANG, *LISTS]}
            wechat = article_for(story)
            yield {"off": off, "on": on, "wechat": wechat, "content": folder / "content"}
            transaction.set_rollback(True)


def shown(page):
    found = page.select(".kepu-tools__reads")
    return found[0].get_text() if found else None


def test_with_the_setting_off_no_page_carries_a_count(built):
    assert built["off"] and ReachSettings._meta.get_field("show_reads").default is False
    carrying = [path for path, text in built["off"].items()
                if "阅读量" in text or "kepu-tools__reads" in text or "\nreads:" in text]
    assert carrying == []


def test_switched_on_each_piece_shows_its_count(built):
    assert shown(built["on"][STORY]) == "阅读量 6"  # 4 + 2 views in the fixture logs
    assert shown(built["on"][DENG]) == "阅读量 12,345"
    assert shown(built["on"][HUANG]) == "阅读量 10万+"
    for url in LISTS:
        assert shown(built["on"][url]) is None, url


def test_the_wechat_copy_does_not_carry_the_count(built):
    assert shown(built["on"][STORY]) == "阅读量 6"
    assert "阅读量" not in built["wechat"].html and "钱学森" in built["wechat"].html
