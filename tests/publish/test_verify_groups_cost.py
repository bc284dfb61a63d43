"""An approval's verification counts the files of the search index's group folders that changed, not
of every group: at 4 and at 12 stories a title edit's verification lists no more than the two kind
folders (g/, c/) of each group renamed since the last verification (of 16). A group
folder gone or emptied is still caught: gone at once (p/ is listed), emptied by a verification that
stats every file (``FULL_SURVEY_EVERY``)."""

import collections
import json
import os

import pytest

from cms.publish import verify
from cms.publish.pipeline import publish
from cms.sitesearch import index as search
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")


@pytest.fixture
def counted(monkeypatch):
    """Group kind folders (search/p/<group>/<kind>) listed by search.check within verify.verify, and the group folders
    of the search index of each build verified: {"listed": n, "groups": [names]}."""
    monkeypatch.setattr(search, "GROUP_GRAMS", 4)  # 16 groups for a small site's 64 gram buckets
    done = collections.Counter()
    seen = []
    inside = []

    def watching(call):
        def listing(path="."):
            # (an open folder, as shutil.rmtree lists in the thread deleting old builds, names no path)
            parts = [] if isinstance(path, int) else os.fspath(path).rstrip("/").split("/")
            if len(inside) > 1 and len(parts) >= 4 and parts[-4:-2] == [search.SEARCH_DIR, "p"]:
                done.update(["listed"])
            return call(path)
        return listing

    monkeypatch.setattr(os, "listdir", watching(os.listdir))
    monkeypatch.setattr(os, "scandir", watching(os.scandir))
    verifying = verify.verify

    def verify_counted(site_dir, manifest, **options):
        listing = json.loads((site_dir / search.SEARCH_DIR / search.SHARDS_FILE).read_text("utf-8"))
        seen.append(set(search.group_folders(listing)))
        inside.append(False)
        try:
            return verifying(site_dir, manifest, **options)
        finally:
            inside.pop()

    checking = search.check

    def search_counted(*args, **options):
        inside.append(True)  # (the index build's own check, in the pipeline, is left out)
        try:
            return checking(*args, **options)
        finally:
            inside.pop()

    monkeypatch.setattr(verify, "verify", verify_counted)
    monkeypatch.setattr(verify.search, "check", search_counted)
    return done, seen


def retitle(story, title, counted):
    """(group kind folders listed, groups renamed since the last verification) in the verification
    of the approval of ``story``'s new title."""
    done, seen = counted
    story.title = title
    story.save_revision().publish()
    done.clear()
    before = seen[-1] if seen else set()
    publish()
    return done["listed"], len(seen[-1] - before)


def test_a_title_edit_counts_the_files_of_the_groups_renamed_only(programme, counted):
    for number in range(1, 5):
        make_story(programme, title=f"故事{number}", slug=f"s{number}")
    publish()
    story = programme.get_children().specific().get(slug="s1")
    retitle(story, "故事一", counted)  # (the worker's scans in memory)
    small, renamed = retitle(story, "故事壹", counted)
    assert small <= 2 * renamed < 2 * 16, (small, renamed)

    for number in range(5, 13):
        make_story(programme, title=f"故事{number}", slug=f"s{number}")
    publish()
    retitle(story, "故事一", counted)
    large, renamed = retitle(story, "故事壹", counted)
    assert large <= 2 * renamed < 2 * 16, (large, renamed)
