"""Several publish workers side by side, as in production: one builds at a time, and a worker killed
in the middle of a build loses nothing — the scheduler finds the dead job and queues a publish in its
place, which a surviving worker runs.

Real processes (``db_worker``, ``run_scheduler``) on a database of their own (a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL is set). Workers stop themselves at a named point of the
pipeline (KEPU_PUBLISH_STOP_AT), so the kill lands mid-build without sleeps; the kernel's lock table
(/proc/locks) shows which worker holds the publish lock and which one waits for it.
"""

import os
import signal
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.publish import pipeline
from cms.publish.lock import job_lock
from cms.publish.models import INTERRUPTED, PublishJob
from cms.publish.verify import VerificationError
from cms.stories.models import StoryPage
from tests.conftest import make_story
from tests.deploy import Deployment, site_tree, wait_for
from tests.test_publish import folders  # noqa: F401 (the fixture: content/, site/, builds/ in tmp_path)
from tests.test_publish_kill import EDIT, SEED

LATE_STORY = """
from cms.programmes.models import ProgrammePage
from cms.stories.models import StoryPage
late = StoryPage(title="后来的故事", slug="story-late", scientist_name="吴健雄", discipline="物理",
                 summary="摘要", body=[("paragraph", "<p>后来写的正文</p>")])
ProgrammePage.objects.get().add_child(instance=late)
late.save_revision().publish()
"""


def flock_pids(path):
    """(pids holding, pids waiting for) the flock on ``path``, from the kernel's lock table."""
    info = os.stat(path)
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    holding, waiting = [], []
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and key in fields:
            (waiting if fields[1] == "->" else holding).append(int(fields[-4]))
    return holding, waiting


@pytest.fixture
def deployment(tmp_path):
    deployment = Deployment(tmp_path / "deploy")
    yield deployment
    deployment.close()


def jobs(deployment):
    rows = deployment.query("SELECT id, status, reason, error FROM publish_publishjob ORDER BY id")
    return [dict(zip(("id", "status", "reason", "error"), row, strict=True)) for row in rows]


def test_two_workers_one_killed_mid_build(deployment):
    d = deployment
    d.manage("migrate", "--noinput", "-v0")
    d.manage("shell", "-c", SEED)
    d.manage("publish_site", "--no-progress")
    d.manage("db_worker", "--batch", "--backend", "publish", "--queue-name", "publish", "--no-startup-delay")
    before = site_tree(d.site)
    done_before = len(jobs(d))

    # Two workers, each set to stop itself once its first build is done (before verify and swap).
    stops = {name: d.folder / f"stopped-{name}" for name in ("a", "b")}
    workers = {
        name: d.start_worker(name=f"worker-{name}", KEPU_PUBLISH_STOP_AT="built", KEPU_PUBLISH_STOP_FILE=str(stop))
        for name, stop in stops.items()
    }
    d.start_manage("run_scheduler", "--interval", "0.5", name="scheduler")

    d.manage("shell", "-c", EDIT)  # queues a publish; whichever worker takes it stops mid-build
    first = wait_for(lambda: next((n for n, stop in stops.items() if stop.exists()), None), "a worker mid-build")
    second = "b" if first == "a" else "a"
    d.manage("shell", "-c", LATE_STORY)  # queues another publish; the other worker takes it

    # The other worker waits for the publish lock, which the stopped one holds: no second build.
    lock = d.folder / "builds" / ".lock"
    wait_for(lambda: workers[second].pid in flock_pids(lock)[1], "the second worker to wait for the lock")
    assert flock_pids(lock)[0] == [workers[first].pid]
    assert not stops[second].exists()
    assert site_tree(d.site) == before

    workers[first].send_signal(signal.SIGKILL)
    workers[first].wait()
    # Only now does the other worker get the lock and build (it stops at the same point; let it go on).
    wait_for(stops[second].exists, "the second worker to build", process=workers[second])
    workers[second].send_signal(signal.SIGCONT)

    def settled():  # every job ended, the killed one's among them, re-queued by the scheduler
        rows = jobs(d)[done_before:]
        ended = all(row["status"] not in ("queued", "running") for row in rows)
        return rows if ended and any("重新发布" in row["reason"] for row in rows) else None

    rows = wait_for(settled, "the publishes to settle (log: worker, scheduler)")
    (killed,) = [row for row in rows if row["status"] == "failed"]
    assert killed["error"] == INTERRUPTED
    (retry,) = [row for row in rows if "重新发布" in row["reason"]]
    assert f"#{killed['id']} 被中断" in retry["reason"]
    assert {row["status"] for row in rows if row is not killed} <= {"published", "unchanged"}
    assert f"#{killed['id']}" in d.log(d.processes[-1])  # the scheduler said what it re-queued
    # The library's task record of the killed worker is not left "running" for ever.
    assert d.query("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'") == [(0,)]

    site = d.site
    assert "第二版正文" in (site / "gezhi-lundao" / "story-0" / "index.html").read_text()
    assert (site / "gezhi-lundao" / "story-new" / "index.html").is_file()
    assert (site / "gezhi-lundao" / "story-late" / "index.html").is_file()
    assert not (site / "gezhi-lundao" / "story-1").exists()
    assert not list((d.folder / "builds").glob(".staging-*"))


def change_during_build(change):
    """A progress callback that makes ``change`` once the build is done, just before verification."""
    pending = [change]

    def progress(stage, done=None, total=None):
        if stage == "verify" and pending:
            pending.pop()()

    return progress


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_build_overtaken_by_a_newer_publish_still_goes_live(settings, programme):
    """Editors may publish more often than a build takes: each build still goes out (its revisions were
    live and approved), and the next one brings the newer revision. A page unpublished meanwhile stops it."""
    story = make_story(programme, title="赶不上的构建", slug="overtaken")
    page = Path(settings.KEPU_SITE_DIR) / "gezhi-lundao" / "overtaken" / "index.html"

    def publish_newer():
        story.body = [("paragraph", "<p>构建期间发布的新版本。</p>")]
        story.save_revision().publish()

    result = pipeline.publish(progress=change_during_build(publish_newer))
    assert result.build_id and "1955 年回到祖国" in page.read_text()
    pipeline.publish()
    assert "构建期间发布的新版本" in page.read_text()

    live_build = os.readlink(settings.KEPU_SITE_DIR)
    story.body = [("paragraph", "<p>第三版。</p>")]
    story.save_revision().publish()
    with pytest.raises(VerificationError, match="已不再公开"):
        pipeline.publish(progress=change_during_build(lambda: StoryPage.objects.get(pk=story.pk).unpublish()))
    assert os.readlink(settings.KEPU_SITE_DIR) == live_build


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_jobs_whose_process_died_are_recovered():
    now = timezone.now()
    dead = PublishJob.objects.create(status=PublishJob.Status.RUNNING, started_at=now)
    alive = PublishJob.objects.create(status=PublishJob.Status.RUNNING, started_at=now)
    with job_lock(alive.pk):
        assert PublishJob.recover_interrupted() == [dead]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == PublishJob.Status.FAILED and dead.error == INTERRUPTED
    assert alive.status == PublishJob.Status.RUNNING
    queued = PublishJob.objects.get(status=PublishJob.Status.QUEUED)
    assert f"#{dead.pk}" in queued.reason
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert PublishJob.recover_interrupted() == [alive]  # its lock is gone now: recovered too
    assert PublishJob.objects.filter(status=PublishJob.Status.QUEUED).count() == 1  # the queued one covers both
