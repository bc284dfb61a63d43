"""A warm approval's write costs the change, not the site: content/ and the Traditional mirror's
content-hant/ take the documents that changed, and the documents, files and manifest entries that
did not are neither looked at one by one (serialised, compared, hashed, read back, converted,
encoded) nor written again, however many pages the site has. What is no longer in the folder as
the last write left it (a file edited, removed or replaced by a link behind Kepu's back) is written
again at the next approval, and both folders stay what a cold export makes of the same pages."""

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from cms.core.models import SiteSettings
from cms.hant import mirror as hant_mirror
from cms.hant.models import MirrorSettings
from cms.publish import fsutil, manifest, mirror_site, pipeline, write
from cms.publish import state as state_module
from cms.publish.models import PublishJob
from cms.publish.pipeline import export
from cms.publish.state import PublishState
from tests.conftest import make_image, make_story
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]

NAMES = ["李四光", "华罗庚", "钱三强", "竺可桢", "茅以升", "童第周", "周培源", "吴有训"]


@pytest.fixture
def mirror_on(db):
    settings = MirrorSettings.load()
    settings.enabled, settings.profile, settings.prefix = True, "s2hk", "zh-hant"
    settings.save()


def exported(content, state):
    return export(content, SiteSettings.load(), state, mirror=hant_mirror.load())


