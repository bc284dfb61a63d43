"""Automatic publishing: page changes queue one background job; the database worker runs it."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from cms.programmes.models import ProgrammePage
from cms.publish.models import PublishJob
from tests.conftest import make_story


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.KEPU_CONTENT_DIR = tmp_path / "content"
    settings.KEPU_SITE_DIR = tmp_path / "site"
    settings.KEPU_BUILDS_DIR = tmp_path / "builds"


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
