"""An approval that becomes due while a worker builds the search index of the publish before it goes
first: the index build gives way (its staging folder removed), the live build stays ``search_pending``
saying which pages its index holds, and the waiting publish puts its pages live (keeping that index)
and then builds the index of all its pages. A command-line publish never gives way; a removed page
still leaves the index in the same build as its page; a waiting publish that fails leaves the index
to be built all the same.

The second approval happens inside the first publish's progress callback, at the moment the index
build starts or after its first shard: deterministic, no sleeps.
"""

import json
import os
from pathlib import Path

import pytest

from cms.hant.models import MirrorSettings
from cms.programmes.models import ProgrammePage
from cms.publish import pipeline, swap, verify
from cms.publish.errors import ExportError, VerificationError
from cms.publish.lock import job_lock, new_claim
from cms.publish.models import PublishJob
from cms.publish.tasks import catch_up_search
from cms.sitesearch.shard import PAGES_FILE
from tests.conftest import make_story
from tests.publish.trees import snapshot

pytestmark = pytest.mark.usefixtures("folders")


def indexed_text(site):
    """Every page record of a site's search index, as one text."""
    return "".join(path.read_text("utf-8") for path in sorted(Path(site, "search").glob("s/*/d/*.json")))


def live_site():
    return Path(os.path.realpath(swap.site_link()))


def page_text(*parts):
    return live_site().joinpath(*parts, "index.html").read_text("utf-8")


def approving_during_the_index(approve, *, when):
    """A progress callback that makes a second approval (``approve``, then its job queued as the
    approval's request does) when the index build starts ("before") or after its first shard ("during")."""
    seen = []

    def progress(stage, done=None, total=None):
        if stage == "search" and not seen and (done is None) == (when == "before"):
            seen.append(stage)
            approve()
            PublishJob.queue("终审：李四光")

    return progress, seen


def edit(story, text):
    story.body = [("paragraph", f"<p>{text}</p>")]
    story.save_revision().publish()


def defer_an_index(programme, *, when="before"):
    """A live site; then a new story approved, whose publish's index gives way to an edit approved
    while it builds. Returns (the first story, the deferred job, its result, the pages the live index holds)."""
    li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    pipeline.publish()
    before = sorted(swap.live().manifest["pages"])
    make_story(programme, title="华罗庚", slug="hua-luogeng", body=[("paragraph", "<p>数论专家。</p>")])
    progress, seen = approving_during_the_index(lambda: edit(li, "冰川遗迹的发现者。"), when=when)
    job = PublishJob.queue("终审：华罗庚")
    result = job.run(progress=progress)
    assert seen == ["search"]
    job.refresh_from_db()
    return li, job, result, before


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["before", "during"])
def test_an_approval_due_while_the_index_builds_goes_first(programme, when):
    _li, job, result, before = defer_an_index(programme, when=when)

    # The first publish's pages are live; its index gave way, which editors are told as a note, not an error.
    assert result.index_deferred and result.search_pending
    assert job.status == PublishJob.Status.PUBLISHED and job.status_label == "已上线" and job.error == ""
    assert pipeline.INDEX_DEFERRED in job.notes
    live = swap.live()
    assert live.id == job.build_id
    assert live.manifest["search_pending"] is True
    assert live.manifest["search_pages"] == before  # what the kept index holds, not the new story
    assert "数论专家" in page_text("gezhi-lundao", "hua-luogeng")
    assert "数论专家" not in indexed_text(live.dir / "site")
    # No staging folder is left (an index build that gave way mid-build is kept as the spare).
    assert not list(swap.builds_dir().glob(".staging-*"))
    assert verify.verify(live.dir / "site", live.manifest).ok  # its index checked against search_pages

    # The worker runs the due job next: its pages go live first, keeping the live index, then the
    # index of all its pages (the first approval's too).
    waiting = PublishJob.next_due()
    assert waiting is not None and waiting.pk != job.pk
    between = {}

    def look(stage, done=None, total=None):
        if stage == "search" and not between:
            between.update(swap.live().manifest, page=page_text("gezhi-lundao", "li-siguang"))

    second = waiting.run(progress=look)
    assert second.incremental and not second.search_pending and not second.index_deferred
    assert between["search_pending"] is True and between["search_pages"] == before
    assert "冰川遗迹" in between["page"]
    live = swap.live()
    assert "search_pending" not in live.manifest and "search_pages" not in live.manifest
    text = indexed_text(live.dir / "site")
    assert "数论专家" in text and "冰川遗迹" in text
    waiting.refresh_from_db()
    assert waiting.status == PublishJob.Status.PUBLISHED and waiting.error == ""

    # Byte for byte what a full build makes.
    assert pipeline.publish().up_to_date
    incremental = snapshot(live.dir / "site")
    full = pipeline.publish(full=True)
    assert snapshot(swap.builds_dir() / full.build_id / "site") == incremental


