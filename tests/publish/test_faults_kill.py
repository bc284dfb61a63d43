"""A publish SIGKILLed while it builds the search index of pages it has just put live: the index catches
up by itself as soon as a publish worker starts (or the scheduler's check, every 2 s, looks), with no
new change and nobody acting — also when the killed publish was a command-line one, which is never
retried itself."""

import json
import os
import signal
from pathlib import Path

import pytest

from cms.sitesearch import index as search
from tests.deploy import wait_for
from tests.publish.scenarios import SEED

pytestmark = pytest.mark.usefixtures("folders", "forked_commands")

EDIT_ONLY = """
from cms.stories.models import StoryPage
story = StoryPage.objects.get(slug="story-2")
story.body = [("paragraph", "<p>被杀时在建索引的正文</p>")]
story.save(update_fields=["body"])  # (no publish request: the command below publishes it)
"""


def live_manifest(site):
    return json.loads((Path(os.path.realpath(site)).parent / "manifest.json").read_text("utf-8"))


def indexed(site, text):
    return any(text in p.read_text("utf-8") for p in (site / "search").glob("s/*/d/*.json"))


def test_a_publish_killed_while_building_the_index_catches_up_when_a_worker_starts(deployment):
    d = deployment
    d.manage("shell", "-c", SEED)
    d.manage("publish_site", "--no-progress")
    d.manage("db_worker", "--batch", "--backend", "publish", "--queue-name", "publish", "--no-startup-delay")
    d.manage("shell", "-c", EDIT_ONLY)

    stop = d.folder / "stopped"
    command = d.start_manage("publish_site", "--no-progress", name="killed", KEPU_PUBLISH_STOP_AT="search-built",
                             KEPU_PUBLISH_STOP_FILE=str(stop))
    wait_for(stop.exists, "the publish to stop with the index built, not swapped", process=command)
    command.send_signal(signal.SIGKILL)
    command.wait()
    assert live_manifest(d.site)["search_pending"] is True  # the edited page is live, its index is not
    assert "被杀时在建索引的正文" in (d.site / "gezhi-lundao" / "story-2" / "index.html").read_text()
    assert not d.query("SELECT id FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")

    # Nothing else wakes it: no scheduler, no publish request, no task waiting.
    worker = d.start_worker(name="worker")

    def caught_up():
        rows = d.query("SELECT trigger, status, error, reason FROM publish_publishjob ORDER BY id")
        return rows if rows[-1][1] == "published" else None

    rows = wait_for(caught_up, "the index to catch up", timeout=60, process=worker)
    assert indexed(d.site, "被杀时在建索引的正文") and "search_pending" not in live_manifest(d.site)
    assert rows[-2][:3] == ("command", "failed", "发布进程意外终止（例如被强制结束）。")
    assert rows[-1][:2] == ("recovery", "published") and rows[-1][3].startswith("补建搜索索引"), rows[-1]


GAVE_WAY = """
from cms.stories.models import StoryPage
from cms.publish.models import PublishJob
story = StoryPage.objects.get(slug="story-2")
story.body = [("paragraph", "<p>让路后被杀的正文</p>")]
story.save(update_fields=["body"])
PublishJob.pending().delete()  # (the seed's, which publish_site above has published)
first = PublishJob.objects.create(reason="第一次终审")
PublishJob.objects.create(reason="第二次终审")  # due when the first one's index is to be built
first.run()
"""


