"""The second build of an approval (its search index, staging.prepare_index) starts from the oldest build
the cleanup would delete next, brought in line with the live one. The index's bucket files' folder and
a changed shard's take a new name on every approval (named by their content): the old folders are
renamed to the new names, so the copy links only the files that are new since that build, not every
file of those folders, and ends up the very same files as the live build. A patched shard's files whose
bytes did not change stay the same files, so that such copies skip them too."""

import os
from pathlib import Path

import pytest

from cms.hant.models import MirrorSettings
from cms.publish import staging, swap
from cms.publish.pipeline import publish
from cms.sitesearch import index as search
from tests.conftest import make_story
from tests.publish.test_site_search import write_documents
from tests.publish.trees import folders  # noqa: F401 (a fixture)
from tests.sitesearch.test_update_in_place import Builds, shard_folder

pytestmark = pytest.mark.usefixtures("folders")


def inodes(root):
    """{relative path: inode} of every file under ``root``."""
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def mirror_on(db):
    settings = MirrorSettings.load()
    settings.enabled, settings.profile, settings.prefix = True, "s2hk", "zh-hant"
    settings.save()


@pytest.fixture
def copies(monkeypatch):
    """Each staging.prepare_index of the test: (links made, the files of the live build that the
    build it started from did not have, by inode; whether the staged site is the live one's files)."""
    seen = []
    prepare = staging.prepare_index

    def counted(build_id, live, **kwargs):
        others = [b for b in swap.list_builds() if b != live.id]
        held = set(inodes(swap.builds_dir() / others[0] / "site").values()) if others else set()
        made = []
        link = os.link

        def counting(*args, **kw):
            made.append(args[1])
            return link(*args, **kw)

        monkeypatch.setattr(os, "link", counting)
        try:
            stage = prepare(build_id, live, **kwargs)
        finally:
            monkeypatch.setattr(os, "link", link)
        mine, theirs = inodes(stage / "site"), inodes(live.dir / "site")
        new = {rel for rel, number in theirs.items() if number not in held}
        seen.append((len(made), new, len(theirs), mine == theirs))
        return stage

    monkeypatch.setattr(staging, "prepare_index", counted)
    return seen


def test_index_staging_links_only_changes(mirror_on, programme, settings, copies):
    settings.KEPU_KEEP_BUILDS = 2
    stories = [make_story(programme, title=f"科学家{n}", slug=f"story-{n}",
                          body=[("paragraph", f"<p>第{n}位科学家的故事，讲述研究与发现。</p>")]) for n in range(6)]
    publish(full=True)
    for number in range(3):  # approvals: the title of one story each time
        story = stories[number]
        story.title = f"{story.title}：新版"
        story.save_revision().publish()
        result = publish()
        assert result.incremental and not result.search_pending
    assert len(copies) == 3
    # The first approval's index build has no build to start from but the live one's pages build:
    # linked whole. From the second on, the oldest build is brought in line.
    assert all(same for _links, _new, _total, same in copies)  # the staged site is the live build's files
    for links, new, total, _ in copies[1:]:
        search = {rel for rel in new if "search/" in rel}
        assert search  # (the renamed folders hold files new since, in both scripts)
        assert links <= len(new) + 10, (links, len(new), total)
        assert links < total // 4


def test_a_patched_shard_keeps_the_files_whose_bytes_did_not_change(tmp_path, monkeypatch):
    """A page's text changed: its shard is patched in place, and of its files only those whose
    bytes changed are new files; pages.json (the same pages at the same slots) and names.json (no
    tag or programme changed) stay the last build's, so a copy that compares by inode skips them."""
    content = tmp_path / "content"
    pages = write_documents(content, 40)["pages"]
    builds = Builds(tmp_path, content, pages)
    pages.update(write_documents(content, 40, extra="新增的词：优选法。")["pages"])
    b1, _links, stats = builds.update(monkeypatch)
    assert stats["built"] == 1
    number = search.shard_of("p/page-03.md", search.shard_count(40, 16))
    new, old = shard_folder(b1, number), shard_folder(tmp_path / "b0", number)
    assert new.name != old.name
    for name in ("pages.json", "names.json"):
        assert (new / name).read_bytes() == (old / name).read_bytes()
        assert (new / name).samefile(old / name), name
    for name in ("g.seg", "c.seg"):  # the same file exactly when the same bytes
        assert (new / name).samefile(old / name) == ((new / name).read_bytes() == (old / name).read_bytes())


def test_at_the_default_number_of_builds_every_staging_follows_the_journals(programme, settings, monkeypatch):
    """KEPU_KEEP_BUILDS = 5 (the default): once five builds are kept, each approval's two stagings (its
    pages from the spare or the oldest build, its index from the oldest build) follow the chain of
    journals back to the build they start from, never the walk of the whole site — also through
    spares taken and made into later builds (their journals stay while a chain needs them)."""
    settings.KEPU_KEEP_BUILDS = 5
    walks, followed = [], []
    relink_tree, relink_paths = staging.fsutil.relink_tree, staging.fsutil.relink_paths
    monkeypatch.setattr(staging.fsutil, "relink_tree",  # (a tree a journal names is walked alone: not counted)
                        lambda *a, **k: (str(a[0]).endswith("/site") and walks.append(a[0])) or relink_tree(*a, **k))
    monkeypatch.setattr(staging.fsutil, "relink_paths",
                        lambda *a, **k: followed.append(a[0]) or relink_paths(*a, **k))
    stories = [make_story(programme, title=f"科学家{n}", slug=f"story-{n}",
                          body=[("paragraph", f"<p>第{n}位科学家的故事。</p>")]) for n in range(8)]
    publish(full=True)
    for story in stories:  # eight approvals: one story's title each
        story.title = f"{story.title}：新版"
        story.save_revision().publish()
        assert publish().incremental
    assert len(swap.list_builds()) == 5
    assert walks == []  # (before: every index staging walked the whole site, its chain cut short)
    assert len(followed) >= 8
