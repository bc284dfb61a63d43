"""Public 阅读量 at the render cache: a page's count is front matter ``reads``; a new ingestion that
changes one page's total renders that page again and nothing else; the setting renders every piece
again; an ingestion that changes a shown count queues a publish when the setting is on."""

import pytest

from cms.publish import plan
from cms.publish import render as render_step
from cms.publish.models import PublishJob
from cms.publish.state import current
from cms.reach.models import PublicReads, ReachSettings
from tests.conftest import make_story
from tests.reach.conftest import LOGS, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    current().forget()
    yield current().renders
    current().forget()


def render(cache):
    """(page ids rendered again, {page id: front matter reads})."""
    planned = plan.plan(cache)
    stale = {row.pk for row in planned.stale}
    documents = render_step.render(planned, cache).documents.values()
    return stale, {d.page_id: d.meta.get("reads") for d in documents}


def switch(on):
    setting = ReachSettings.load()
    setting.show_reads = on
    setting.save()


def test_a_changed_count_renders_only_its_page_again(logs, story, programme, home, cache,
                                                     django_capture_on_commit_callbacks):
    other = make_story(programme, title="邓稼先", slug="deng-jiaxian", scientist_name="邓稼先")
    switch(True)
    with django_capture_on_commit_callbacks(execute=True):
        message = ingest(logs / "access.log.2.gz", logs / "access.log.1")
    assert "1 个页面的阅读量有变化，已排队重新发布网站" in message
    assert "阅读量已更新" in PublishJob.pending().get().reason

    stale, reads = render(cache)
    assert {story.pk, other.pk, programme.pk, home.pk} <= stale  # cold
    # March 10 and 11 in the fixture logs: 4 + 2 views of the story (see test_ingest.EXPECTED).
    assert reads[story.pk] == {"count": 6, "text": "6"}
    assert reads[other.pk] is None  # no reads yet: nothing shown
    assert reads[programme.pk] is None and reads[home.pk] is None  # lists show no count
    assert render(cache)[0] == set()

    ingest(LOGS / "access.log")  # March 12: the story read twice more; nothing else
    stale, reads = render(cache)
    assert stale == {story.pk}
    assert reads[story.pk] == {"count": 8, "text": "8"}

    PublishJob.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        message = ingest(LOGS / "access.log")  # read before: no count changes, no publish
    assert "已排队" not in message and not PublishJob.objects.exists()
    assert render(cache)[0] == set()

    switch(False)
    stale, reads = render(cache)
    assert stale == {story.pk, other.pk}  # every piece, no list
    assert not any(reads.values())


def test_counts_are_kept_while_the_setting_is_off_and_no_publish_is_queued(logs, story, cache,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = ingest(logs / "access.log.2.gz", logs / "access.log.1")
    assert "已排队" not in message and not PublishJob.objects.exists()
    assert PublicReads.objects.get(page=story).views == 6
    assert not any(render(cache)[1].values())
    switch(True)
    stale, reads = render(cache)
    assert story.pk in stale and reads[story.pk] == {"count": 6, "text": "6"}