@pytest.mark.django_db
def test_a_command_line_publish_builds_its_index_with_a_job_waiting(programme):
    li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    pipeline.publish()
    edit(li, "冰川遗迹的发现者。")
    PublishJob.queue("排队中的发布")
    assert PublishJob.next_due() is not None

    job, result = PublishJob.run_command()
    assert not result.index_deferred and not result.search_pending
    assert "search_pending" not in swap.live().manifest
    assert "冰川遗迹" in indexed_text(live_site())


@pytest.mark.django_db
def test_a_removed_page_leaves_the_index_with_its_page_while_an_index_is_pending(programme):
    li, _job, result, _before = defer_an_index(programme)
    assert result.index_deferred
    li.unpublish()

    removed = pipeline.publish(yield_to=lambda: True)  # one build: nothing to give way
    assert removed.changes.removed == ["gezhi-lundao/li-siguang.md"]
    assert not removed.index_deferred and not removed.search_pending
    live = swap.live()
    assert live.id == removed.build_id and "search_pending" not in live.manifest
    text = indexed_text(live.dir / "site")
    assert "数论专家" in text and "地质学家" not in text and "冰川遗迹" not in text
    assert not live_site().joinpath("gezhi-lundao", "li-siguang").exists()


@pytest.mark.django_db
def test_a_waiting_publish_that_fails_on_export_still_gets_the_index_built(programme):
    _li, job, result, _before = defer_an_index(programme)
    assert result.index_deferred
    pages_build = swap.live_build()
    reserved = ProgrammePage(title="搜索", slug="search", tagline="占用保留名", introduction="<p>占用。</p>")
    programme.get_parent().add_child(instance=reserved)
    reserved.save_revision().publish()

    waiting = PublishJob.next_due()
    with pytest.raises(ExportError):
        waiting.run()
    waiting.refresh_from_db()
    assert waiting.status == PublishJob.Status.QUEUED and waiting.failures == 1  # retried until fixed
    # content/ still holds the live build's pages: their index was built before the job failed.
    live = swap.live()
    assert live.id != pages_build and "search_pending" not in live.manifest
    assert "数论专家" in indexed_text(live.dir / "site")
    assert "冰川遗迹" not in page_text("gezhi-lundao", "li-siguang")  # (the failed job's edit is not live)


@pytest.mark.django_db
def test_a_waiting_publish_that_fails_after_writing_leaves_the_index_to_a_catch_up(programme, monkeypatch):
    _li, job, result, _before = defer_an_index(programme)
    assert result.index_deferred
    pages_build = swap.live_build()
    waiting = PublishJob.next_due()
    with monkeypatch.context() as patched:
        patched.setattr(verify, "verify", lambda *args, **kwargs: verify.Verification(["测试：校验失败"], {}))
        with pytest.raises(VerificationError):
            waiting.run()
    waiting.refresh_from_db()
    assert waiting.status == PublishJob.Status.FAILED  # final: verification failures are not retried
    live = swap.live()
    assert live.id == pages_build and live.manifest["search_pending"] is True  # content/ had moved on

    catch_up = catch_up_search(live)  # (the scheduler's pass, and a starting worker, call this)
    assert catch_up is not None and catch_up.trigger == PublishJob.Trigger.RECOVERY
    assert PublishJob.next_due() == catch_up
    catch_up.run()
    live = swap.live()
    assert "search_pending" not in live.manifest
    text = indexed_text(live.dir / "site")
    assert "数论专家" in text and "冰川遗迹" in text
    assert catch_up_search(live) is None


@pytest.mark.django_db
def test_a_publish_gives_way_to_a_job_another_worker_has_claimed(programme):
    job = PublishJob.objects.create(status=PublishJob.Status.RUNNING, reason="本进程的发布")
    assert not job.others_waiting()
    worker, claim = new_claim()
    other = PublishJob.objects.create(status=PublishJob.Status.RUNNING, worker=worker, claim=claim, reason="等锁")
    with job_lock(claim):  # another worker holds its claim: it waits for the publish lock
        assert job.others_waiting()
    assert not job.others_waiting()  # its process died: recovery queues it again, nothing waits now
    other.delete()
    PublishJob.objects.create(reason="已排队")
    assert job.others_waiting()


