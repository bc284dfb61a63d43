"""An index build that gives way to a waiting publish (pipeline.publish_index) leaves its staging
folder as the spare, with a journal whose parent is the live build, and the waiting publish starts
from it: it brings the spare in line by the paths that journal names (the tests' KEPU_JOURNAL_CHECK
compares the result with the live build file by file) instead of linking the whole live build. The
index also gives way when a publish becomes due while its staging folder is made, before building
anything. And the record digests an index build makes are saved with the rest of what a worker keeps
(render_store), so a restarted worker reads them back."""

import hashlib
import json
from pathlib import Path

import pytest

from cms.publish import fsutil, pipeline, render_store, staging, swap
from cms.publish.models import PublishJob
from cms.publish.state import PublishState
from cms.sitesearch import index as search
from tests.conftest import make_story
from tests.publish.trees import snapshot

pytestmark = pytest.mark.usefixtures("folders")


def indexed_text(site):
    return "".join(path.read_text("utf-8") for path in sorted(Path(site, "search").glob("s/*/d/*.json")))


def edit(story, text):
    story.body = [("paragraph", f"<p>{text}</p>")]
    story.save_revision().publish()


def watch_staging(monkeypatch):
    """What the pages build's staging (staging.prepare) took and walked: {"spare": [ids taken],
    "walks": [whole-tree copies made]}."""
    seen = {"spare": [], "walks": []}
    inside = []
    take_spare, link_tree, relink_tree, prepare = swap.take_spare, fsutil.link_tree, fsutil.relink_tree, staging.prepare

    def taking(*args, **kwargs):
        taken = take_spare(*args, **kwargs)
        seen["spare"].append(taken)
        return taken

    def walking(call, name):
        def walk(*args, **kwargs):
            if inside:
                seen["walks"].append(name)
            return call(*args, **kwargs)
        return walk

    def preparing(*args, **kwargs):
        inside.append(True)
        try:
            return prepare(*args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(swap, "take_spare", taking)
    monkeypatch.setattr(fsutil, "link_tree", walking(link_tree, "link_tree"))
    monkeypatch.setattr(fsutil, "relink_tree", walking(relink_tree, "relink_tree"))
    monkeypatch.setattr(staging, "prepare", preparing)
    return seen


@pytest.mark.django_db
def test_an_index_build_that_gives_way_is_the_spare_the_waiting_publish_starts_from(programme, monkeypatch):
    li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    pipeline.publish()
    make_story(programme, title="华罗庚", slug="hua-luogeng", body=[("paragraph", "<p>数论专家。</p>")])
    approved = []

    def progress(stage, done=None, total=None):  # an approval after the index's first shard
        if stage == "search" and done is not None and not approved:
            approved.append(done)
            edit(li, "冰川遗迹的发现者。")
            PublishJob.queue("终审：李四光")

    job = PublishJob.queue("终审：华罗庚")
    result = job.run(progress=progress)
    assert approved and result.index_deferred
    pages_build = swap.live().id
    (spare,) = swap.builds_dir().glob(".spare-*")  # the index build, kept
    spare_id = spare.name.removeprefix(".spare-")
    journal = json.loads((swap.builds_dir() / ".journal" / f"{spare_id}.json").read_text())
    assert journal["parent"] == pages_build and journal["full"] is False
    assert all(rel.startswith("search/") for rel in journal["files"] + journal["trees"])
    assert not list(swap.builds_dir().glob(".staging-*"))

    seen = watch_staging(monkeypatch)
    waiting = PublishJob.next_due()
    second = waiting.run()
    assert second.incremental and not second.search_pending
    assert seen["spare"][0] == spare_id  # the waiting publish's pages build started from it …
    assert seen["walks"] == []  # … by its journal: no whole-tree link or walk
    live = swap.live()
    text = indexed_text(live.dir / "site")
    assert "数论专家" in text and "冰川遗迹" in text

    assert pipeline.publish().up_to_date
    incremental = snapshot(live.dir / "site")
    full = pipeline.publish(full=True)
    assert snapshot(swap.builds_dir() / full.build_id / "site") == incremental


@pytest.mark.django_db
def test_an_index_gives_way_to_a_publish_due_once_its_staging_is_made(programme, monkeypatch):
    li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    pipeline.publish()
    edit(li, "冰川遗迹的发现者。")
    answers = iter([False, True])  # nothing waits when the index is asked for; a publish is due once staged
    built = []
    build_index = search.build_index
    monkeypatch.setattr(search, "build_index", lambda *args, **kwargs: built.append(1) or build_index(*args, **kwargs))

    result = pipeline.publish(yield_to=lambda: next(answers, True))
    assert result.index_deferred and built == []  # nothing of the index was built
    assert len(list(swap.builds_dir().glob(".spare-*"))) == 1

    monkeypatch.setattr(search, "build_index", build_index)
    follow = pipeline.publish()
    assert not follow.search_pending
    assert "冰川遗迹" in indexed_text(swap.live().dir / "site")


@pytest.mark.django_db
def test_a_restarted_worker_reads_back_the_record_digests_of_an_index_built_after_its_pages(programme):
    make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    state = PublishState(restored=True)
    pipeline.publish(state=state)
    make_story(programme, title="华罗庚", slug="hua-luogeng", body=[("paragraph", "<p>数论专家。</p>")])
    result = pipeline.publish(state=state)
    assert result.incremental and not result.search_pending  # pages first, then the index

    from django.conf import settings

    (document,) = Path(settings.KEPU_CONTENT_DIR).glob("**/hua-luogeng*.md")
    sha = hashlib.sha256(document.read_bytes()).hexdigest()
    _entries, memos = render_store.load()  # as a restarted worker reads it
    assert any(key.endswith(f":{sha}") for key in memos["records"])  # (keyed by layout and document sha256)
