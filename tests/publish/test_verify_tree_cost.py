"""A tree the journals name (the search index's folders, which the index build renames and relinks)
is resurveyed by its folders' identities, not walked: only the folders whose names changed are listed,
and the result is the full walk's (fsutil.resurvey)."""

import os

import pytest

from cms.publish import fsutil


def build(root, groups=20, files=10):
    """A site/ by hand: a page, and search/p/<group>/ folders of files (the index's groups)."""
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("<p>a</p>")
    for group in range(groups):
        folder = root / "search" / "p" / f"{group:02x}-old"
        folder.mkdir(parents=True)
        for number in range(files):
            (folder / f"{number}.txt").write_text(f"{group} {number}")


pytestmark = pytest.mark.usefixtures("settled_clock")  # (conftest: counted as on a fine clock)


@pytest.fixture
def listed(monkeypatch):
    """The folders os.scandir listed (relative to the root being surveyed)."""
    done = []
    scandir = os.scandir
    monkeypatch.setattr(fsutil.os, "scandir", lambda path=".": (done.append(os.fspath(path)), scandir(path))[1])
    return done


def same(one, other):
    return (one.files, one.keys, one.inodes, one.folders, one.unreadable,
            {rel: sorted(names) for rel, names in one.names.items()}) == (
        other.files, other.keys, other.inodes, other.folders, other.unreadable,
        {rel: sorted(names) for rel, names in other.names.items()})


def test_a_renamed_group_is_listed_not_the_whole_index(tmp_path, listed, monkeypatch):
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    root = tmp_path / "site"
    build(root)
    before = fsutil.survey(root, keyed=".html")
    # The index build: group 03 gets a new file and a new name (its folder renamed, as relink_tree's similar).
    old, new = root / "search/p/03-old", root / "search/p/03-new"
    os.rename(old, new)
    (new / "extra.txt").write_text("new")
    listed.clear()
    after = fsutil.resurvey(root, before, set(), {"search"}, keyed=".html")
    names = sorted(os.path.relpath(path, root) for path in listed)
    # The root (it holds the tree the journals name), p/ (a name replaced) and the renamed group only.
    assert names == [".", "search/p", "search/p/03-new"], names  # (before: every folder of search/)
    assert same(after, fsutil.survey(root, keyed=".html"))
    assert "search/p/03-new/extra.txt" in after.files and "search/p/03-old/0.txt" not in after.files


def test_a_file_put_into_an_unchanged_group_is_seen(tmp_path, monkeypatch):
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    root = tmp_path / "site"
    build(root)
    before = fsutil.survey(root, keyed=".html")
    hidden = root / "search/p/07-old/private.txt"
    hidden.write_text("x")
    os.chmod(hidden, 0o600)
    page = root / "search/p/07-old/index.html"
    page.write_text("<script>alert(1)</script>")
    after = fsutil.resurvey(root, before, set(), {"search"}, keyed=".html")
    assert after.unreadable == ["search/p/07-old/private.txt"]
    assert "search/p/07-old/index.html" in after.keys
    assert same(after, fsutil.survey(root, keyed=".html"))


def test_a_tree_gone_leaves_nothing_of_it(tmp_path, monkeypatch):
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    root = tmp_path / "site"
    build(root, groups=3)
    before = fsutil.survey(root, keyed=".html")
    for path in sorted((root / "search").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (root / "search").rmdir()
    after = fsutil.resurvey(root, before, set(), {"search"}, keyed=".html")
    assert same(after, fsutil.survey(root, keyed=".html"))
    assert not any(rel.startswith("search") for rel in after.files | after.inodes.keys() | after.folders.keys())


def test_a_folder_moved_whole_into_a_renamed_group_is_not_listed(tmp_path, listed, monkeypatch):
    """A group renamed whose inner folder did not change (its inode and ctime): that folder's names are
    the ones found under the old name; only the renamed folder itself is listed."""
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    root = tmp_path / "site"
    build(root)
    inner = root / "search/p/05-old/g"
    inner.mkdir()
    for number in range(30):
        (inner / f"{number}.seg").write_text(str(number))
    before = fsutil.survey(root, keyed=".html")
    os.rename(root / "search/p/05-old", root / "search/p/05-new")
    (root / "search/p/05-new/extra.txt").write_text("new")
    listed.clear()
    after = fsutil.resurvey(root, before, set(), {"search/p/05-old", "search/p/05-new"}, keyed=".html")
    names = sorted(os.path.relpath(path, root) for path in listed)
    assert names == [".", "search", "search/p", "search/p/05-new"], names  # (not g/: before, listed)
    assert same(after, fsutil.survey(root, keyed=".html"))
    assert "search/p/05-new/g/7.seg" in after.files
