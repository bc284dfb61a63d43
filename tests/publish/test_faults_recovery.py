"""Faults injected into a publish on a tiny tree (monkeypatched to fail as a full disk, a read-only
folder or an unreadable content/ fail): each is recorded as what it is, in Chinese, the site stays
whole, and what was approved goes out by itself once the cause is gone."""

import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cms.publish import fsutil, lock, swap
from cms.publish.lock import publish_lock
from cms.publish.models import PublishJob
from cms.publish.scan_store import ScanStore
from cms.publish.tasks import worker_started
from cms.sitesearch import index as search
from tests.conftest import make_story
from tests.publish.test_tasks import retry_until_published, run_worker
from tests.publish.trees import snapshot

pytestmark = pytest.mark.usefixtures("folders")


def live_manifest_path(settings):
    return Path(os.path.realpath(settings.KEPU_SITE_DIR)).parent / "manifest.json"


def indexed(settings, text):
    """Whether the live search index holds ``text`` in a page's record."""
    site = Path(os.path.realpath(settings.KEPU_SITE_DIR))
    return any(text in p.read_text("utf-8") for p in (site / "search").glob("s/*/d/*.json"))


def page_text(settings, slug):
    return (Path(os.path.realpath(settings.KEPU_SITE_DIR)) / "gezhi-lundao" / slug / "index.html").read_text()


def fails_with(code, message, path):
    def fail(*args, **kwargs):
        raise OSError(code, message, str(path))

    return fail


def publish_command(*args):
    out = io.StringIO()
    call_command("publish_site", "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_disk_after_the_swap_is_recorded_as_live_and_the_index_catches_up_by_itself(
        settings, programme, admin_client, monkeypatch):
    story = make_story(programme, title="满盘", slug="full-disk")
    run_worker()
    assert PublishJob.objects.get().status == "published"

    # The disk fills once the edited page is live: the scans store and the search index cannot be written.
    full = fails_with(errno.ENOSPC, "No space left on device", Path(settings.KEPU_BUILDS_DIR) / "x")
    monkeypatch.setattr(search, "build_index", full)
    monkeypatch.setattr(ScanStore, "keep", full)
    story.body = [("paragraph", "<p>盘满时写的正文</p>")]
    story.save_revision().publish()
    run_worker()

    edit = PublishJob.objects.filter(trigger="page_change").first()
    assert edit.status == "published" and edit.status_label == "已上线，但有未完成的部分"
    assert edit.error.startswith(f"新页面已上线（构建 {edit.build_id}）。但：")
    assert "搜索索引未更新" in edit.error and ".scans.sqlite" in edit.error and "磁盘空间不足" in edit.error
    assert "[Errno 28]" not in edit.error.split("（")[0]
    assert "盘满时写的正文" in page_text(settings, "full-disk")  # live, whole
    assert json.loads(live_manifest_path(settings).read_text())["search_pending"] is True
    assert not indexed(settings, "盘满时写的正文")

    # The index is queued by itself; while the disk stays full it fails and is retried with backoff.
    catch_up = PublishJob.objects.get(trigger="recovery")
    assert f"自动补建搜索索引（发布 #{catch_up.pk}）" in edit.error
    assert catch_up.status == "queued" and catch_up.failures == 1 and catch_up.retry_at
    assert "磁盘空间不足" in catch_up.error
    home = admin_client.get("/admin/").content.decode()
    assert "已上线，但有未完成的部分" in home and "搜索索引未更新" in home
    assert "发布失败 1 次" in home and "自动重试" in home
    assert "自动补建" in admin_client.get("/admin/publish/").content.decode()

    monkeypatch.undo()  # space comes back; nobody acts
    retry_until_published(catch_up)
    assert indexed(settings, "盘满时写的正文")
    assert "search_pending" not in json.loads(live_manifest_path(settings).read_text())


