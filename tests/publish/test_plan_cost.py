"""The public pages' query (pages.public_rows, read by the plan and again by verification) takes its
rows as the database driver gives them: Django's own pass over each row (on SQLite: each of a page
row's dates made timezone-aware, its flags made booleans) is not run, and each row's signature still
changes when its row changes and only then. A warm worker's plan looks again only at what the
documents rendered since its last plan read (the objects they name)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from cms.publish import pages, plan, render
from cms.publish.state import PublishState
from tests.conftest import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def converted(monkeypatch):
    """The rows Django's database layer converted from what the driver gave (any backend)."""
    seen, apply = [], SQLCompiler.apply_converters

    def counting(self, rows, converters):
        for row in apply(self, rows, converters):
            seen.append(row)
            yield row

    monkeypatch.setattr(SQLCompiler, "apply_converters", counting)
    return seen


def test_public_rows_convert_no_row_and_sign_each_row_by_what_it_holds(programme, converted):
    li = make_story(programme, title="李四光", slug="li-siguang")
    hua = make_story(programme, title="华罗庚", slug="hua-luogeng")
    make_story(programme, title="草稿", slug="draft", publish=False)
    li.refresh_from_db()
    hua.refresh_from_db()
    root = pages.site_root()
    converted.clear()
    _root, rows = pages.public_rows(root)
    assert converted == []
    by_pk = {row.pk: row for row in rows}
    assert {row.slug for row in rows} >= {"li-siguang", "hua-luogeng"} and "draft" not in {row.slug for row in rows}
    assert by_pk[li.pk].live_revision_id == li.live_revision_id and by_pk[li.pk].specific_class.__name__ == "StoryPage"
    assert pages.live_revisions([li.pk, hua.pk]) == {li.pk: li.live_revision_id, hua.pk: hua.live_revision_id}

    again = {row.pk: row.signature for row in pages.public_rows()[1]}
    assert again == {row.pk: row.signature for row in rows}  # read twice: the same
    li.go_live_at = timezone.now() - timedelta(days=1)  # a date of its row (none the export reads)
    li.save(update_fields=["go_live_at"])
    hua.title = "华罗庚（数学家）"
    hua.save_revision().publish()
    after = {row.pk: row.signature for row in pages.public_rows()[1]}
    assert after[li.pk] != again[li.pk] and after[hua.pk] != again[hua.pk]
    assert {pk: sig for pk, sig in after.items() if pk not in (li.pk, hua.pk)} == {
        pk: sig for pk, sig in again.items() if pk not in (li.pk, hua.pk)}


class WalkedReads(dict):
    """An entry's reads, counting the times they are walked through (each key looked at)."""

    walked = 0

    def __iter__(self):
        WalkedReads.walked += 1
        return super().__iter__()

    def items(self):
        WalkedReads.walked += 1
        return super().items()


@pytest.fixture
def walked(monkeypatch):
    """Entries whose reads count their walks (``WalkedReads.walked``)."""

    @dataclass
    class Walked(render.Entry):
        def __post_init__(self):
            self.reads = WalkedReads(self.reads)

    monkeypatch.setattr(render, "Entry", Walked)
    monkeypatch.setattr(WalkedReads, "walked", 0)
    return WalkedReads


def plan_after_edit(worker, story, title, walked):
    """The entries' reads walked by a warm worker's plan after ``story``'s title is changed through a revision."""
    story.title = title
    story.save_revision().publish()
    walked.walked = 0
    todo = plan.plan(worker.renders)
    counted = walked.walked
    render.render(todo, worker.renders)
    return counted


def test_a_warm_plan_walks_the_reads_of_the_pages_rendered_since_alone(programme, image, walked):
    for number in range(1, 5):
        make_story(programme, title=f"故事{number}", slug=f"s{number}", portrait=image, portrait_alt="肖像")
    story = programme.get_children().specific().get(slug="s1")
    worker = PublishState()
    render.render(plan.plan(worker.renders), worker.renders)
    plan_after_edit(worker, story, "故事一", walked)

    small = plan_after_edit(worker, story, "故事壹", walked)
    for number in range(5, 13):
        make_story(programme, title=f"故事{number}", slug=f"s{number}", portrait=image, portrait_alt="肖像")
    render.render(plan.plan(worker.renders), worker.renders)
    plan_after_edit(worker, story, "故事一", walked)
    large = plan_after_edit(worker, story, "故事壹", walked)

    # The story's entries: the one rendered at the publish before (its reads looked at for the objects they
    # name) and the one it replaced (those objects no longer read by it).
    assert small == large == 2


def test_public_rows_read_dates_as_text_not_parsed_by_the_driver(programme, monkeypatch):
    """SQLite's driver parses a column declared as a date and time in Python, one call per value (Django
    registers the parser): the public rows' query reads those columns as the text they hold."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the driver's converters are SQLite's")
    import sqlite3

    parsed = []
    for name in ("datetime", "timestamp"):
        converter = sqlite3.converters.get(name.upper())
        if converter is not None:
            monkeypatch.setitem(sqlite3.converters, name.upper(),
                                lambda value, convert=converter: (parsed.append(value), convert(value))[1])
    story = make_story(programme, title="李四光", slug="li-siguang")
    parsed.clear()
    _root, rows = pages.public_rows()
    assert parsed == [] and story.pk in {row.pk for row in rows}
    before = {row.pk: row.signature for row in rows}
    story.refresh_from_db()
    story.go_live_at = timezone.now() - timedelta(days=1)
    story.save(update_fields=["go_live_at"])
    parsed.clear()
    after = {row.pk: row.signature for row in pages.public_rows()[1]}
    assert after[story.pk] != before[story.pk] and parsed == []