def indexed_urls(search_dir):
    return {url for path in Path(search_dir).glob(f"s/*/{PAGES_FILE}") for url in json.loads(path.read_text("utf-8"))}


@pytest.mark.django_db
def test_the_traditional_mirror_keeps_and_then_builds_its_index_the_same_way(programme):
    mirror = MirrorSettings.load()
    mirror.enabled, mirror.profile, mirror.prefix = True, "s2hk", "zh-hant"
    mirror.save()
    _li, _job, result, _before = defer_an_index(programme)
    assert result.index_deferred
    live = swap.live()
    mirror_before = live.manifest["mirror"]["search_pages"]
    assert "gezhi-lundao/hua-luogeng.md" in live.manifest["mirror"]["pages"]
    assert "gezhi-lundao/hua-luogeng.md" not in mirror_before
    assert "gezhi-lundao/hua-luogeng/" not in indexed_urls(live.dir / "site" / "zh-hant" / "search")
    assert verify.verify(live.dir / "site", live.manifest).ok

    between = {}

    def look(stage, done=None, total=None):
        if stage == "search" and not between:
            between.update(swap.live().manifest)

    second = PublishJob.next_due().run(progress=look)
    assert second.incremental and not second.search_pending
    assert between["search_pending"] and between["mirror"]["search_pages"] == mirror_before
    live = swap.live()
    assert "search_pages" not in live.manifest["mirror"]
    assert "gezhi-lundao/hua-luogeng/" in indexed_urls(live.dir / "site" / "zh-hant" / "search")
    assert verify.verify(live.dir / "site", live.manifest).ok


@pytest.mark.django_db
def test_under_a_stream_of_approvals_every_third_publish_builds_the_index(programme):
    li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    pipeline.publish()
    deferred = []
    for text in ["第二版正文。", "第三版正文。", "第四版正文。"]:
        edit(li, text)
        result = pipeline.publish(yield_to=lambda: True)  # an approval is always waiting
        deferred.append(result.index_deferred)
        assert text in page_text("gezhi-lundao", "li-siguang")
    assert deferred == [True, True, False]
    live = swap.live()
    assert "search_pending" not in live.manifest and "search_behind" not in live.manifest
    assert "第四版正文" in indexed_text(live.dir / "site")


@pytest.mark.django_db
@pytest.mark.parametrize("pending", [False, True])
def test_a_retracted_piece_leaves_the_index_in_the_build_of_its_tombstone(programme, pending):
    """A retraction (撤稿) is an edit, but what it withdraws must be found by no search from the moment
    its tombstone is live: never kept in an index built later, whether or not one is pending now."""
    if pending:
        li, _job, result, _before = defer_an_index(programme)
        assert result.index_deferred
    else:
        li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
        pipeline.publish()
        assert "地质学家" in indexed_text(live_site())
    li.retracted, li.retraction_reason = True, "引文来源有误"
    li.save_revision().publish()

    retracted = pipeline.publish(yield_to=lambda: True)  # one build, though a publish waits
    assert "gezhi-lundao/li-siguang.md" in retracted.changes.changed and not retracted.changes.removed
    assert not retracted.index_deferred and not retracted.search_pending
    live = swap.live()
    assert live.id == retracted.build_id and "search_pending" not in live.manifest
    assert "引文来源有误" in page_text("gezhi-lundao", "li-siguang")  # the tombstone is live
    text = indexed_text(live.dir / "site")
    assert "地质学家" not in text and "冰川遗迹" not in text and "李四光" not in text  # (its record: empty)


@pytest.mark.django_db
def test_an_index_does_not_give_way_to_a_job_that_has_failed_before(programme):
    """A job retrying after a failure may fail again: the index would wait on it for as long."""
    job = PublishJob.objects.create(status=PublishJob.Status.RUNNING, reason="本进程的发布")
    retrying = PublishJob.objects.create(reason="重试中", failures=1)
    assert not job.others_waiting()
    worker, claim = new_claim()
    PublishJob.objects.create(status=PublishJob.Status.RUNNING, worker=worker, claim=claim, reason="等锁，曾失败",
                              failures=2)
    with job_lock(claim):
        assert not job.others_waiting()
    retrying.failures = 0
    retrying.save()
    assert job.others_waiting()
