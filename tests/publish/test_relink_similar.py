"""fsutil.relink_tree with ``similar``: a folder named by its content (the search index's bucket files, a
shard) that took a new name is brought in line from the stale folder of its old name, renamed, so that
only the files that changed are linked; and what must never be paired is not."""

import os
import stat

from cms.publish import fsutil
from cms.sitesearch import index as search


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def files(root):
    """{relative path: inode} of every file under root (not following symlinks)."""
    found = {}
    for here, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(here, name)
            found[os.path.relpath(path, root)] = os.lstat(path).st_ino
    return found


def folder_modes(root):
    return {os.path.relpath(os.path.join(here, name), root): stat.S_IMODE(os.lstat(os.path.join(here, name)).st_mode)
            for here, dirs, _ in os.walk(root) for name in dirs}


def buckets_moved(tmp_path):
    """site/ whose bucket files' folder is search/p/03-bbbbbbbbbbbb/ (100 files, two of them new since), and an
    older copy, target/, in which the same files are linked under search/p/03-aaaaaaaaaaaa/, as the build before."""
    source, target = tmp_path / "site", tmp_path / "target"
    for number in range(100):
        write(source / "search/p/03-bbbbbbbbbbbb/g" / f"{number:x}.bin", f"bucket {number}")
    write(source / "index.html", "首页")
    (target / "search/p/03-aaaaaaaaaaaa/g").mkdir(parents=True)
    for number in range(100):
        old = target / "search/p/03-aaaaaaaaaaaa/g" / f"{number:x}.bin"
        if number in (31, 50):
            old.write_text(f"bucket {number}, the earlier one")  # changed since: a file of its own
        else:
            os.link(source / "search/p/03-bbbbbbbbbbbb/g" / f"{number:x}.bin", old)
    os.link(source / "index.html", target / "index.html")
    for folder in (source, target):
        for here, dirs, _ in os.walk(folder):
            for name in dirs:
                os.chmod(os.path.join(here, name), 0o755)
    return source, target


def test_relink_similar(tmp_path):
    source, target = buckets_moved(tmp_path)
    stale = os.stat(target / "search/p/03-aaaaaaaaaaaa").st_ino
    asked = []

    def similar(rel, names):
        asked.append((rel, names))
        return search.similar(rel, names)

    assert fsutil.relink_tree(source, target, similar=similar) == 2
    assert asked == [("search/p/03-bbbbbbbbbbbb", ["03-aaaaaaaaaaaa"])]
    assert not (target / "search/p/03-aaaaaaaaaaaa").exists()
    assert os.stat(target / "search/p/03-bbbbbbbbbbbb").st_ino == stale  # renamed, not made
    assert files(target) == files(source)  # the same names, the very same files, nothing else
    assert set(folder_modes(target).values()) == {0o755}


def test_relink_without_similar_links_the_whole_folder(tmp_path):
    """Without ``similar`` (as before): the renamed folder is made anew and each of its files linked."""
    source, target = buckets_moved(tmp_path)
    stale = os.stat(target / "search/p/03-aaaaaaaaaaaa").st_ino
    assert fsutil.relink_tree(source, target) == 100
    assert not (target / "search/p/03-aaaaaaaaaaaa").exists()
    assert os.stat(target / "search/p/03-bbbbbbbbbbbb").st_ino != stale
    assert files(target) == files(source)
    assert set(folder_modes(target).values()) == {0o755}


def stale_kinds(tmp_path, source, elsewhere, label):
    """An older copy of ``source`` whose search/p/ holds, beside nothing it should keep: a file, a
    symlink to a folder of the same files, and a temporary folder of the same files."""
    target = tmp_path / f"target-{label}"
    (target / "search/p/.tmp-half/g").mkdir(parents=True)
    write(target / "search/p/a-file", "not a folder")
    os.symlink(elsewhere, target / "search/p/linked")
    for number in range(5):
        os.link(source / "search/p/new/g" / f"{number}.bin", target / "search/p/.tmp-half/g" / f"{number}.bin")
    return target


def test_relink_similar_refuses(tmp_path):
    """A file, a symlink to a folder, a temporary (``.tmp-``) folder: never passed to ``similar`` as
    stale folders, and never renamed even when ``similar`` names them."""
    source, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    for number in range(5):
        write(source / "search/p/new/g" / f"{number}.bin", f"bucket {number}")
        write(elsewhere / "g" / f"{number}.bin", f"bucket {number}")
    symlinked = files(elsewhere)
    for name in ("a-file", "linked", ".tmp-half"):
        target = stale_kinds(tmp_path, source, elsewhere, name)
        stale = {entry: os.lstat(target / "search/p" / entry).st_ino for entry in os.listdir(target / "search/p")}
        asked = []

        def similar(rel, names, name=name, asked=asked):
            asked.append(names)
            return name

        assert fsutil.relink_tree(source, target, similar=similar) == 5
        assert asked == []  # none of them is a candidate
        assert os.listdir(target / "search/p") == ["new"]
        assert os.lstat(target / "search/p/new").st_ino not in stale.values()
        assert files(target) == files(source)
        assert files(elsewhere) == symlinked  # nothing done through the symlink


