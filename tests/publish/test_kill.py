"""A publish killed with SIGKILL at any stage leaves site/ byte-identical to the previous build.

Runs the real ``publish_site`` command in a process of its own against a deployment's database (a
SQLite file, or a PostgreSQL database when DATABASE_URL is set: tests/deploy.py), forked from one
that has set Django up (Deployment.fork_commands). The process stops itself at a named checkpoint
(KEPU_PUBLISH_STOP_AT) and is then killed, so the kill points are exact without any sleeps.
"""

import hashlib
import json
import os
import signal
from pathlib import Path

import pytest

from cms.publish.paths import output_path
from tests.deploy import Deployment, wait_for
from tests.publish.scenarios import EDIT, SEED

STAGES = ["start", "export-write", "exported", "copied", "built", "verified", "journaled", "promoted"]


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_database):
    d = Deployment(tmp_path_factory.mktemp("kill"))
    migrated_database(d)  # the run's migrated database
    d.fork_commands()
    d.manage("shell", "-c", SEED)
    yield d.folder, d
    d.close()


def tree(folder):
    """{path: sha256} of the live site (following the site/ link), plus where the link points."""
    site = folder / "site"
    real = Path(os.path.realpath(site))
    files = {p.relative_to(real).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(real.rglob("*")) if p.is_file()}
    return os.readlink(site), files


def kill_at(d, folder, stage):
    marker = folder / f"stopped-{stage}"
    marker.unlink(missing_ok=True)  # (left by an earlier kill at the same stage)
    process = d.start_manage("publish_site", "--no-progress", name=f"killed-{stage}", KEPU_PUBLISH_STOP_AT=stage,
                             KEPU_PUBLISH_STOP_FILE=str(marker))
    try:
        wait_for(marker.exists, f"publish to reach {stage}", process=process)
    except RuntimeError:
        pytest.fail(f"publish finished before reaching {stage}: {d.log(process)}")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_sigkill_at_every_stage_leaves_the_previous_site_whole(world):
    folder, d = world
    d.manage("publish_site", "--no-progress")
    before = tree(folder)
    assert "第一版正文0" in (folder / "site" / "gezhi-lundao" / "story-0" / "index.html").read_text()

    d.manage("shell", "-c", EDIT)
    for stage in STAGES:
        kill_at(d, folder, stage)
        assert tree(folder) == before, f"site changed after a kill at {stage}"

    # The lock died with the process; the next publish completes and cleans up after the killed ones.
    done = d.manage("publish_site", "--no-progress")
    # Changed: the edited story, its programme listing and the home page's latest items.
    assert "新增 1，修改 3，删除 1" in done, done
    link, files = tree(folder)
    assert link != before[0]
    site = folder / "site"
    assert "第二版正文" in (site / "gezhi-lundao" / "story-0" / "index.html").read_text()
    assert (site / "gezhi-lundao" / "story-new" / "index.html").is_file()
    assert not (site / "gezhi-lundao" / "story-1").exists()
    assert not list((folder / "builds").glob(".staging-*"))


EDIT_ONLY = """
from cms.stories.models import StoryPage
story = StoryPage.objects.get(slug="story-2")
story.body = [("paragraph", "<p>{text}</p>")]
story.save_revision().publish()
"""


def live_manifest(folder):
    return json.loads((Path(os.path.realpath(folder / "site")).parent / "manifest.json").read_text("utf-8"))


def indexed(folder, text):
    """Whether the live search index holds ``text`` in a page's record."""
    return any(text in p.read_text("utf-8") for p in (folder / "site" / "search").glob("s/*/d/*.json"))


