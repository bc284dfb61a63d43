"""A warm worker's approval costs the change, not the site: one story's title edited through a revision,
the export step (plan → render → generate → write) signs, checks read by read, assembles and finishes as
many pages whether the site holds a few stories or twice as many, and its content/ is byte for byte what
a cold export of the same pages writes."""

import datetime
import hashlib
import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cms.core.models import SiteSettings
from cms.publish import generate, listings, pages, render
from cms.publish.pipeline import export
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders", "one_day")]


@pytest.fixture
def one_day(monkeypatch):
    """The whole test happens within one afternoon (Asia/Shanghai), whatever the clock says: an approval
    on the next day would change the story's 更新日期 (its sitemap.xml ``lastmod``) and rightly make a
    new sitemap. Each reading of the clock is a millisecond after the one before."""
    start = datetime.datetime(2026, 6, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    ticks = itertools.count()
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(milliseconds=next(ticks)))


@pytest.fixture
def work(monkeypatch):
    """Counts of the work the export does, by kind."""
    seen = {}

    def counting(owner, name, kind):
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            seen[kind] = seen.get(kind, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    monkeypatch.setattr(pages, "hashlib", SimpleNamespace(sha1=counted_sha1(seen)))
    counting(render.RenderCache, "lookup", "documents checked read by read")
    counting(render, "group_name", "documents assembled")
    counting(generate, "_finish", "front matters made")
    counting(listings, "paged", "listings paged")
    counting(generate, "feed", "feeds made")
    counting(generate, "sitemap", "sitemaps made")
    return seen


def counted_sha1(seen):
    """hashlib.sha1 counting its calls: the rows ``pages.public_rows`` signs."""

    def sha1(data):
        seen["rows signed"] = seen.get("rows signed", 0) + 1
        return hashlib.sha1(data)

    return sha1


def add_stories(programme, numbers):
    for number in numbers:
        story = make_story(programme, title=f"故事{number}", slug=f"s{number}")
        story.tags.add("地质", f"标签{number}")
        story.save_revision().publish()


def approval_work(settings, state, story, work, title):
    """The work counted while a warm worker exports after ``story``'s title is changed through a revision."""
    story.title = title
    story.save_revision().publish()
    work.clear()
    export(Path(settings.KEPU_CONTENT_DIR), SiteSettings.load(), state)
    return dict(work)


def test_a_title_edit_costs_as_much_at_twice_the_pages_and_exports_what_a_cold_export_does(
        settings, programme, work, tmp_path):
    settings.KEPU_LISTING_PAGE_SIZE = 2
    add_stories(programme, range(1, 5))
    story = programme.get_children().specific().get(slug="s1")
    state = PublishState(restored=True)
    export(Path(settings.KEPU_CONTENT_DIR), SiteSettings.load(), state)
    approval_work(settings, state, story, work, "故事一")  # (the worker's memo of its last render settles)

    small = approval_work(settings, state, story, work, "故事壹")
    add_stories(programme, range(5, 13))
    export(Path(settings.KEPU_CONTENT_DIR), SiteSettings.load(), state)
    approval_work(settings, state, story, work, "故事一")
    large = approval_work(settings, state, story, work, "故事壹")

    assert large == small
    assert small["rows signed"] == 2  # the story's row (whole, and its content): the others read as they were
    assert small["documents assembled"] <= 2  # the story's, and its programme's (which lists it)
    assert "sitemaps made" not in small, small  # a title is not in sitemap.xml: the last one's bytes serve

    cold = tmp_path / "cold"
    settings.KEPU_CONTENT_DIR = cold
    export(cold, SiteSettings.load(), PublishState(restored=True))
    assert snapshot(tmp_path / "content") == snapshot(cold)
