"""Verification by the journal (verify.verify's ``changed``): an approval's survey stats the paths the
builds since the last survey changed, the pages and the folders, not every file; one in
FULL_SURVEY_EVERY, a full build and a worker's first publish walk the whole tree. A file removed behind
Kepu's back changes its folder: the next approval sees it (tests/publish/test_behind_kepus_back.py)."""

import pytest

from cms.publish import fsutil, verify
from cms.publish.pipeline import publish
from tests.conftest import make_story
from tests.publish import test_verify_cost
from tests.publish.test_verify_cost import staged

small_site = test_verify_cost.small_site  # (a fixture)

pytestmark = pytest.mark.usefixtures("folders")


@pytest.fixture
def surveys(monkeypatch):
    """What each verification's survey did: ("walk", stats) for a full or known-inodes walk,
    ("journal", stats) for a journal-driven one; without the check against the full walk."""
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    done, inside = [], []
    walk, resurvey = fsutil.survey, fsutil.resurvey

    def walked(root, **kwargs):
        found = walk(root, **kwargs)
        if not inside:  # (not a journal's tree)
            done.append(("walk", found.stats))
        return found

    def journal(*args, **kwargs):
        inside.append(True)
        try:
            found = resurvey(*args, **kwargs)
        finally:
            inside.pop()
        done.append(("journal", found.stats))
        return found

    monkeypatch.setattr(fsutil, "survey", walked)
    monkeypatch.setattr(fsutil, "resurvey", journal)
    return done


def test_approvals_survey_what_their_journals_name_and_every_so_often_everything(
        small_site, programme, surveys, monkeypatch):
    monkeypatch.setattr(verify, "FULL_SURVEY_EVERY", 3)
    site_dir, manifest = small_site
    files = sum(1 for p in site_dir.rglob("*"))
    pages = sum(1 for p in site_dir.rglob("*.html"))
    folders = sum(1 for p in site_dir.rglob("*") if p.is_dir()) + 1
    surveys.clear()
    for number in range(4):
        make_story(programme, title=f"新故事{number}", slug=f"new-{number}")
        publish()
    kinds = [kind for kind, _stats in surveys]
    # Each approval verifies its pages build (journal: the files it changed) and its index build's
    # pages are not surveyed again (search.verify); the third verification since the full one walks.
    assert kinds == ["journal", "journal", "walk", "journal"], surveys
    # The first: the new page, its listings, the sitemap, the pages and the folders; the others also the
    # search index's folders the index build between renamed (new names: every file in them stat'ed;
    # the index's other folders stat'ed, not listed).
    assert surveys[0][1] < pages + folders + 20 < files, (surveys, pages, folders, files)
    walked = surveys[2][1]
    assert all(stats < walked for kind, stats in surveys if kind == "journal"), surveys
    surveys.clear()
    publish(full=True)
    assert [kind for kind, _stats in surveys] == ["walk"]


def test_a_file_removed_behind_kepus_back_is_seen_by_the_next_approval(small_site, tmp_path, surveys):
    """Its folder's ctime changed: the folder is listed, a name is missing, the whole tree is walked."""
    site_dir, manifest = small_site
    copy = staged(site_dir, tmp_path)
    first = verify.verify(copy, manifest)
    assert first.ok and first.scans.files
    page = "gezhi-lundao/qian-sanqiang/index.html"
    linked = sorted(target for _url, target in first.scans[page]["targets"] if target in first.scans.files
                    and not target.endswith(".html"))
    assert linked, first.scans[page]["targets"]
    again = verify.verify(copy, manifest, previous=first.scans, changed=(set(), set()))
    assert again.ok and surveys[-1][0] == "journal" and surveys[-1][1] < surveys[0][1] / 2, surveys

    (copy / linked[0]).unlink()  # by another hand: no journal names it
    seen = verify.verify(copy, manifest, previous=again.scans, changed=(set(), set()))
    assert f"{page} 中的链接" in " ".join(seen.problems) and linked[0] in " ".join(seen.problems), seen.problems
    assert seen.problems == verify.verify(copy, manifest).problems
