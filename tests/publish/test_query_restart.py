"""A restarted worker, like one that kept running, renders a page built from a query over every story (a
campaign's rule, an expert's page, the 应急科普 hub) again only when a story its query returns changed,
came or went (``export_returning``): the query's rows are saved with the render cache (memo "queries"),
and used only while their digest is the query's state the saved document read."""

import pickle
import sqlite3

import pytest

from cms.publish import render_store
from cms.publish.state import PublishState
from cms.stories.models import StoryPage
from tests.publish.test_query_dependencies import trust  # noqa: F401 (a fixture)
from tests.publish.test_query_narrowing import CAMPAIGN, add_stories, as_read, edit, publish
from tests.publish.test_query_narrowing import rendered as paths_rendered  # noqa: F401 (a fixture)
from tests.publish.test_query_narrowing import site as trust_and_campaign  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]


def restarted():
    """A new worker: what the last one saved, read from disk."""
    worker = PublishState()
    worker.restore()
    return worker


def published_by_a_restarted_worker(rendered):
    """({path} a restarted worker rendered, its documents); they are those of a worker that keeps nothing."""
    worker = restarted()
    rendered.clear()
    documents = publish(worker)
    paths = set(rendered)
    worker.save()
    cold = PublishState()
    cold.forget()
    assert as_read(documents) == as_read(publish(cold))
    return paths, documents


def test_a_story_edit_renders_that_story_alone_after_a_restart(request):
    site, rendered = request.getfixturevalue("trust_and_campaign"), request.getfixturevalue("paths_rendered")
    add_stories(site, range(1, 5))
    worker = PublishState()
    publish(worker)
    worker.save()
    story = StoryPage.objects.get(slug="s1")
    edit(story, title="故事一", body=[("paragraph", "<p>新的正文。</p>")])
    # Not the campaign (it gathers 学风 pieces), the experts' pages (neither wrote it) nor the hub (not 应急科普).
    assert published_by_a_restarted_worker(rendered)[0] == {"kexue-dayuan/s1.md"}

    def tag():
        page = StoryPage.objects.get(slug="s2")
        page.tags.add("学风")
        page.save_revision().publish()

    tag()
    paths, documents = published_by_a_restarted_worker(rendered)
    assert paths == {CAMPAIGN, "kexue-dayuan/s2.md"} and "故事2" in documents[CAMPAIGN].body


def test_query_rows_changed_on_disk_are_not_used(request):
    """Rows whose digest is not the state the document read (another hand's, or an older save's): the
    pages that read the query render again, as they would without them."""
    site, rendered = request.getfixturevalue("trust_and_campaign"), request.getfixturevalue("paths_rendered")
    add_stories(site, range(1, 3))
    worker = PublishState()
    publish(worker)
    worker.save()
    with sqlite3.connect(render_store.path()) as db:
        saved = db.execute("SELECT key, value FROM memo WHERE kind = 'queries'").fetchall()
        assert {key.lower() for key, _value in saved} >= {"stories.storypage"}
        for key, value in saved:
            forged = pickle.dumps(pickle.loads(value)[1:])  # a page left out: "changed since" would miss it
            mac = render_store._mac(render_store.code_digest(), "queries", key, forged)
            db.execute("UPDATE memo SET value = ?, mac = ? WHERE kind = 'queries' AND key = ?", (forged, mac, key))
    edit(StoryPage.objects.get(slug="s1"), title="故事一")
    paths, _documents = published_by_a_restarted_worker(rendered)
    assert {CAMPAIGN, "kexue-dayuan/s1.md"} <= paths