@pytest.mark.parametrize("fault", ["builds-read-only", "disk-full-in-build"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_fault_before_the_swap_is_shown_and_retried_until_the_approval_is_live(
        settings, programme, admin_client, monkeypatch, fault):
    builds = Path(settings.KEPU_BUILDS_DIR)
    if fault == "builds-read-only":  # job_lock's first write into the builds folder
        monkeypatch.setattr(lock, "job_lock", fails_with(errno.EROFS, "Read-only file system", builds / ".jobs"))
        expected = f"文件系统是只读的：{builds / '.jobs'}"
    else:
        monkeypatch.setattr(search, "build_index", fails_with(errno.ENOSPC, "No space left on device", builds))
        expected = f"磁盘空间不足：{builds}"
    make_story(programme, title="等待空间", slug="waiting")
    run_worker()

    job = PublishJob.objects.get()
    assert (job.status, job.failures) == ("queued", 1) and expected in job.error, job.error
    assert not Path(settings.KEPU_SITE_DIR).exists()
    home = admin_client.get("/admin/").content.decode()
    assert "发布失败 1 次" in home and expected in home
    assert expected in admin_client.get("/admin/publish/").content.decode()

    monkeypatch.undo()
    retry_until_published(job)
    assert "等待空间" in page_text(settings, "waiting")


def half_deleted(builds, name, live):
    """What a kill while an old build was deleted leaves: its folder, without manifest.json, part of site/."""
    shutil.copytree(builds / live / "site", builds / name / "site")
    (builds / name / "site" / "index.html").unlink()
    return builds / name


@pytest.mark.django_db
def test_half_deleted_builds_are_removed_by_the_next_publish_and_worker_start_never_the_live_one(
        settings, programme):
    from cms.publish.pipeline import publish

    make_story(programme, title="旧构建", slug="old")
    publish()
    builds, live = Path(settings.KEPU_BUILDS_DIR), swap.live_build()
    site = snapshot(settings.KEPU_SITE_DIR)
    old = half_deleted(builds, "20200101T000000.000000000-dead", live)
    renamed = half_deleted(builds, ".deleting-20200101T000000.000000001-beef", live)
    assert publish().up_to_date
    swap.wait_deleted()
    assert not old.exists() and not renamed.exists()
    assert swap.live_build() == live and snapshot(settings.KEPU_SITE_DIR) == site

    # At a worker's start: not while another process publishes (its staging folder is a build in progress).
    old = half_deleted(builds, "20200101T000000.000000002-dead", live)
    staging = swap.staging_dir("20990101T000000.000000000-busy")
    shutil.copytree(builds / live / "site", staging / "site")
    with publish_lock():
        worker_started()
        assert old.exists() and staging.exists()
    worker_started()
    assert not old.exists() and not staging.exists()
    assert swap.live_build() == live and snapshot(settings.KEPU_SITE_DIR) == site
    assert swap.list_builds() == [live]


@pytest.mark.django_db
def test_an_unreadable_content_folder_is_said_in_chinese_and_the_next_publish_recovers(settings, programme,
                                                                                        monkeypatch):
    story = make_story(programme, title="权限", slug="perm", body=[("paragraph", "<p>甲版正文</p>")])
    publish_command()
    site = snapshot(settings.KEPU_SITE_DIR)

    content = Path(settings.KEPU_CONTENT_DIR)
    write = fsutil.atomic_write

    def denied(target, data):
        if Path(target).is_relative_to(content):
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return write(target, data)

    monkeypatch.setattr(fsutil, "atomic_write", denied)
    story.body = [("paragraph", "<p>乙版正文</p>")]  # same length: only the bytes tell the change
    story.save_revision().publish()
    with pytest.raises(CommandError) as failed:
        publish_command()
    message = str(failed.value)
    assert message.startswith(f"发布失败，网站保持原样：权限不足：{content}/"), message  # the file named
    assert "chown" in message and "Traceback" not in message
    job = PublishJob.objects.first()
    assert job.status == "failed" and job.error == message.removeprefix("发布失败，网站保持原样：")
    assert snapshot(settings.KEPU_SITE_DIR) == site

    monkeypatch.undo()  # the permissions are put right
    assert "已发布构建" in publish_command()
    assert "乙版正文" in page_text(settings, "perm")


@pytest.mark.django_db
def test_a_damaged_live_manifest_is_said_and_a_full_build_repairs_it(settings, programme, admin_client):
    make_story(programme, title="清单", slug="manifest")
    publish_command()
    path = live_manifest_path(settings)
    damaged_build = path.parent.name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # truncated

    out = publish_command()
    note = (f"上线构建 {damaged_build} 的 manifest.json 已损坏（无法解析，可能被截断），"
            "无法据此增量发布：本次已完整重建全部页面。")
    assert f"注意：{note}" in out and "已发布构建" in out
    job = PublishJob.objects.first()
    assert (job.status, job.notes, job.error) == ("published", note, "")
    assert "gezhi-lundao/manifest.md" in job.changes["added"]
    assert note in admin_client.get("/admin/publish/").content.decode()
    assert json.loads(live_manifest_path(settings).read_text())["pages"]

    built = snapshot(settings.KEPU_SITE_DIR)
    publish_command("--full")
    assert snapshot(settings.KEPU_SITE_DIR) == built
