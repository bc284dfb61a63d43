"""The export's write does not walk content/ to find what to delete when the folder is as its last
write left it: the stale files are those that write left and this one does not. Whenever that is not
known (a new process, a write killed in any process, a manifest changed by another), it walks, and
every file that is not the export's goes, as from a cold export."""

import os
from pathlib import Path

import pytest

from cms.core.models import SiteSettings
from cms.publish import swap, write
from cms.publish.pipeline import export, publish
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]


@pytest.fixture
def stories(programme):
    return [make_story(programme, title=title, slug=slug)
            for title, slug in [("李四光", "li-siguang"), ("华罗庚", "hua-luogeng"), ("钱三强", "qian-sanqiang")]]


@pytest.fixture
def walks(monkeypatch, settings):
    """The walks of content/ (os.walk from the content folder) as the export runs."""
    seen, walk = [], os.walk

    def walking(top, *args, **kwargs):
        if Path(top) == Path(settings.KEPU_CONTENT_DIR):
            seen.append(top)
        return walk(top, *args, **kwargs)

    monkeypatch.setattr(os, "walk", walking)
    return seen


def exported(settings, state):
    return export(Path(settings.KEPU_CONTENT_DIR), SiteSettings.load(), state)


def cold(settings, tmp_path):
    """content/ as a cold export (a new worker, an empty folder) makes it now."""
    content = tmp_path / "cold-content"
    export(content, SiteSettings.load(), PublishState(restored=True))
    return snapshot(content)


def test_a_piece_unpublished_leaves_content_without_a_walk(settings, stories, walks, tmp_path):
    state = PublishState(restored=True)
    exported(settings, state)
    assert len(walks) == 1  # (the first write of a process walks)
    content = Path(settings.KEPU_CONTENT_DIR)
    page = next(path for path in snapshot(content) if "hua-luogeng" in path and path.endswith(".md"))

    stories[1].unpublish()
    out = exported(settings, state)
    assert len(walks) == 1  # no walk: the stale files are those the last write left and this one does not
    assert page in out.deleted and not (content / page).exists()
    assert not (content / page).parent.exists() or any((content / page).parent.iterdir())  # (no empty folder)
    assert snapshot(content) == cold(settings, tmp_path)
    assert not (content / write.WRITING).exists()


def test_a_write_killed_in_any_process_makes_the_next_walk_and_delete_what_it_left(settings, stories, walks,
                                                                                   tmp_path):
    state = PublishState(restored=True)
    exported(settings, state)
    content = Path(settings.KEPU_CONTENT_DIR)
    # Another worker's write, killed: it left a file of its own and the marker.
    (content / "gezhi-lundao" / "stray.md").write_text("---\n{}\n---\n\n半途\n")
    (content / write.WRITING).touch()
    out = exported(settings, state)
    assert len(walks) == 2
    assert "gezhi-lundao/stray.md" in out.deleted
    assert snapshot(content) == cold(settings, tmp_path)


def test_a_manifest_rewritten_by_another_process_makes_the_next_write_walk(settings, stories, walks, tmp_path):
    mine, other = PublishState(restored=True), PublishState(restored=True)
    exported(settings, mine)
    content = Path(settings.KEPU_CONTENT_DIR)
    (content / "gezhi-lundao" / "stray.md").write_text("---\n{}\n---\n\n别处写的\n")
    stories[2].unpublish()
    exported(settings, other)  # (its first write: a walk, the stray file goes)
    (content / "gezhi-lundao" / "stray.md").write_text("---\n{}\n---\n\n别处写的\n")
    stories[2].save_revision().publish()
    exported(settings, mine)  # the manifest is not the one this process wrote: a walk
    assert len(walks) == 3
    assert not (content / "gezhi-lundao" / "stray.md").exists()
    assert snapshot(content) == cold(settings, tmp_path)


def test_a_file_put_into_content_by_hand_goes_at_the_next_walk_and_is_never_built(settings, stories, walks, tmp_path):
    """What the shortcut leaves: a file another hand put there while the folder is as this process's
    last write left it stays until the next walk (a new process's first write removes it); no build
    takes it meanwhile, not even a full one (the plugin builds only the manifest's files)."""
    state = PublishState(restored=True)
    exported(settings, state)
    content = Path(settings.KEPU_CONTENT_DIR)
    (content / "by-hand.txt").write_text("手放的")
    (content / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (content / "gezhi-lundao" / "stray.md").write_text("---\n{}\n---\n\n别处写的\n")
    exported(settings, state)
    assert (content / "by-hand.txt").exists() and len(walks) == 1
    publish(state=state, full=True)  # (a theme or settings change: a full build in the same worker)
    live = Path(os.path.realpath(swap.site_link()))
    assert (live / "gezhi-lundao" / "li-siguang" / "index.html").is_file()
    assert not [path for path in ("by-hand.txt", "evil.svg", "gezhi-lundao/stray/index.html",
                                  "gezhi-lundao/stray.md") if (live / path).exists()]
    assert (content / "evil.svg").exists()  # (still there: no walk yet)
    out = exported(settings, PublishState(restored=True))  # a new worker
    assert sorted(out.deleted) == ["by-hand.txt", "evil.svg", "gezhi-lundao/stray.md"]
    assert snapshot(content) == cold(settings, tmp_path)
