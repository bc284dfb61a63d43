"""Automatic publishing: page changes queue one background job; the database worker runs it."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.moderation.scheduler import check_publishing
from cms.programmes.models import ProgrammePage
from cms.publish.lock import job_lock, this_host
from cms.publish.models import INTERRUPTED, PublishJob
from tests.conftest import make_story
from tests.deploy import wait_for

pytestmark = pytest.mark.usefixtures("folders")


def run_worker():
    call_command("db_worker", "--batch", "--backend", "publish", "--queue-name", "publish",
                 "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_page_changes_queue_one_publish_that_the_worker_runs(settings, programme):
    # The programme fixture's publish queued the first job; more changes before it starts coalesce.
    story = make_story(programme, title="后台发布", slug="background")
    other = make_story(programme, title="另一篇", slug="other")
    assert PublishJob.objects.filter(status="queued").count() == 1
    assert DBTaskResult.objects.count() == 1
    assert not Path(settings.KEPU_SITE_DIR).exists()  # the editor's request did not build anything

    run_worker()
    job = PublishJob.objects.get()
    assert job.status == PublishJob.Status.PUBLISHED, job.error
    assert "gezhi-lundao/background.md" in job.changes["added"]
    assert "发布：后台发布" in job.reason
    site = Path(os.path.realpath(settings.KEPU_SITE_DIR))
    assert (site / "gezhi-lundao" / "background" / "index.html").is_file()

    # Unpublish, move and delete each queue a publish too.
    other.unpublish()
    run_worker()
    assert not (Path(os.path.realpath(settings.KEPU_SITE_DIR)) / "gezhi-lundao" / "other").exists()
    second = ProgrammePage(title="科学大院", slug="kexue-dayuan", tagline="大院", introduction="<p>大院。</p>")
    programme.get_parent().add_child(instance=second)
    second.save_revision().publish()
    run_worker()
    story.move(second, pos="last-child")
    run_worker()
    site = Path(os.path.realpath(settings.KEPU_SITE_DIR))
    assert (site / "kexue-dayuan" / "background" / "index.html").is_file()
    assert not (site / "gezhi-lundao" / "background").exists()
    story.refresh_from_db()
    story.delete()
    run_worker()
    last = PublishJob.objects.first()
    assert last.status == PublishJob.Status.PUBLISHED
    assert last.changes["removed"] == ["kexue-dayuan/background.md"]
    assert PublishJob.objects.count() == 5


def test_admin_shows_the_last_publish(admin_client, programme):
    PublishJob.objects.create(status=PublishJob.Status.FAILED, error="校验失败：断链", seconds=3.2)
    home = admin_client.get("/admin/")
    assert "公众网站最近一次发布" in home.content.decode()
    assert "校验失败：断链" in home.content.decode()
    log = admin_client.get("/admin/publish/")
    assert log.status_code == 200
    assert "校验失败：断链" in log.content.decode()


def site_page(settings, *parts):
    return Path(os.path.realpath(settings.KEPU_SITE_DIR)).joinpath(*parts, "index.html")


def retry_until_published(job):
    """Run the worker, as it polls, until the job's retry (due within seconds) has published."""

    def published():
        run_worker()
        return PublishJob.objects.get(pk=job.pk).status == "published"

    wait_for(published, f"the retry of publish #{job.pk} to publish", timeout=10)


