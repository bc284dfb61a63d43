"""Git's "racy" rule in the index build's staging (docs/search-index-cost.md §3): on a kernel whose file
times come from a coarse clock (before Linux 6.13: steps of the tick, 1–10 ms), a name put into a folder
of the expiring build within the same step as that build's journal was written leaves the folder's ctime
equal to the journal's time, not later. A folder whose ctime is within one step of the journal's time is
therefore not trusted: the expiring build is brought in line by the full walk. The coarse clock is played
here by giving the journal the very time the folder got (``os.utime``): what such a clock gives both."""

import os
from pathlib import Path

import pytest

from cms.publish import fsutil, staging, swap
from tests.publish import test_behind_kepus_back as behind
from tests.publish.test_behind_kepus_back import PAGE, SCRIPTED, approve, expiring_site, live_site, put

steady, small_site = behind.steady, behind.small_site  # (fixtures)

pytestmark = pytest.mark.usefixtures("folders")

STEP = fsutil.CLOCK_STEP_NS


def _journal_time(monkeypatch, written):
    monkeypatch.setattr(swap, "journal_written", lambda build_id: written)


def test_a_folder_changed_in_the_same_clock_step_as_the_journal_is_not_trusted(tmp_path, monkeypatch):
    (tmp_path / "page").mkdir()
    changed = os.lstat(tmp_path / "page").st_ctime_ns
    folders = {"page": None}
    root = os.lstat(tmp_path).st_ctime_ns  # (looked at too: above "page/x")
    _journal_time(monkeypatch, changed)  # the same step: the journal's time is the folder's
    assert staging._changed_since_journal("A", tmp_path, folders, ({"page/x"}, set()))
    _journal_time(monkeypatch, changed + STEP - 1)  # the folder less than a step before the journal
    assert staging._changed_since_journal("A", tmp_path, folders, ({"page/x"}, set()))
    _journal_time(monkeypatch, max(changed, root) + STEP)  # a whole step before: what the journal saw
    assert not staging._changed_since_journal("A", tmp_path, folders, ({"page/x"}, set()))


def test_the_clock_step_is_the_kernels_coarse_clocks():
    assert 0 < STEP <= 10_000_000  # (Linux: 1 ms at HZ=1000 … 10 ms at HZ=100)


@pytest.mark.django_db
def test_a_page_put_into_the_expiring_build_in_its_journals_clock_step_does_not_reach_the_live_site(steady):
    """As test_behind_kepus_back's expiring-build case, the page put within the clock step of that
    build's journal: its folder's ctime is the journal's time, no later."""
    put(expiring_site(), PAGE, SCRIPTED)
    expiring = expiring_site().parent.name
    folder = expiring_site() / Path(PAGE).parent.parent  # (the page's own folder "extra/" is new)
    ctime = os.lstat(folder).st_ctime_ns
    journal = swap.builds_dir() / swap.JOURNALS / f"{expiring}.json"
    os.utime(journal, ns=(ctime, ctime))
    assert swap.journal_written(expiring) == ctime
    approve(steady, "next")
    assert not (live_site() / PAGE).exists()
