"""Seam 3: pages built from a query (every event, every debunk, the 学风建设 documents) declare it
(``export_depends_on``), so a long-lived publish worker renders them again when a page of that type
goes live, even one created after their last render; and they read their items without a query
per item."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.events.models import EventIndexPage
from cms.factcheck import sample
from cms.factcheck.models import DebunkPage
from cms.integrity.models import IntegrityDocumentPage
from cms.moderation.roles import ensure_roles
from cms.programmes.models import ProgrammePage
from cms.publish import plan, render
from cms.publish.state import PublishState
from tests.events.conftest import add_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust(home, institute):
    """The trust sample content (debunk section, 全部辟谣, 应急科普, 专家库, 学风建设) and a site-wide 活动 list."""
    ensure_roles()
    programme = ProgrammePage(title="科学大院", slug=sample.PROGRAMME, tagline="科普文章",
                              introduction="<p>科普文章。</p>", home_order=1)
    home.add_child(instance=programme)
    programme.save_revision().publish()
    sample.load(home, {sample.PROGRAMME: programme})
    events = EventIndexPage(title="活动", slug="huodong")
    home.add_child(instance=events)
    events.save_revision().publish()
    add_event(events, institute)
    return programme


def render_with(worker):
    """{path: Document}, rendered by ``worker`` (a PublishState kept between publishes), and the
    number of SQL queries it took."""
    with CaptureQueriesContext(connection) as captured:
        documents = render.render(plan.plan(worker.renders), worker.renders).documents
    return documents, len(captured.captured_queries)


def copy_live(page, number, **fields):
    """Another live page like ``page`` (its inline objects too), published through a revision."""
    copy = page.copy(update_attrs={"title": f"{page.title}（{number}）", "slug": f"{page.slug}-{number}", **fields},
                     keep_live=False)
    copy.save_revision().publish()
    return copy


def lists(documents):
    return {name: documents[path].body for name, path in {
        "all_debunks": "yingji-kepu/piyao.md", "hub": "yingji-kepu/index.md",
        "integrity": "xuefeng-jianshe/index.md", "events": "huodong/index.md"}.items()}


def test_a_page_created_after_the_lists_last_render_appears_in_them_in_the_same_worker(trust, institute):
    worker = PublishState()
    before, _queries = render_with(worker)
    debunk = DebunkPage.objects.live().filter(emergency=True, retracted=False).first()
    document = IntegrityDocumentPage.objects.live().filter(retracted=False).exclude(kind="case").first()
    new_debunk = copy_live(debunk, 2)
    new_document = copy_live(document, 2)
    add_event(EventIndexPage.objects.get(slug="huodong"), institute, title="新的开放日", slug="xin-kaifangri",
              start_date=datetime.date(2030, 5, 1))

    after = lists(render_with(worker)[0])
    assert new_debunk.title in after["all_debunks"] and new_debunk.title in after["hub"]
    assert new_document.title in after["integrity"]
    assert "新的开放日" in after["events"]
    assert set(lists(before)) == set(after)  # (the paths above are the lists of the sample)


def test_a_list_page_reads_its_items_without_a_query_per_item(trust, institute):
    debunk = DebunkPage.objects.live().filter(emergency=True, retracted=False).first()
    document = IntegrityDocumentPage.objects.live().filter(retracted=False).exclude(kind="case").first()
    events = EventIndexPage.objects.get(slug="huodong")
    _documents, small = render_with(PublishState())
    for number in range(2, 6):
        copy_live(debunk, number)
        copy_live(document, number)
        add_event(events, institute, title=f"开放日{number}", slug=f"kaifangri-{number}",
                  start_date=datetime.date(2030, 5, number))
    documents, large = render_with(PublishState())
    assert all(f"开放日{number}" in lists(documents)["events"] for number in range(2, 6))
    # Twelve more pages (each rendered too), the same queries: one per relation and type, not per page.
    assert large - small <= 3, (small, large)


def test_a_page_type_that_says_export_always_is_rendered_at_every_publish(home, monkeypatch):
    events = EventIndexPage(title="活动", slug="huodong")
    home.add_child(instance=events)
    events.save_revision().publish()
    worker = PublishState()
    render_with(worker)
    assert plan.plan(worker.renders).stale == []  # nothing changed: the worker keeps both documents
    monkeypatch.setattr(EventIndexPage, "export_always", True)
    assert [row.pk for row in plan.plan(worker.renders).stale] == [events.pk]