def worker_died_after_taking_the_task():
    """What a worker killed right after django-tasks handed it the task leaves: the task marked
    running for good, the job never claimed."""
    DBTaskResult.objects.ready().get().claim("killed-worker")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_right_after_taking_the_task_does_not_stop_publishing(settings, programme):
    make_story(programme, title="被中断的发布", slug="interrupted")
    worker_died_after_taking_the_task()

    make_story(programme, title="下一次通过", slug="next")  # the next approval: its request recovers
    run_worker()
    assert site_page(settings, "gezhi-lundao", "interrupted").is_file()
    assert site_page(settings, "gezhi-lundao", "next").is_file()
    assert set(PublishJob.objects.values_list("status", flat=True)) == {"published"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduler_check_recovers_a_killed_worker_without_new_changes(settings, programme):
    make_story(programme, title="无人再改", slug="alone")
    worker_died_after_taking_the_task()
    run_worker()  # a surviving worker has nothing to take
    assert not Path(settings.KEPU_SITE_DIR).exists()

    assert check_publishing() == ""  # nothing was running: the job is simply given a task again
    run_worker()
    assert site_page(settings, "gezhi-lundao", "alone").is_file()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_job_whose_worker_died_mid_build_is_retried_in_place(settings, programme):
    make_story(programme, title="构建中被杀", slug="killed")
    task = DBTaskResult.objects.ready().get()
    task.claim("killed-worker")
    job = PublishJob.objects.get()
    # Claimed by a process of this machine that has since died: its claim lock is free.
    PublishJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), claim="0" * 32,
                                                worker=f"{this_host()}:4194304", task_id=str(task.pk))
    alive = PublishJob.objects.create(status="running", started_at=timezone.now(), claim="1" * 32,
                                      worker=f"{this_host()}:1")
    elsewhere = PublishJob.objects.create(status="running", started_at=timezone.now(), worker="other-host:1")
    with job_lock(alive.claim):
        assert check_publishing() == f"发布任务 #{job.pk} 的进程已终止，已重新排队发布。\n"
    job.refresh_from_db()
    assert (job.status, job.failures, job.error) == ("queued", 1, INTERRUPTED) and job.retry_at
    assert PublishJob.objects.get(pk=alive.pk).status == "running"  # its lock is held
    assert PublishJob.objects.get(pk=elsewhere.pk).status == "running"  # not ours to judge
    task.refresh_from_db()
    assert task.status == "FAILED"  # the library's record of the dead task is closed
    PublishJob.objects.filter(pk__in=[alive.pk, elsewhere.pk]).delete()
    retry_until_published(job)  # (due a second after the recovery)
    assert site_page(settings, "gezhi-lundao", "killed").is_file()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_publish_with_a_later_one_queued_is_merged_into_it_not_failed(settings, programme, admin_client):
    make_story(programme, title="先通过的", slug="first")
    job = PublishJob.objects.get()
    PublishJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), claim="0" * 32,
                                                worker=f"{this_host()}:4194304")  # its process has died
    later = PublishJob.objects.create(reason="发布：后通过的")  # the next approval, queued meanwhile
    make_story(programme, title="后通过的", slug="second")

    check_publishing()
    job.refresh_from_db()
    assert job.status == "merged" and job.error == f"{INTERRUPTED}（由其后的发布 #{later.pk} 一并发布）"
    assert "发布：先通过的" in PublishJob.objects.get(pk=later.pk).reason  # its reason handed on
    home = admin_client.get("/admin/").content.decode()
    assert "发布失败" not in home
    assert "已并入后续发布" in admin_client.get("/admin/publish/").content.decode()

    run_worker()
    assert PublishJob.objects.get(pk=later.pk).status == "published"
    assert site_page(settings, "gezhi-lundao", "first").is_file()
    assert site_page(settings, "gezhi-lundao", "second").is_file()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_that_cannot_start_is_shown_and_retried_until_it_goes_live(settings, programme, admin_client,
                                                                             tmp_path):
    blocker = tmp_path / "blocked"
    blocker.write_text("")  # the builds folder cannot be made (as when its disk is read-only or full)
    settings.KEPU_BUILDS_DIR = blocker / "builds"
    make_story(programme, title="等待重试", slug="retried")
    run_worker()
    job = PublishJob.objects.get()
    assert job.status == "queued" and job.failures == 1 and "Not a directory" in job.error
    home = admin_client.get("/admin/").content.decode()
    assert "发布失败 1 次" in home and "自动重试" in home and "Not a directory" in home
    log = admin_client.get("/admin/publish/").content.decode()
    assert "失败 1 次" in log and "Not a directory" in log

    blocker.unlink()  # the cause goes away; nobody publishes by hand
    retry_until_published(job)
    assert site_page(settings, "gezhi-lundao", "retried").is_file()
    assert PublishJob.objects.get(pk=job.pk).failures == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_verification_failure_is_final_and_the_next_change_publishes(settings, programme):
    make_story(programme, title="坏链接", slug="bad", body=[("paragraph", '<p><a href="/nowhere/">断链</a></p>')])
    run_worker()
    failed = PublishJob.objects.get()
    assert failed.status == "failed" and "/nowhere/" in failed.error and failed.retry_at is None
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no retry of content that fails