def test_sigkill_between_the_pages_build_and_the_index_build_loses_nothing(world):
    """An edit goes live in two builds: its pages first, then the search index. Killed between them
    (after the pages' swap, or with the index built but not swapped), the pages build stays live and
    whole, says its index is pending, and the next publish (a new process) brings the index up to
    date; killed once the index build is live, before the pages build is retired, nothing is left to do.
    The site is then byte for byte what a full build makes."""
    folder, d = world
    d.manage("publish_site", "--no-progress")
    for stage in ["swapped", "search-built"]:
        before = tree(folder)
        text = f"停在{stage}之后的正文"
        d.manage("shell", "-c", EDIT_ONLY.format(text=text))

        kill_at(d, folder, stage)
        link, files = tree(folder)
        assert link != before[0], stage  # the pages build went live
        manifest = live_manifest(folder)
        assert manifest["search_pending"] is True
        assert {output_path(path) for path in manifest["pages"]} <= set(files)  # every page is there
        assert text in (folder / "site" / "gezhi-lundao" / "story-2" / "index.html").read_text()
        assert not indexed(folder, text)  # the index is still the last one, whole

        done = d.manage("publish_site", "--no-progress")
        assert "已发布构建" in done, done
        assert "search_pending" not in live_manifest(folder)
        assert indexed(folder, text)
        assert not list((folder / "builds").glob(".staging-*"))
    # Killed once the index build is live, before the pages build it followed is kept as the spare
    # (``search-swapped``): the live site has the edit in its pages and its index and says nothing is
    # pending; the next publish (a new process) finds nothing to publish.
    text = "停在索引上线之后的正文"
    d.manage("shell", "-c", EDIT_ONLY.format(text=text))
    kill_at(d, folder, "search-swapped")
    assert "search_pending" not in live_manifest(folder)
    assert text in (folder / "site" / "gezhi-lundao" / "story-2" / "index.html").read_text()
    assert indexed(folder, text)
    before = tree(folder)
    done = d.manage("publish_site", "--no-progress")
    assert "已发布构建" not in done and tree(folder) == before, done
    incremental = tree(folder)[1]
    d.manage("publish_site", "--full", "--no-progress")
    assert tree(folder)[1] == incremental


def test_sigkill_between_a_builds_journal_and_its_promotion_leaves_a_journal_no_chain_follows(world):
    """Killed once a build's journal is written (docs/search-index-cost.md §3) but before the build is
    promoted, the pages build's or the index build's: the site is whole, and the journal names a
    build that is not there. The next publish removes it with the staging folder; its copy of an older
    build follows only the journals of builds that exist (the tests' KEPU_JOURNAL_CHECK compares it
    with the full walk); the site is then byte for byte what a full build makes."""
    folder, d = world
    builds = folder / "builds"
    d.manage("publish_site", "--no-progress")
    for stage in ["journaled", "search-journaled"]:
        before = tree(folder)
        text = f"停在{stage}之后的正文"
        d.manage("shell", "-c", EDIT_ONLY.format(text=text))
        kill_at(d, folder, stage)
        (staged,) = builds.glob(".staging-*")  # the killed build, its journal written
        orphan = builds / ".journal" / f"{staged.name.removeprefix('.staging-')}.json"
        assert json.loads(orphan.read_text())["complete"] is True
        if stage == "journaled":
            assert tree(folder) == before
        else:
            assert live_manifest(folder)["search_pending"] is True

        d.manage("publish_site", "--no-progress")
        assert not orphan.exists()
        # Every journal kept is a build's that is there, or one a chain passes through (the parent of
        # another: a spare taken and made into the next build); the killed build's is neither.
        kept = {path.stem: json.loads(path.read_text()) for path in (builds / ".journal").iterdir()}
        parents = {journal["parent"] for journal in kept.values()}
        assert all((builds / name).is_dir() or (builds / f".spare-{name}").is_dir() or name in parents
                   for name in kept), "a journal no chain needs"
        assert indexed(folder, text) and "search_pending" not in live_manifest(folder)
        assert text in (folder / "site" / "gezhi-lundao" / "story-2" / "index.html").read_text()
        assert not list(builds.glob(".staging-*"))
    incremental = tree(folder)[1]
    d.manage("publish_site", "--full", "--no-progress")
    assert tree(folder)[1] == incremental