def test_relink_similar_refuses_a_name_it_was_not_given(tmp_path):
    """``similar`` naming a folder that is not among the stale ones (one ``source`` has too) is not
    obeyed: the new folder is made, the stale one removed."""
    source, target = tmp_path / "site", tmp_path / "target"
    write(source / "search/s/001-keep/pages.json", "[]")
    write(source / "search/s/002-new/pages.json", "[1]")
    (target / "search/s").mkdir(parents=True)
    (target / "search/s/001-keep").mkdir()
    os.link(source / "search/s/001-keep/pages.json", target / "search/s/001-keep/pages.json")
    write(target / "search/s/009-gone/pages.json", "[9]")
    kept = os.stat(target / "search/s/001-keep").st_ino
    asked = []
    assert fsutil.relink_tree(source, target, similar=lambda rel, names: asked.append(names) or "001-keep") == 1
    assert asked == [["009-gone"]]
    assert os.stat(target / "search/s/001-keep").st_ino == kept
    assert files(target) == files(source)


def test_relink_similar_pairs_a_shard_with_its_own_number_only(tmp_path):
    """Shards 002 and 003 both took new names; 004 is new, its number had no shard: 002 and 003 are
    renamed to their successors, 004 made, and the stale 005 (a shard gone) removed."""
    source, target = tmp_path / "site", tmp_path / "target"
    for number in (2, 3, 4):
        for slot in range(10):
            write(source / f"zh-hant/search/s/{number:03d}-new/d/{slot}.json", f"{number} {slot}")
    (target / "zh-hant/search/s").mkdir(parents=True)
    for old, number in (("002-old", 2), ("003-old", 3), ("005-old", 4)):
        (target / "zh-hant/search/s" / old / "d").mkdir(parents=True)
        for slot in range(10):
            os.link(source / f"zh-hant/search/s/{number:03d}-new/d/{slot}.json",
                    target / "zh-hant/search/s" / old / "d" / f"{slot}.json")
    inodes = {name: os.stat(target / "zh-hant/search/s" / name).st_ino for name in ("002-old", "003-old", "005-old")}
    assert fsutil.relink_tree(source, target, similar=search.similar) == 10  # 004's files, not 005's
    assert sorted(os.listdir(target / "zh-hant/search/s")) == ["002-new", "003-new", "004-new"]
    assert os.stat(target / "zh-hant/search/s/002-new").st_ino == inodes["002-old"]
    assert os.stat(target / "zh-hant/search/s/003-new").st_ino == inodes["003-old"]
    assert os.stat(target / "zh-hant/search/s/004-new").st_ino != inodes["005-old"]
    assert files(target) == files(source)


def test_similar_pairs_only_folders_named_by_their_content():
    assert search.similar("search/p/03-new", ["02-old", "03-old"]) == "03-old"  # a group of bucket files
    assert search.similar("zh-hant/search/p/1ff-new", ["1ff-old"]) == "1ff-old"
    assert search.similar("_zh-hant/search/p/03-new", [".tmp-x", "03-old"]) == "03-old"
    assert search.similar("search/p/03-new", [".tmp-x", "04-old", "old"]) is None
    assert search.similar("search/p/new", ["old"]) is None  # (the layout before groups)
    assert search.similar("search/s/002-new", ["001-old", "003-old", "t2s-old", ".tmp-002"]) is None
    assert search.similar("search/s/002-new", ["001-old", "002-old"]) == "002-old"
    assert search.similar("search/s/t2s-new", ["002-old", "t2s-old"]) == "t2s-old"
    assert search.similar("search/s/t2s-new", ["002-old"]) is None
    # Not a content-named folder: a page's, a folder inside a shard, search/ itself.
    assert search.similar("gezhi-lundao/story-2", ["story-1"]) is None
    assert search.similar("search/s/002-new/d", ["e"]) is None
    assert search.similar("search/p/03-new/g", ["c"]) is None
    assert search.similar("search", ["find"]) is None
    assert search.similar("a/b/search/p/03-new", ["03-old"]) is None
