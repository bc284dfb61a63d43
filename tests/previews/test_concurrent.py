"""Views at the same time: each is served and logged, and the draft is built once."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageLogEntry

from cms.core.models import SiteSettings
from cms.previews import builds
from cms.previews.document import render_draft
from cms.reach.models import ReachSettings

VIEWERS = 4


def running_site_settings():
    """The settings rows a running site has (its first request creates them, once in its life; four
    first requests creating them at once would collide on SQLite's in-memory test database)."""
    SiteSettings.load()
    ReachSettings.load()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_views_of_one_link_are_each_served_and_logged(draft_story, link_and_token):
    _link, token = link_and_token
    running_site_settings()
    start = threading.Barrier(VIEWERS)
    pages, problems = [], []

    def view():
        try:
            start.wait()
            response = Client().get(f"/preview/{token}/", follow=True)
            pages.append((response.status_code, response.content.decode()))
        except Exception as error:  # reported below, with the others
            problems.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=view) for _ in range(VIEWERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert [status for status, _html in pages] == [200] * VIEWERS
    csrf = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
    assert len({csrf.sub("", html) for _status, html in pages}) == 1  # each viewer's own form token aside
    assert PageLogEntry.objects.filter(page=draft_story, action="previews.view").count() == VIEWERS
    kept = [p.name for p in builds.previews_dir().iterdir() if p.name.startswith(f"{draft_story.pk}-")]
    assert len(kept) == 1
    assert not [p for p in builds.previews_dir().iterdir() if p.name.startswith(".building-")]


@pytest.mark.django_db
def test_a_build_finished_second_by_another_process_leaves_the_first_in_place(draft_story):
    first = builds.preview_build(draft_story)
    folder = first.site_dir.parent
    html = first.html()
    builds._build(render_draft(draft_story), folder)  # what a second process building the same key does
    assert builds.load(folder).html() == html
    assert not [p for p in builds.previews_dir().iterdir() if p.name.startswith(".building-")]


@pytest.mark.django_db
def test_rendering_a_draft_writes_nothing_to_the_database(draft_story):
    """Views of one link render at once: a write by one (an image's missing file hash saved by
    Wagtail's get_file_hash) locks the table to the others on SQLite — CI saw four viewers fail so."""
    running_site_settings()
    assert draft_story.portrait.file_hash == ""  # as images made outside Wagtail's upload form are
    with CaptureQueriesContext(connection) as queries:
        draft = render_draft(draft_story)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}]
    assert writes == []
    assert any(path.startswith("media/images/") for path in draft.assets)
