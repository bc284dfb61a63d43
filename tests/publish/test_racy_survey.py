"""A survey does not vouch for a folder changed within one step of the file clock before it
(fsutil._folder_identity, git's "racy" rule): on a coarse clock a name added in that same step would
leave the folder's ctime as the survey found it, and the next resurvey would take its old names."""

import os

import pytest

from cms.publish import fsutil


def _tree(root):
    (root / "old").mkdir()
    (root / "old" / "index.html").write_text("<p>old</p>")
    (root / "new").mkdir()
    (root / "new" / "index.html").write_text("<p>new</p>")


def test_a_folder_changed_just_before_the_survey_is_recorded_without_its_ctime(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", 3600 * 10**9)  # every change "within the step"
    racy = fsutil.survey(tmp_path, keyed=".html")
    assert racy.folders["new"][1] is None and racy.folders["old"][1] is None
    assert racy.folders["new"][0] == os.lstat(tmp_path / "new").st_ino
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", -3600 * 10**9)  # none of them (a clock a step behind)
    settled = fsutil.survey(tmp_path, keyed=".html")
    assert settled.folders["new"][1] == os.lstat(tmp_path / "new").st_ctime_ns


def test_the_next_resurvey_lists_such_a_folder_and_finds_a_name_added_in_that_step(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", -3600 * 10**9)
    before = fsutil.survey(tmp_path, keyed=".html")
    (tmp_path / "new" / "evil.js").write_text("alert(1)")  # put there by another hand
    info = os.lstat(tmp_path / "new")
    count = before.folders["new"][2]
    # On a coarse clock the folder's ctime would not have moved: what the survey saw is what is there now.
    before.folders["new"] = (info.st_ino, info.st_ctime_ns, count)
    assert "new/evil.js" not in fsutil.resurvey(tmp_path, before, set(), set(), keyed=".html").files
    # The racy rule recorded no ctime for it: listed, and the name found (in the tests' guard mode,
    # KEPU_JOURNAL_CHECK, a name the journals do not explain raises instead of the walk made then).
    before.folders["new"] = (info.st_ino, None, count)
    with pytest.raises(fsutil.JournalMismatch, match="'new'"):
        fsutil.resurvey(tmp_path, before, set(), set(), keyed=".html")


def test_the_guard_modes_check_compares_a_folders_ctime_only_where_both_surveys_vouch_for_it(tmp_path, monkeypatch):
    from cms.publish import verify

    _tree(tmp_path)
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", 3600 * 10**9)
    racy = fsutil.survey(tmp_path, keyed=".html")
    monkeypatch.setattr(fsutil, "CLOCK_STEP_NS", -3600 * 10**9)
    settled = fsutil.survey(tmp_path, keyed=".html")
    verify._check_survey(racy, settled)  # the same tree: no difference
    settled.folders["new"] = (settled.folders["new"][0], settled.folders["new"][1] + 1, settled.folders["new"][2])
    verify._check_survey(racy, settled)  # (racy holds no ctime for it)
    with pytest.raises(fsutil.JournalMismatch, match="folder ctimes"):
        verify._check_survey(fsutil.survey(tmp_path, keyed=".html"), settled)