class Counting:
    """What the export does one document or file at a time, counted while ``on``."""

    def __init__(self, monkeypatch):
        self.on, self.seen = False, Counter()
        self.wrap(monkeypatch, write, "serialise")
        self.wrap(monkeypatch, write, "sha256")
        self.wrap(monkeypatch, write.WrittenFiles, "serialised")
        self.wrap(monkeypatch, write.WrittenFiles, "raw")
        self.wrap(monkeypatch, fsutil, "atomic_write")
        self.wrap(monkeypatch, fsutil, "holds")
        self.wrap(monkeypatch, mirror_site.Converted, "_reusable")
        self.wrap(monkeypatch, hant_mirror.Mirror, "convert_document")
        self.wrap(monkeypatch, hant_mirror.Mirror, "convert_file")
        encode = manifest.json.dumps

        def dumps(value, **kwargs):  # a manifest's page entry, alone or in a section of them
            if self.on and isinstance(value, dict):
                entries = [value] if "revision" in value else [
                    entry for entry in value.values() if isinstance(entry, dict) and "revision" in entry]
                self.seen["page entry encoded"] += len(entries)
            return encode(value, **kwargs)

        monkeypatch.setattr(manifest, "json", type("json", (), {"dumps": staticmethod(dumps), "loads": json.loads}))
        part = manifest._part

        def entry_part(key, value):  # (a page entry's text made without json.dumps)
            if self.on and isinstance(value, dict) and "revision" in value:
                self.seen["page entry encoded"] += 1
            return part(key, value)

        monkeypatch.setattr(manifest, "_part", entry_part)
        self.wrap(monkeypatch, manifest, "_page_entry")
        self.wrap(monkeypatch, mirror_site.Converted, "file")
        for name in ("lstat", "stat"):
            self.look(monkeypatch, os, name)
        self.look(monkeypatch, os.path, "isfile")
        self.look(monkeypatch, os.path, "lexists")

    def look(self, monkeypatch, owner, name):
        """A look at a file in a content folder (content/ or content-hant/) by ``owner.name``."""
        call = getattr(owner, name)

        def looked(path, *args, **kwargs):
            if self.on and "/content" in os.fspath(path):
                self.seen[f"{name} in a content folder"] += 1
            return call(path, *args, **kwargs)

        monkeypatch.setattr(owner, name, looked)

    def wrap(self, monkeypatch, owner, name):
        call = getattr(owner, name)

        def counted(*args, **kwargs):
            if self.on:
                self.seen[name] += 1
            return call(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def stories_of(programme, count, *, portrait=None):
    """``count`` stories of NAMES, the one numbered ``portrait`` with a portrait."""
    return [make_story(programme, title=f"{name}的故事", slug=f"story-{number}", scientist_name=name,
                       portrait=make_image(f"{name}肖像") if number == portrait else None, portrait_alt="肖像")
            for number, name in enumerate(NAMES[:count])]


def at_three_and_eight(settings, programme, run):
    """``run(count)`` at 3 stories, then at 8 from nothing (the stories and both content folders anew)."""
    small = run(3)
    for page in programme.get_children():
        page.delete()
    shutil.rmtree(settings.KEPU_CONTENT_DIR)
    shutil.rmtree(mirror_site.content_dir_of(settings.KEPU_CONTENT_DIR))
    return small, run(8)


def one_approval(programme, monkeypatch, content, count):
    """``count`` stories, all exported; then one story's title edited and approved: what its export did."""
    stories = [make_story(programme, title=f"{name}的故事", slug=f"story-{number}", scientist_name=name)
               for number, name in enumerate(NAMES[:count])]
    counting = Counting(monkeypatch)
    state = PublishState(restored=True)
    before = exported(content, state)
    stories[0].title = "李四光：地质学家"
    stories[0].save_revision().publish()
    counting.on = True
    out = exported(content, state)
    counting.on = False
    changed = manifest.diff(before.manifest, out.manifest).changed + manifest.diff(
        before.mirror.manifest, out.mirror.manifest).changed
    return counting.seen, out, changed


def test_a_one_story_approval_does_as_much_at_three_pages_as_at_eight(settings, programme, mirror_on, monkeypatch,
                                                                      tmp_path):
    (small, out, changed), (large, large_out, _changed) = at_three_and_eight(
        settings, programme, lambda count: one_approval(programme, monkeypatch, Path(settings.KEPU_CONTENT_DIR), count))
    assert any(path.endswith("story-0.md") for path in out.written)
    assert any(path.endswith("story-0.md") for path in out.mirror.written)
    assert small == large and len(large_out.manifest["pages"]) > 8
    assert small["lstat in a content folder"] + small["stat in a content folder"] > 0  # (what it wrote)
    assert small["convert_document"] >= 1 and small["atomic_write"] >= 2  # (the story, in both scripts)
    # The entries of the pages changed (the story, the listings that show its title), in content/'s
    # manifest and content-hant/'s: the others' are the text the last write made of them.
    assert small["page entry encoded"] == len(changed) and any(path.endswith("story-0.md") for path in changed)


def test_files_changed_behind_kepus_back_are_written_again_by_the_next_write_that_checks_every_file(
        settings, programme, mirror_on, monkeypatch, tmp_path):
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 3)
    stories = stories_of(programme, 3, portrait=1)
    content = Path(settings.KEPU_CONTENT_DIR)
    hant = mirror_site.content_dir_of(content)
    state = PublishState(restored=True)
    first = exported(content, state)
    assert first.checked and first.mirror.checked  # (the first write of a process checks every file)
    edited = {}
    for folder in (content, hant):
        pages = sorted(path for path in snapshot(folder) if path.endswith(".md") and "story-" in path)
        same_size, linked = pages[1], pages[2]  # (not story-0's, which the approvals change)
        target = folder / same_size  # edited in place: the same size, another mtime
        target.write_bytes(target.read_bytes().replace("的故事".encode(), "的故亊".encode()))
        aside = tmp_path / f"{folder.name}-copy"  # a link to a copy of the very bytes and mtime
        shutil.copy2(folder / linked, aside)
        os.unlink(folder / linked)
        os.symlink(aside, folder / linked)
        image = next(path for path in first.manifest["assets"])  # an asset: a link to a copy of it
        shutil.copy2(folder / image, tmp_path / f"{folder.name}-image")
        os.unlink(folder / image)
        os.symlink(tmp_path / f"{folder.name}-image", folder / image)
        edited[folder] = {same_size, linked, image}
    # The approvals between two checks look only at what they write (the story, its listings)…
    for number in (1, 2):
        stories[0].title = f"李四光：地质学家{number}"
        stories[0].save_revision().publish()
        out = exported(content, state)
        assert not (out.checked or out.mirror.checked)
        assert not edited[content] & set(out.written) and not edited[hant] & set(out.mirror.written)
    # … and every third write checks every file: what is no longer as written is written again.
    stories[0].title = "李四光：地质学家"
    stories[0].save_revision().publish()
    out = exported(content, state)
    assert out.checked and out.mirror.checked
    for folder, written in ((content, out.written), (hant, out.mirror.written)):
        assert edited[folder] <= set(written), folder
        assert not any((folder / path).is_symlink() for path in edited[folder])
    cold = tmp_path / "cold-content"
    exported(cold, PublishState(restored=True))
    assert snapshot(content) == snapshot(cold)
    assert snapshot(hant) == snapshot(mirror_site.content_dir_of(cold))


