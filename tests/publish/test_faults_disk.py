"""Disk faults met where they really happen: the builds folder is a small tmpfs mounted by the test,
filled up with a real file or remounted read-only (the kernel itself answers ENOSPC and EROFS; nothing
is monkeypatched to fail). For each: the public site stays whole, 发布记录 says what happened in
Chinese with the path and what to do, and once the cause is gone the approval goes out by itself
within 10 s (a worker polling, as it does in production), without a manual step.

Mounting needs root, as CI has: without it these tests fail (a skipped disk check would be a defect)."""

import json
import os
import subprocess

import pytest

from cms.publish import pipeline
from cms.publish.models import PublishJob
from tests.conftest import make_story
from tests.publish.test_faults_recovery import indexed, live_manifest_path, page_text
from tests.publish.test_tasks import retry_until_published, run_worker
from tests.publish.trees import snapshot

SIZE = "8m"  # a minimal tree's build is ~4 MB; an incremental one hard-links most of it
LEFT = 8 * 1024  # what a "full" disk still has: two pages


def mount(*args):
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode:
        pytest.fail(f"mount {' '.join(args)} failed ({done.stderr.strip()}): these tests need root and a "
                    "kernel that allows tmpfs mounts, as CI has. Run them as root; they must not be skipped.")


@pytest.fixture
def builds(settings, folders):
    """KEPU_BUILDS_DIR on a tmpfs of its own, unmounted (whatever its state) when the test ends."""
    path = folders / "builds"
    path.mkdir()
    settings.KEPU_BUILDS_DIR = path
    mount("-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)
        if os.path.ismount(path):  # something still holds a file open: detach it anyway
            subprocess.run(["umount", "-l", str(path)], check=True)


def fill(folder):
    """A real file taking all the space but ``LEFT`` bytes; returns it (delete it to free the space)."""
    filler = folder / "filler"
    stat = os.statvfs(folder)
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        os.posix_fallocate(fd, 0, stat.f_bavail * stat.f_frsize - LEFT)
    finally:
        os.close(fd)
    return filler


def approve_edit(story, text):
    story.body = [("paragraph", f"<p>{text}</p>")]
    story.save_revision().publish()
    return PublishJob.objects.filter(status="queued").get()


def live_story(programme):
    story = make_story(programme, title="真实磁盘", slug="real-disk", body=[("paragraph", "<p>旧的正文</p>")])
    run_worker()
    assert PublishJob.objects.get().status == "published", PublishJob.objects.get().error
    return story


def assert_failed_and_retrying(job, expected):
    job.refresh_from_db()
    assert (job.status, job.failures) == ("queued", 1), (job.status, job.error)
    assert job.retry_at and expected in job.error, job.error
    assert "[Errno" not in job.error.split("（")[0]  # said in Chinese first, the system's words after


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_builds_disk_keeps_the_site_says_so_and_the_approval_goes_out_once_space_is_back(
        settings, programme, builds, admin_client):
    story = live_story(programme)
    site = snapshot(settings.KEPU_SITE_DIR)

    filler = fill(builds)
    job = approve_edit(story, "空间回来后的正文")
    run_worker()
    assert_failed_and_retrying(job, f"磁盘空间不足：{builds}")
    assert "请清理该磁盘" in job.error
    assert snapshot(settings.KEPU_SITE_DIR) == site and "旧的正文" in page_text(settings, "real-disk")
    assert "磁盘空间不足" in admin_client.get("/admin/publish/").content.decode()

    filler.unlink()  # space comes back; nobody acts but the polling worker
    retry_until_published(job)
    assert "空间回来后的正文" in page_text(settings, "real-disk")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_disk_that_fills_right_after_the_swap_leaves_the_new_page_live_and_the_index_catches_up(
        settings, programme, builds, monkeypatch):
    story = live_story(programme)
    filled = []

    def fill_once_live(name):  # the timing is hooked; the full disk is real
        if name == "swapped" and not filled:
            filled.append(fill(builds))

    monkeypatch.setattr(pipeline, "checkpoint", fill_once_live)
    edit = approve_edit(story, "上线后盘满")
    run_worker()

    edit.refresh_from_db()
    assert filled and edit.status == "published" and edit.status_label == "已上线，但有未完成的部分"
    assert "搜索索引未更新" in edit.error and f"磁盘空间不足：{builds}" in edit.error, edit.error
    assert "上线后盘满" in page_text(settings, "real-disk")  # the new page is live, whole
    assert json.loads(live_manifest_path(settings).read_text())["search_pending"] is True
    catch_up = PublishJob.objects.get(trigger="recovery")
    assert_failed_and_retrying(catch_up, f"磁盘空间不足：{builds}")
    assert not indexed(settings, "上线后盘满")

    filled[0].unlink()
    retry_until_published(catch_up)
    assert indexed(settings, "上线后盘满")
    assert "search_pending" not in json.loads(live_manifest_path(settings).read_text())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_only_builds_folder_keeps_the_site_says_so_and_the_approval_goes_out_once_writable(
        settings, programme, builds):
    story = live_story(programme)
    site = snapshot(settings.KEPU_SITE_DIR)

    mount("-o", "remount,ro", str(builds))
    job = approve_edit(story, "可写后的正文")
    run_worker()
    assert_failed_and_retrying(job, f"文件系统是只读的：{builds}")
    assert "请把它重新挂载为可写" in job.error
    assert snapshot(settings.KEPU_SITE_DIR) == site and "旧的正文" in page_text(settings, "real-disk")

    mount("-o", "remount,rw", str(builds))
    retry_until_published(job)
    assert "可写后的正文" in page_text(settings, "real-disk")
