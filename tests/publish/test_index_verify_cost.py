"""The index build's own check (pipeline.publish_index, before its swap) counts the files of the search
index's groups it made, not of every group: those the pages build's verification found complete are
only checked to be there (a group's name is a digest of its files). A title edit at 12 stories, 64 groups."""

import json
import os

import pytest

from cms.publish import pipeline, swap
from cms.publish.pipeline import publish
from cms.sitesearch import index as search
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")


def groups_of(build):
    listing = json.loads((build.dir / "site" / search.SEARCH_DIR / search.SHARDS_FILE).read_text("utf-8"))
    return set(search.group_folders(listing))


def test_the_index_builds_check_lists_only_the_groups_it_made(programme, monkeypatch):
    monkeypatch.setattr(search, "GROUP_GRAMS", 1)  # a group per gram bucket (64)
    stories = [make_story(programme, title=f"故事{number}", slug=f"s{number}") for number in range(12)]
    publish()
    publish()  # (a second, so that the pages build's verification knows the groups)
    before = groups_of(swap.live())

    listed, inside, checking = [], [], []
    real_listdir, real_scandir, index_build, check = os.listdir, os.scandir, pipeline.publish_index, search.check

    def watching(call):
        def listing(path="."):
            # (an open folder, as shutil.rmtree lists in the thread deleting old builds, names no path)
            parts = [] if isinstance(path, int) else os.fspath(path).rstrip("/").split("/")
            if checking and checking[-1] and len(parts) >= 4 and parts[-4:-2] == [search.SEARCH_DIR, "p"]:
                listed.append("/".join(parts[-2:]))
            return call(path)
        return listing

    def counted_index_build(*args, **kwargs):
        inside.append(True)
        try:
            return index_build(*args, **kwargs)
        finally:
            inside.pop()

    def counted_check(*args, **kwargs):
        checking.append(bool(inside))  # (the index build's check, not the pages build's verification)
        try:
            return check(*args, **kwargs)
        finally:
            checking.pop()

    monkeypatch.setattr(search, "check", counted_check)
    monkeypatch.setattr(os, "listdir", watching(real_listdir))
    monkeypatch.setattr(os, "scandir", watching(real_scandir))
    monkeypatch.setattr(pipeline, "publish_index", counted_index_build)
    stories[3].title = "故事3甲"
    stories[3].save_revision().publish()
    publish()

    made = groups_of(swap.live()) - before
    assert len(before) == 64 and made
    assert inside == [] and listed  # the index followed the pages, and its check counted what it made
    assert {entry.split("/")[0] for entry in listed} <= made  # no group the pages build had checked
