"""A restarted worker's first approval verifies from the survey saved with the scans (.scans.sqlite):
it stats the folders and pages against it, it does not walk the site; what was saved is checked, not
trusted: a page put into a build or written into while the worker was down stops that approval, and a
saved survey that does not match the disk makes the verification walk the site (docs/search-index-cost.md §3)."""

import collections
import contextlib
import json
import os
import sqlite3

import pytest

from cms.publish import fsutil, scan_store, swap
from cms.publish.errors import VerificationError
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from tests.publish import test_behind_kepus_back as behind
from tests.publish import test_verify_cost

small_site = test_verify_cost.small_site  # (fixtures)
steady = behind.steady

pytestmark = pytest.mark.usefixtures("folders")


@pytest.fixture
def walks(monkeypatch):
    """The site/ folders a full survey walked (not a search tree's: those are walked whole by design)."""
    walked = []
    survey = fsutil.survey

    def counting(root, **kwargs):
        if os.path.basename(os.fspath(root)) == "site":
            walked.append(os.fspath(root))
        return survey(root, **kwargs)

    monkeypatch.setattr(fsutil, "survey", counting)
    return walked


def restarted_approval(programme, slug):
    """An approval by a new worker: nothing in memory, what the last one saved on disk."""
    return _approve(programme, slug, PublishState())


def _approve(programme, slug, state):
    from tests.conftest import make_story

    make_story(programme, title="新的故事", slug=slug)
    return publish(state=state)


def test_a_restarted_worker_verifies_its_first_approval_by_stat_ing_folders_not_walking(steady, walks):
    walks.clear()
    done = restarted_approval(steady, "after-restart")
    assert done.incremental
    assert walks == []  # (before: the first verification of a worker walked the whole site)
    # The next one as well (its own memory now), and the survey saved again says the same as the disk.
    walks.clear()
    _approve(steady, "next", PublishState())
    assert walks == []


def test_the_saved_survey_is_the_full_walk_s(steady, monkeypatch):
    """In the guard mode a resurvey is checked against a full walk (JournalMismatch on any difference)."""
    monkeypatch.setenv("KEPU_JOURNAL_CHECK", "1")
    assert restarted_approval(steady, "after-restart").incremental


def test_a_page_put_into_the_spare_while_the_worker_was_down_stops_its_first_approval(steady):
    behind.put(behind.spare_site(), behind.PAGE, behind.SCRIPTED)
    with pytest.raises(VerificationError) as refused:
        restarted_approval(steady, "after-restart")
    assert f"{behind.PAGE} 不对应清单中的任何在线页面" in refused.value.problems


def test_a_page_written_into_while_the_worker_was_down_stops_its_first_approval(steady):
    """The very file (same inode) of a page of every build, written into in place: its size and time
    differ from the saved scan's, so it is parsed again."""
    page = behind.spare_site() / "gezhi-lundao/li-siguang/index.html"
    inode = os.stat(page).st_ino
    with open(page, "r+b") as handle:
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b"</body>", b"<script>alert(1)</script></body>", 1))
    assert os.stat(page).st_ino == inode
    with pytest.raises(VerificationError) as refused:
        restarted_approval(steady, "after-restart")
    assert any("gezhi-lundao/li-siguang/index.html 含有主题之外的脚本" in p for p in refused.value.problems), \
        refused.value.problems


def test_a_saved_survey_that_differs_from_the_disk_makes_the_verification_walk(steady, walks):
    """A folder row saved with a name the folder does not hold (the row damaged, or the folder changed
    behind Kepu's back at the same time as its ctime was saved): the folder is listed, its names differ,
    the site is walked; and a damaged row: no survey at all (a walk)."""
    store = swap.builds_dir() / scan_store.ScanStore.STORE
    with contextlib.closing(sqlite3.connect(store)) as db:
        rel, entry = db.execute("SELECT rel, entry FROM folders WHERE rel = 'gezhi-lundao'").fetchone()
        inode, _ctime, codes = json.loads(entry)
        db.execute("UPDATE folders SET entry = ? WHERE rel = ?",
                   (json.dumps([inode, 1, [*codes, ["gone.txt", 7]]]), rel))
        db.commit()
    walks.clear()
    restarted_approval(steady, "after-restart")
    assert len(walks) == 1

    with contextlib.closing(sqlite3.connect(store)) as db:
        db.execute("UPDATE folders SET entry = '[1, 2' WHERE rel = ''")
        db.commit()
    walks.clear()
    _approve(steady, "next", PublishState())
    assert len(walks) == 1


def test_the_scans_read_back_hold_each_link_pair_once(steady):
    scans = scan_store.ScanStore().get(swap.live().dir)
    pairs = [pair for entry in scans.values() for pair in entry["targets"]]
    assert len({id(pair) for pair in pairs}) == len(set(pairs)) < len(pairs)
    assert scans.counts == collections.Counter(target for _url, target in pairs)


def test_the_store_holds_each_link_pair_once(steady):
    """On disk too: a table of (url, target) pairs, each row's targets numbers into it."""
    store = swap.builds_dir() / scan_store.ScanStore.STORE
    with contextlib.closing(sqlite3.connect(store)) as db:
        pairs = db.execute("SELECT url, target FROM pairs").fetchall()
        entries = [json.loads(entry) for (entry,) in db.execute("SELECT entry FROM scans")]
    assert len(pairs) == len(set(pairs)) > 0
    numbers = [number for entry in entries for number in entry["targets"]]
    assert all(type(number) is int for number in numbers) and len(numbers) > len(pairs)
    scans = scan_store.ScanStore().get(swap.live().dir)
    assert {pair for entry in scans.values() for pair in entry["targets"]} == set(pairs)
