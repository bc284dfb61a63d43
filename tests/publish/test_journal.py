"""The journal (docs/search-index-cost.md §3): each build notes what it changed under site/ against the
build it was made from, and the next staging brings an older build in line with the live one by those
paths only, with as many links and stats as paths changed, not as files in the site; without a whole
chain of journals (one missing or incomplete, a rollback, a full build) it walks the whole tree as
before. Trees built by hand: builds A (oldest), B and C (live), each a hard-linked copy of the one before
with a few files changed."""

import os
from pathlib import Path

import pytest

from cms.publish import fsutil, staging, swap
from tests.publish.trees import folders  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("folders")

A, B, C = "20260101T000000.000000001-aaaa", "20260101T000000.000000002-bbbb", "20260101T000000.000000003-cccc"
PAGES = 60  # p00/index.html … p59/index.html, each in a folder of its own, with a picture


def make_build(build_id, parent=None, write=None, remove=()):
    """A complete build: ``parent``'s site/ as hard links (or PAGES pages), then ``write`` ({path: text})
    written as new files and ``remove`` removed; its journal says so (none for the first)."""
    folder = swap.builds_dir() / build_id
    site = folder / "site"
    if parent is None:
        for number in range(PAGES):
            page = site / f"p{number:02}"
            page.mkdir(parents=True)
            (page / "index.html").write_text(f"page {number}")
            (page / "pic.svg").write_text(f"<svg>{number}</svg>")
        (site / "search" / "s" / "000-aa").mkdir(parents=True)
        (site / "search" / "s" / "000-aa" / "d.json").write_text("{}")
    else:
        fsutil.link_tree(swap.builds_dir() / parent / "site", site)
    write = write or {}
    for rel, text in write.items():
        fsutil.make_dir((site / rel).parent, exist_ok=True)
        fsutil.write_file(site / rel, text)
    fsutil.remove_and_prune(site, remove)
    (folder / "manifest.json").write_text("{}")
    (folder / "mkdocs.yml").write_text("")
    swap.write_journal(build_id, parent=parent, files=[*write, *remove], full=parent is None)  # (as a publish's)
    swap.activate(build_id)
    return swap.live()


@pytest.fixture
def chain(settings, monkeypatch):
    """A, B and C (live), KEPU_KEEP_BUILDS = 2: the next staging starts from A. Made within a few
    milliseconds, each journal within the file system's clock step of its build's last change, so
    the step is taken to be nil here (the racy rule: test_racy_folders.py)."""
    settings.KEPU_KEEP_BUILDS = 2
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", 0)
    make_build(A)
    make_build(B, A, write={"p01/index.html": "page 1, second", "new/index.html": "new"}, remove=["p02/index.html",
                                                                                                  "p02/pic.svg"])
    return make_build(C, B, write={"p03/index.html": "page 3, second", "new/index.html": "new, second"})


