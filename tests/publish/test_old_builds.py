"""Old builds: deleted by a thread of their own, so that a publish neither waits for the deleting of
the builds it retires nor leaves anything that looks like a build behind (swap._delete); and the
oldest, about to be deleted, brought up to date in place as the next build's folder instead of
linking a whole new copy (staging._linked_copy, fsutil.relink_tree)."""

import os
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from cms.publish import fsutil, swap
from cms.publish.pipeline import publish
from tests.conftest import make_story
from tests.publish.trees import inodes, snapshot

pytestmark = pytest.mark.usefixtures("folders")


@pytest.mark.django_db
def test_a_publish_goes_on_while_the_builds_it_retired_are_being_deleted(settings, programme, monkeypatch):
    settings.KEPU_KEEP_BUILDS = 1
    story = make_story(programme, title="第一版", slug="deleting")
    publish()
    first = swap.live_build()

    # Every deletion blocks until the test lets it go: the publishes below must not wait for them.
    release, started = threading.Event(), threading.Event()

    def held(path, **kwargs):
        started.set()
        assert release.wait(60), "the test never released the deleting thread"
        shutil.rmtree(path, **kwargs)

    swap.wait_deleted()  # (nothing of an earlier test's left in the thread)
    builds = Path(settings.KEPU_BUILDS_DIR)
    monkeypatch.setattr(swap, "shutil", SimpleNamespace(rmtree=held))  # swap's own deleting only
    try:
        for title in ("第二版", "第三版"):
            story.title = title
            story.save_revision().publish()
            result = publish(full=True)
            assert result.build_id == swap.live_build() and not result.unfinished
        assert started.is_set()  # the first retired build is being deleted now, held
        # Renamed at once: no old build is listed, the first is nowhere under its own name.
        assert swap.list_builds() == [swap.live_build()] and not (builds / first).exists()
        held_folders = sorted(p.name for p in builds.iterdir() if p.name.startswith(swap.DELETING))
        assert held_folders and all(name.startswith(".deleting-2") for name in held_folders), held_folders
    finally:
        release.set()
    swap.wait_deleted()
    assert not [p for p in builds.iterdir() if p.name.startswith(swap.DELETING)]
    assert "第三版" in (Path(settings.KEPU_SITE_DIR) / "gezhi-lundao" / "deleting" / "index.html").read_text()


def test_relink_tree_makes_an_old_copy_the_same_files_and_touches_only_what_differs(tmp_path):
    source, target = tmp_path / "new", tmp_path / "old"
    for rel, text in {"index.html": "首页", "a/index.html": "甲", "b/index.html": "乙", "b/x.svg": "码",
                      "gone/index.html": "旧"}.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text)
    fsutil.link_tree(source, target)
    # The live build moves on: one page replaced (a new file, as every write does), one added, one
    # folder removed, a file where a folder was and a folder where a file was.
    (source / "a/index.html").unlink()
    (source / "a/index.html").write_text("甲（改）")
    (source / "c").mkdir()
    (source / "c/index.html").write_text("丙")
    shutil.rmtree(source / "gone")
    (source / "gone").write_text("一个文件")
    (source / "b/x.svg").unlink()
    (source / "b/x.svg").mkdir()
    (source / "b/x.svg/inner.txt").write_text("里")
    (target / "stray.tmp").write_text("不该留下")
    kept = os.stat(target / "b/index.html").st_ino

    assert fsutil.relink_tree(source, target) == 4  # a/index.html, c/index.html, gone, b/x.svg/inner.txt
    assert snapshot(target) == snapshot(source) and inodes(target) == inodes(source)
    assert os.stat(target / "b/index.html").st_ino == kept  # untouched
    assert fsutil.relink_tree(source, target) == 0


def test_a_file_written_over_a_hard_link_leaves_the_other_build_as_it_was(tmp_path):
    """A build folder is hard links to the live build: what a build writes there (its mkdocs.yml, a
    search index file) must be a new file, never bytes written into the live build's."""
    live, staged = tmp_path / "live.bin", tmp_path / "staged.bin"
    live.write_bytes(b"live")
    os.link(live, staged)
    fsutil.write_file(staged, b"new build")
    assert (live.read_bytes(), staged.read_bytes()) == (b"live", b"new build")
    assert live.stat().st_nlink == 1 and staged.stat().st_mode & 0o777 == 0o644


@pytest.mark.django_db
def test_the_build_about_to_be_deleted_becomes_the_next_one_and_equals_a_full_build(settings, programme):
    settings.KEPU_KEEP_BUILDS = 1  # every build but the live one is about to be deleted
    story = make_story(programme, title="第一版", slug="reused")
    make_story(programme, title="另一篇", slug="other")
    publish()

    for title in ("第二版", "第三版"):
        # With one build kept, the build live now is the one the next cleanup deletes.
        folder = os.stat(Path(settings.KEPU_BUILDS_DIR) / swap.live_build() / "site").st_ino
        story.title = title
        story.save_revision().publish()
        result = publish()  # pages first (the spare, or a new copy), then the index in the expiring build
        assert result.incremental and not result.search_pending and not result.unfinished
        live = Path(settings.KEPU_BUILDS_DIR) / result.build_id / "site"
        assert os.stat(live).st_ino == folder  # that build's folder, brought up to date
        page = (live / "gezhi-lundao/reused/index.html").read_text()
        assert title in page and "第一版" not in page
        incremental = snapshot(live)
        full = publish(full=True)
        assert snapshot(Path(settings.KEPU_BUILDS_DIR) / full.build_id / "site") == incremental
