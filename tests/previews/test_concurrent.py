"""Views at the same time: each is served and logged, and the draft is built once."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from wagtail.models import PageLogEntry

from cms.core.models import SiteSettings
from cms.previews import builds
from cms.previews.document import render_draft

VIEWERS = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_views_of_one_link_are_each_served_and_logged(draft_story, link_and_token):
    _link, token = link_and_token
    # The site's settings exist on a running site (the first request creates them); four first
    # requests creating them at once would collide on SQLite's in-memory test database.
    SiteSettings.load()
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