@pytest.fixture
def work(monkeypatch):
    """What the copy does to files and folders: links made, folders listed (scandir); without the
    check against the full walk (its own walk)."""
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    done = {"link": 0, "scandir": 0}
    for name in done:
        real = getattr(os, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            done[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, counted)
    return done


def surveyed(live, work=None):
    """The live build's folders as its verification's survey lists them (prepare_index's ``folders``);
    the walk not counted in ``work``."""
    found = fsutil.survey(live.dir / "site").folders
    if work is not None:
        work.update(link=0, scandir=0)
    return found


def files(root):
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


def test_a_chain_of_journals_brings_the_oldest_build_in_line_path_by_path(chain, work):
    stage = staging.prepare_index("20260101T000000.000000004-dddd", chain, folders=surveyed(chain, work))
    # p01, p03 and new/index.html linked; nothing listed (no folder walked).
    assert work == {"link": 3, "scandir": 0}
    assert files(stage / "site") == files(chain.dir / "site")  # the live build's very files
    assert not (stage / "site" / "p02").exists()


def test_without_the_live_builds_journal_the_whole_tree_is_walked(chain, work):
    (swap.builds_dir() / ".journal" / f"{C}.json").unlink()
    stage = staging.prepare_index("20260101T000000.000000004-dddd", chain, folders=surveyed(chain, work))
    assert work["link"] == 3 and work["scandir"] > 2 * PAGES  # both trees, every folder
    assert files(stage / "site") == files(chain.dir / "site")


def test_an_incomplete_journal_is_no_journal(chain, work):
    path = swap.builds_dir() / ".journal" / f"{B}.json"
    path.write_text(path.read_text().replace('"complete": true', '"complete": false'))
    stage = staging.prepare_index("20260101T000000.000000004-dddd", chain, folders=surveyed(chain, work))
    assert work["scandir"] > 2 * PAGES
    assert files(stage / "site") == files(chain.dir / "site")


def test_after_a_rollback_the_whole_tree_is_walked(chain, settings, work):
    settings.KEPU_KEEP_BUILDS = 3
    make_build("20260101T000000.000000004-dddd", C, write={"p04/index.html": "page 4, second"})
    swap.activate(C)  # rolled back: C's journals say nothing of D, the build the cleanup would delete next is A
    live = swap.live()
    stage = staging.prepare_index("20260101T000000.000000005-eeee", live, folders=surveyed(live, work))
    assert work["scandir"] > 2 * PAGES
    assert files(stage / "site") == files(live.dir / "site")


def test_a_spare_made_from_the_live_build_is_brought_in_line_by_its_own_journal(chain, work):
    """An index build that gave way is kept as the spare: C's files but for what it changed, its
    journal's parent C. The next staging takes it and puts back just those paths."""
    spare = swap.builds_dir() / ".spare-20260101T000000.000000004-dddd"
    fsutil.link_tree(chain.dir / "site", spare / "site")
    fsutil.write_file(spare / "site" / "search" / "s" / "000-aa" / "d.json", '{"half": "built"}')
    (spare / "site" / "search" / "s" / "001-bb").mkdir()
    (spare / "site" / "search" / "s" / "001-bb" / "d.json").write_text("{}")
    (spare / "manifest.json").write_text("{}")
    swap.write_journal("20260101T000000.000000004-dddd", parent=C, files=["search/s/000-aa/d.json"],
                       trees=["search/s/001-bb"])
    work.update(link=0, scandir=0)

    stage = staging.prepare("20260101T000000.000000005-eeee", live=chain, new={}, incremental=True,
                            keep_live_index=True)
    assert not spare.exists()  # taken
    assert work["link"] == 1 and work["scandir"] <= 2  # d.json linked back, 001-bb listed to remove it: no walk
    assert files(stage / "site") == files(chain.dir / "site")


def test_a_name_put_into_the_oldest_build_after_its_journal_makes_it_a_whole_walk(chain, work):
    """Another hand adds a page to build A once A was journaled: A's folder changed after its journal,
    so the journals cannot be trusted to say what differs, and the whole tree is walked (the page goes)."""
    extra = swap.builds_dir() / A / "site" / "p07" / "extra.html"
    extra.write_text("<script>alert(1)</script>")
    stage = staging.prepare_index("20260101T000000.000000004-dddd", chain, folders=surveyed(chain, work))
    assert work["scandir"] > 2 * PAGES
    assert files(stage / "site") == files(chain.dir / "site")


def test_without_the_live_builds_folders_the_oldest_build_is_walked_whole(chain, work):
    stage = staging.prepare_index("20260101T000000.000000004-dddd", chain, folders=None)
    assert work["scandir"] > 2 * PAGES
    assert files(stage / "site") == files(chain.dir / "site")


def test_a_journal_that_missed_a_write_is_caught_by_the_check(chain, monkeypatch):
    monkeypatch.setenv("KEPU_JOURNAL_CHECK", "1")
    site = chain.dir / "site"
    os.unlink(site / "p05" / "pic.svg")  # written behind the journal's back
    (site / "p05" / "pic.svg").write_text("<svg>other</svg>")
    with pytest.raises(fsutil.JournalMismatch, match="p05/pic.svg"):
        staging.prepare_index("20260101T000000.000000004-dddd", chain, folders=surveyed(chain))


def test_the_journal_notes_what_fsutils_writers_change_below_its_root_and_nothing_else(tmp_path):
    root, spool = tmp_path / "site", tmp_path / "spool"
    (root / "a").mkdir(parents=True)
    (root / "a" / "old.html").write_text("old")
    with fsutil.journal(root, spool):
        fsutil.write_file(root / "a" / "new.html", "new")
        fsutil.atomic_write(root / "b" / "c.json", b"{}")
        fsutil.remove_and_prune(root, ["a/old.html"])
        fsutil.write_file(tmp_path / "outside.txt", "not the site's")
        fsutil.record(root / "search", tree=True)
    fsutil.write_file(root / "after.html", "the journal is closed")
    assert fsutil.recorded(spool) == ({"a/new.html", "b/c.json", "a/old.html"}, {"search"})