def test_an_asset_is_made_again_when_a_link_stands_in_its_place(settings, programme, mirror_on, monkeypatch,
                                                                tmp_path):
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 1)  # (every write checks every file)
    story = make_story(programme, title="李四光的故事", slug="story-0", scientist_name="李四光",
                       portrait=make_image("李四光肖像"), portrait_alt="肖像")
    content = Path(settings.KEPU_CONTENT_DIR)
    hant = mirror_site.content_dir_of(content)
    state = PublishState(restored=True)
    image = exported(content, state).manifest["assets"][0]
    held = (content / image).read_bytes()
    shutil.copy2(content / image, tmp_path / "same-bytes")  # content/: a link to a copy of its very bytes
    os.unlink(content / image)
    os.symlink(tmp_path / "same-bytes", content / image)
    (tmp_path / "elsewhere").write_bytes(b"not the image")  # content-hant/: a link to other bytes
    os.unlink(hant / image)
    os.symlink(tmp_path / "elsewhere", hant / image)
    story.title = "李四光：地质学家"
    story.save_revision().publish()
    out = exported(content, state)
    for folder, written in ((content, out.written), (hant, out.mirror.written)):
        assert image in written, folder
        assert not (folder / image).is_symlink() and (folder / image).read_bytes() == held, folder
    assert os.path.samefile(content / image, hant / image)  # (the mirror's assets: links to content/'s)


def test_approvals_in_a_warm_worker_leave_both_folders_as_a_cold_export_makes_them(settings, programme, mirror_on,
                                                                                    tmp_path):
    stories = [make_story(programme, title=f"{name}的故事", slug=f"story-{number}", scientist_name=name)
               for number, name in enumerate(NAMES[:4])]
    content = Path(settings.KEPU_CONTENT_DIR)
    state = PublishState(restored=True)
    exported(content, state)
    steps = [lambda: setattr(stories[0], "title", "李四光：地质学家"),
             lambda: setattr(stories[1], "scientist_name", "张钟"),  # a protected name comes
             lambda: stories[2].unpublish(),
             lambda: setattr(stories[1], "scientist_name", "华罗庚")]  # and goes
    for number, step in enumerate(steps):
        step()
        if number != 2:
            story = stories[0] if number == 0 else stories[1]
            story.save_revision().publish()
        exported(content, state)
        cold = tmp_path / f"cold-{number}"
        exported(cold, PublishState(restored=True))
        assert snapshot(content) == snapshot(cold), number
        assert snapshot(mirror_site.content_dir_of(content)) == snapshot(mirror_site.content_dir_of(cold)), number
        assert json.loads((content / write.MANIFEST_NAME).read_text("utf-8")) == json.loads(
            (cold / write.MANIFEST_NAME).read_text("utf-8"))


def test_after_a_failed_publish_the_next_write_of_both_folders_checks_every_file(
        settings, programme, mirror_on, monkeypatch):
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 100)
    stories = stories_of(programme, 2)
    content = Path(settings.KEPU_CONTENT_DIR)
    state = PublishState(restored=True)
    monkeypatch.setattr(state_module, "_CURRENT", state)
    exported(content, state)
    stories[0].title = "李四光：地质学家1"
    stories[0].save_revision().publish()
    out = exported(content, state)
    assert not (out.checked or out.mirror.checked)  # (a warm write looks only at what it writes)

    def fails(**kwargs):  # a publish that wrote both folders and then failed (its build, say)
        raise RuntimeError("构建失败")

    monkeypatch.setattr(pipeline, "publish", fails)
    with pytest.raises(RuntimeError):
        PublishJob.run_command()
    assert PublishJob.objects.get().status == "failed"
    stories[0].title = "李四光：地质学家2"
    stories[0].save_revision().publish()
    out = exported(content, state)
    assert out.checked and out.mirror.checked  # content/ and content-hant/: every file looked at again
