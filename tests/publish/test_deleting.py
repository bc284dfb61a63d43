"""Old builds are deleted by a thread of their own: a publish neither waits for the deleting of the
builds it retires nor leaves anything that looks like a build behind (swap._delete)."""

import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from cms.publish import swap
from cms.publish.pipeline import publish
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")


@pytest.mark.django_db
def test_a_publish_goes_on_while_the_builds_it_retired_are_being_deleted(settings, programme, monkeypatch):
    settings.KEPU_KEEP_BUILDS = 1
    story = make_story(programme, title="第一版", slug="deleting")
    publish()
    first = swap.live_build()

    # Every deletion blocks until the test lets it go: the publishes below must not wait for them.
    release, started = threading.Event(), threading.Event()

    def held(path, **kwargs):
        started.set()
        assert release.wait(60), "the test never released the deleting thread"
        shutil.rmtree(path, **kwargs)

    monkeypatch.setattr(swap, "shutil", SimpleNamespace(rmtree=held))  # swap's own deleting only
    for title in ("第二版", "第三版"):
        story.title = title
        story.save_revision().publish()
        result = publish(full=True)
        assert result.build_id == swap.live_build() and not result.unfinished
    assert started.is_set()  # the first retired build is being deleted now, held
    builds = Path(settings.KEPU_BUILDS_DIR)
    # Renamed at once: no old build is listed, the first is nowhere under its own name.
    assert swap.list_builds() == [swap.live_build()] and not (builds / first).exists()
    held_folders = sorted(p.name for p in builds.iterdir() if p.name.startswith(swap.DELETING))
    assert held_folders and all(name.startswith(".deleting-2") for name in held_folders), held_folders

    release.set()
    swap.wait_deleted()
    assert not [p for p in builds.iterdir() if p.name.startswith(swap.DELETING)]
    assert "第三版" in (Path(settings.KEPU_SITE_DIR) / "gezhi-lundao" / "deleting" / "index.html").read_text()