def test_a_worker_killed_after_its_index_gave_way_leaves_the_index_to_the_next_worker(deployment):
    """A worker's publish whose pages went live gives way to a job due before it builds their index,
    and is killed right then: the pages build stays live and whole (its index the last one), and the
    next worker runs the waiting job, which builds the index."""
    d = deployment
    d.manage("shell", "-c", SEED)
    d.manage("publish_site", "--no-progress")

    stop = d.folder / "stopped"
    killed = d.start_manage("shell", "-c", GAVE_WAY, name="killed", KEPU_PUBLISH_STOP_AT="search-deferred",
                            KEPU_PUBLISH_STOP_FILE=str(stop))
    wait_for(stop.exists, "the publish to give way before building its index", process=killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    manifest = live_manifest(d.site)
    assert manifest["search_pending"] is True and manifest["search_pages"] == sorted(manifest["pages"])
    assert "让路后被杀的正文" in (d.site / "gezhi-lundao" / "story-2" / "index.html").read_text()
    assert not indexed(d.site, "让路后被杀的正文")
    assert not list((d.folder / "builds").glob(".staging-*"))

    worker = d.start_worker(name="worker")

    def caught_up():
        rows = d.query("SELECT reason, status, error FROM publish_publishjob WHERE trigger = 'page_change' ORDER BY id")
        return rows if rows[-1][1] == "published" else None

    rows = wait_for(caught_up, "the waiting job to build the index", timeout=60, process=worker)
    assert indexed(d.site, "让路后被杀的正文") and "search_pending" not in live_manifest(d.site)
    assert rows[-2][:2] == ("第一次终审", "merged") and rows[-2][2].startswith("发布进程意外终止"), rows
    assert rows[-1][0].startswith("第二次终审") and rows[-1][2] == "", rows


# Publishes keeping two builds, so that the index build of an approval starts from the oldest build
# (staging: fsutil.relink_tree, whose stale search folders are renamed to their successors' names).
KEEPING_TWO = """
from django.conf import settings
from django.core.management import call_command
from cms.stories.models import StoryPage
settings.KEPU_KEEP_BUILDS = 2
text = "{text}"
if text:
    story = StoryPage.objects.get(slug="story-2")
    story.body = [("paragraph", f"<p>{{text}}</p>")]
    story.save(update_fields=["body"])
call_command("publish_site", "--no-progress", *{args})
"""


def site_files(site):
    """{path: sha256} of the live site (following the site/ link)."""
    import hashlib

    real = Path(os.path.realpath(site))
    return {p.relative_to(real).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(real.rglob("*")) if p.is_file()}


def killed_keeping_two(d, text, *, at):
    """The first publish and an approval keeping two builds (the spare kept: the pages build of that
    approval), then an approval of ``text`` in story-2 SIGKILLed at checkpoint ``at``. Returns the
    live site's files ({path: sha256}) as they were before the killed publish."""
    d.manage("shell", "-c", SEED)
    d.manage("shell", "-c", KEEPING_TWO.format(text="", args=[]))
    d.manage("shell", "-c", KEEPING_TWO.format(text="第一次修改的正文", args=[]))
    assert list((d.folder / "builds").glob(".spare-*"))
    before = site_files(d.site)
    stop = d.folder / "stopped"
    killed = d.start_manage("shell", "-c", KEEPING_TWO.format(text=text, args=[]), name="killed",
                            KEPU_PUBLISH_STOP_AT=at, KEPU_PUBLISH_STOP_FILE=str(stop))
    wait_for(stop.exists, f"the publish to stop at {at}", process=killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    return before


def test_kill_between_rename_and_relink(deployment):
    """Killed while the index build's staging folder is brought in line, right after a stale search
    folder was renamed to the live one's name (its files not yet relinked): the pages build stays live
    and whole, its index pending; the next publish removes the half-made folder, builds the index, and
    the site is byte for byte what a full build makes."""
    d = deployment
    killed_keeping_two(d, "改名后被杀的正文", at="relink-renamed")
    manifest = live_manifest(d.site)
    assert manifest["search_pending"] is True
    assert "改名后被杀的正文" in (d.site / "gezhi-lundao" / "story-2" / "index.html").read_text()
    assert not indexed(d.site, "改名后被杀的正文")
    listing = json.loads((d.site / "search" / "shards.json").read_text("utf-8"))
    groups = [f"p/{name}/" for name in search.group_folders(listing)]
    named = [shard["dir"] for shard in listing["shards"]] + groups  # (all renamed since)
    (half,) = (d.folder / "builds").glob(".staging-*")
    renamed = [folder for folder in named if (half / "site" / "search" / folder).is_dir()]
    assert 0 < len(renamed) < len(named)  # stopped after a rename, before the next one

    d.manage("shell", "-c", KEEPING_TWO.format(text="", args=[]))
    assert not list((d.folder / "builds").glob(".staging-*"))
    assert indexed(d.site, "改名后被杀的正文") and "search_pending" not in live_manifest(d.site)
    incremental = site_files(d.site)
    d.manage("shell", "-c", KEEPING_TWO.format(text="", args=["--full"]))
    assert site_files(d.site) == incremental


# As GAVE_WAY, but the second approval comes after the index's first shard: the index build gives way
# with its staging folder made, which it keeps as the spare (pipeline._keep_as_spare).
GAVE_WAY_DURING = """
from cms.stories.models import StoryPage
from cms.publish.models import PublishJob
story = StoryPage.objects.get(slug="story-2")
story.body = [("paragraph", "<p>留作备用时被杀的正文</p>")]
story.save(update_fields=["body"])
PublishJob.pending().delete()
first = PublishJob.objects.create(reason="第一次终审")

def progress(stage, done=None, total=None):
    if stage == "search" and done is not None and not PublishJob.pending().exists():
        PublishJob.objects.create(reason="第二次终审")

first.run(progress=progress)
"""


def test_kill_between_the_spares_journal_and_its_rename(deployment):
    """A worker's index build gives way after its first shard and is killed once the journal of its
    staging folder (kept as the spare) is written, before the rename: the pages build stays live and
    whole, its index pending; the next worker runs the waiting job, removes the half-kept folder and its
    journal, builds the index, and the site is byte for byte what a full build makes."""
    d = deployment
    d.manage("shell", "-c", SEED)
    d.manage("publish_site", "--no-progress")

    stop = d.folder / "stopped"
    killed = d.start_manage("shell", "-c", GAVE_WAY_DURING, name="killed",
                            KEPU_PUBLISH_STOP_AT="search-spare-journaled", KEPU_PUBLISH_STOP_FILE=str(stop))
    wait_for(stop.exists, "the index build to give way and journal its folder", process=killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    builds = d.folder / "builds"
    manifest = live_manifest(d.site)
    assert manifest["search_pending"] is True
    assert "留作备用时被杀的正文" in (d.site / "gezhi-lundao" / "story-2" / "index.html").read_text()
    assert not indexed(d.site, "留作备用时被杀的正文")
    (half,) = builds.glob(".staging-*")
    journal = builds / ".journal" / f"{half.name.removeprefix('.staging-')}.json"
    assert json.loads(journal.read_text())["parent"] == Path(os.path.realpath(d.site)).parent.name
    assert not list(builds.glob(".spare-*"))

    worker = d.start_worker(name="worker")

    def caught_up():
        rows = d.query("SELECT reason, status FROM publish_publishjob WHERE trigger = 'page_change' ORDER BY id")
        return rows if rows[-1][1] == "published" else None

    wait_for(caught_up, "the waiting job to build the index", timeout=60, process=worker)
    worker.send_signal(signal.SIGTERM)
    worker.wait()
    assert indexed(d.site, "留作备用时被杀的正文") and "search_pending" not in live_manifest(d.site)
    assert not half.exists() and not journal.exists()
    incremental = site_files(d.site)
    d.manage("publish_site", "--full", "--no-progress")
    assert site_files(d.site) == incremental


def test_kill_inside_the_spares_relink(deployment):
    """Killed while the pages build's staging brings the spare in line, right after a stale search
    folder of the spare was renamed to the live one's name (its files not yet relinked): the live build
    is untouched (the edit not live, its index not pending), the spare is gone (it was the staging
    folder); the next publish removes the half-made folder, starts from another build, and the site is
    byte for byte what a full build makes."""
    d = deployment
    builds = d.folder / "builds"
    before = killed_keeping_two(d, "备用构建改名后被杀的正文", at="spare-relink-renamed")
    assert site_files(d.site) == before
    assert "search_pending" not in live_manifest(d.site)
    assert not list(builds.glob(".spare-*"))
    (half,) = builds.glob(".staging-*")
    assert (half / "site" / "search").is_dir() and not (half / "manifest.json").exists()

    d.manage("shell", "-c", KEEPING_TWO.format(text="", args=[]))
    assert not list(builds.glob(".staging-*"))
    assert "备用构建改名后被杀的正文" in (d.site / "gezhi-lundao" / "story-2" / "index.html").read_text()
    assert indexed(d.site, "备用构建改名后被杀的正文") and "search_pending" not in live_manifest(d.site)
    incremental = site_files(d.site)
    d.manage("shell", "-c", KEEPING_TWO.format(text="", args=["--full"]))
    assert site_files(d.site) == incremental
