"""A restarted worker's first write: what the last worker wrote into content/ and content-hant/ is read
back with the render cache and checked against the disk as it is read (one ``lstat`` a file, at the
worker's start: write.WrittenRows), so its first approval looks only at what it writes, as a warm
worker's does, however many pages the site has; a file changed, removed or replaced by a link while
no worker ran is written again by that approval all the same, and both folders end as a cold export
makes them. The mirror's converted documents read back stay pickled unless written again. The
navigation's pages, which an incremental build makes again whenever their file is newer than their
output, are looked at by every write."""

import os
import shutil
from pathlib import Path

import pytest

from cms.publish import mirror_site, write
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.test_write_change_cost import NAMES, Counting, at_three_and_eight, exported, mirror_on, stories_of  # noqa: F401 (a fixture)
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders", "mirror_on")]

LOOKS = ("lstat in a content folder", "stat in a content folder", "isfile in a content folder",
         "lexists in a content folder", "serialise", "atomic_write", "holds", "convert_document")


def restarted(state):
    """The worker of ``state`` saves (as after a swap) and stops; a new one starts (db_worker: the
    render cache and the memos read back, the mirror's too)."""
    state.save()
    fresh = PublishState()
    fresh.restore()
    mirror_site.restore(fresh)  # (what PublishState.restore does once it takes the mirror's memos too)
    return fresh


def first_approval_after_restart(programme, monkeypatch, content, count):
    stories = [make_story(programme, title=f"{name}的故事", slug=f"story-{number}", scientist_name=name)
               for number, name in enumerate(NAMES[:count])]
    counting = Counting(monkeypatch)
    value = mirror_site.Stored.value

    def read(stored):  # a converted document read back from the memo's bytes
        if counting.on and stored._value is None:
            counting.seen["converted document unpickled"] += 1
        return value(stored)

    monkeypatch.setattr(mirror_site.Stored, "value", read)
    state = PublishState(restored=True)
    exported(content, state)
    stories[0].title = "李四光：地质学家"
    stories[0].save_revision().publish()
    fresh = restarted(state)
    counting.on = True
    out = exported(content, fresh)
    counting.on = False
    return {name: counting.seen[name] for name in (*LOOKS, "converted document unpickled")}, out


def test_a_restarted_workers_first_write_looks_at_as_much_at_three_pages_as_at_eight(
        settings, programme, monkeypatch):
    (small, out), (large, large_out) = at_three_and_eight(
        settings, programme,
        lambda count: first_approval_after_restart(programme, monkeypatch, Path(settings.KEPU_CONTENT_DIR), count))
    assert not (out.checked or out.mirror.checked)  # (the rows read back were checked: the folders are as left)
    assert any(path.endswith("story-0.md") for path in out.written)
    assert any(path.endswith("story-0.md") for path in out.mirror.written)
    assert small == large and len(large_out.manifest["pages"]) > 8
    assert small["convert_document"] >= 1 and small["atomic_write"] >= 2  # (the story, in both scripts)
    assert small["converted document unpickled"] == 0  # (those not written again are not read back)


def damage(folder, manifest, tmp_path):
    """A page edited in place (the same size, another mtime), a page removed, a page and an asset
    each replaced by a link to a copy of their very bytes: the paths."""
    pages = sorted(path for path in manifest["pages"] if "story-" in path and not path.endswith("story-0.md"))
    edited, removed, linked = pages[0], pages[1], pages[2]
    target = folder / edited
    target.write_bytes(target.read_bytes().replace("的故事".encode(), "的故亊".encode()))
    os.unlink(folder / removed)
    image = manifest["assets"][0]
    for path in (linked, image):
        aside = tmp_path / f"{folder.name}-{Path(path).name}"
        shutil.copy2(folder / path, aside)
        os.unlink(folder / path)
        os.symlink(aside, folder / path)
    return {edited, removed, linked, image}


def test_damage_made_while_no_worker_ran_is_written_again_by_the_first_approval(settings, programme,
                                                                                 tmp_path):
    stories = stories_of(programme, 5, portrait=1)
    content = Path(settings.KEPU_CONTENT_DIR)
    hant = mirror_site.content_dir_of(content)
    state = PublishState(restored=True)
    first = exported(content, state)
    state.save()  # (as after the swap; then the worker stops)
    damaged = {content: damage(content, first.manifest, tmp_path), hant: damage(hant, first.mirror.manifest, tmp_path)}
    stories[0].title = "李四光：地质学家"
    stories[0].save_revision().publish()
    fresh = PublishState()
    fresh.restore()
    mirror_site.restore(fresh)
    out = exported(content, fresh)
    assert not (out.checked or out.mirror.checked)  # (found as the rows were read back, not by walking)
    for folder, written in ((content, out.written), (hant, out.mirror.written)):
        assert damaged[folder] <= set(written), folder
        assert not any((folder / path).is_symlink() for path in damaged[folder]), folder
    cold = tmp_path / "cold-content"
    exported(cold, PublishState(restored=True))
    assert snapshot(content) == snapshot(cold)
    assert snapshot(hant) == snapshot(mirror_site.content_dir_of(cold))


def test_a_manifest_changed_while_no_worker_ran_makes_the_first_write_check_and_walk_everything(
        settings, programme, tmp_path):
    stories = [make_story(programme, title=f"{name}的故事", slug=f"story-{number}", scientist_name=name)
               for number, name in enumerate(NAMES[:3])]
    content = Path(settings.KEPU_CONTENT_DIR)
    state = PublishState(restored=True)
    exported(content, state)
    state.save()
    manifest_file = content / write.MANIFEST_NAME
    manifest_file.write_bytes(manifest_file.read_bytes())  # (the same bytes, another file: not the one written)
    (content / "stray.md").write_text("---\n{}\n---\n\n放进来的页面\n", "utf-8")
    stories[0].title = "李四光：地质学家"
    stories[0].save_revision().publish()
    out = exported(content, restarted(state))
    assert out.checked and not out.mirror.checked
    assert "stray.md" in out.deleted and not (content / "stray.md").exists()


def test_every_write_looks_at_the_navigations_pages(settings, programme, monkeypatch, tmp_path):
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 100)  # (no write checks every file)
    for number, name in enumerate(NAMES[:3]):
        make_story(programme, title=f"{name}的故事", slug=f"story-{number}", scientist_name=name)
    content = Path(settings.KEPU_CONTENT_DIR)
    state = PublishState(restored=True)
    first = exported(content, state)
    page = first.manifest["nav"][0]["path"]  # the programme's page, which every page's navigation lists
    before = (content / page).read_bytes()
    (content / page).write_bytes(before.replace(b"\n---\n", b"\n---\n<script>alert(1)</script>\n", 1))
    (content / "index.md").unlink()
    out = exported(content, state)  # (nothing changed since: a write that looks only at what changed)
    assert not out.checked
    assert set(out.written) == {page, "index.md"}
    cold = tmp_path / "cold-content"
    exported(cold, PublishState(restored=True))
    assert snapshot(content) == snapshot(cold)
