"""What generate made of the pages (generate.Finished) survives a restart, checked, not trusted.

A worker saves, beside its rendered documents (render_store, memo "finished"), each page's finished
front matter and body with the document it was made from. A restarted worker's first publish makes
again only the pages its changes reach, as a warm worker's would; a saved row is used only while its
document is today's, and a row changed on disk (its HMAC no longer holds) is not used at all. The site
is byte for byte the one a worker that kept nothing makes.
"""

import pickle
import sqlite3

import pytest

from cms.publish import generate, render_store, swap
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.trees import snapshot

pytestmark = [pytest.mark.usefixtures("folders"), pytest.mark.django_db]


@pytest.fixture
def made(monkeypatch):
    """The document paths whose pages generate makes (not taken from its memo), in order."""
    paths, finish = [], generate._finish

    def counting(document, *args, **kwargs):
        paths.append(document.path)
        return finish(document, *args, **kwargs)

    monkeypatch.setattr(generate, "_finish", counting)
    return paths


@pytest.fixture
def stories(programme):
    return [make_story(programme, title=title, slug=slug) for title, slug in (
        ("李四光", "li-siguang"), ("华罗庚", "hua-luogeng"), ("竺可桢", "zhu-kezhen"))]


def site_and_content(settings):
    return snapshot(swap.site_link()), snapshot(settings.KEPU_CONTENT_DIR)


def cold_site(settings):
    """The site a worker that keeps nothing (memory or disk) makes."""
    cold = PublishState()
    cold.forget()
    publish(state=cold, full=True)
    return site_and_content(settings)


def edit(story, title):
    story.title = title
    story.save_revision().publish()


# A title changed: the story's page, the programme's (its card) and the home page's (always made).
REACHED = {"index.md", "gezhi-lundao/index.md", "gezhi-lundao/hua-luogeng.md"}


def test_a_restarted_worker_makes_only_the_pages_its_change_reaches(settings, stories, made):
    publish(state=PublishState())
    assert {"gezhi-lundao/li-siguang.md", "gezhi-lundao/zhu-kezhen.md"} <= set(made)
    edit(stories[1], "华罗庚（数学家）")
    made.clear()
    publish(state=PublishState())  # a new process: the memo read from disk
    assert set(made) == REACHED
    assert "华罗庚（数学家）" in (swap.site_link() / "gezhi-lundao" / "index.html").read_text("utf-8")
    warm = site_and_content(settings)
    assert cold_site(settings) == warm


def saved_row(path):
    """(value, mac) of the memo row "finished" of a document path."""
    with sqlite3.connect(render_store.path()) as db:
        return db.execute("SELECT value, mac FROM memo WHERE kind = 'finished' AND key = ?", (path,)).fetchone()


def replace_row(path, change, *, sign):
    """Change the saved row of ``path`` (``change(row)`` gives the new row); ``sign``: with a valid HMAC
    (as a save of this code and key would), else keeping the old one."""
    value, mac = saved_row(path)
    forged = pickle.dumps(change(pickle.loads(value)))
    if sign:
        mac = render_store._mac(render_store.code_digest(), "finished", path, forged)
    with sqlite3.connect(render_store.path()) as db:
        db.execute("UPDATE memo SET value = ?, mac = ? WHERE kind = 'finished' AND key = ?", (forged, mac, path))


def retitled(row):
    """The row with its page's title changed, as if another hand had written it."""
    document, (meta, body), archives = row
    return document, ({**meta, "title": "篡改的标题"}, body), archives


def test_a_row_changed_on_disk_is_not_used(settings, stories, made):
    publish(state=PublishState())
    replace_row("gezhi-lundao/zhu-kezhen.md", retitled, sign=False)
    edit(stories[1], "华罗庚（数学家）")
    made.clear()
    publish(state=PublishState())
    # The row fails its HMAC: the page is made as if new (its programme's page lists it: made too).
    assert set(made) == REACHED | {"gezhi-lundao/zhu-kezhen.md"}
    page = (swap.site_link() / "gezhi-lundao" / "zhu-kezhen" / "index.html").read_text("utf-8")
    assert "篡改的标题" not in page and "竺可桢" in page
    assert cold_site(settings) == site_and_content(settings)


def test_a_row_of_another_document_is_not_used(settings, stories, made):
    """A row that holds, with a valid HMAC, what was made of another document than today's (a save older
    than the page's last change): made again from today's."""
    publish(state=PublishState())

    def older(row):
        document, page, archives = retitled(row)
        return generate.replace(document, meta={**document.meta, "title": "篡改的标题"}), page, archives

    replace_row("gezhi-lundao/zhu-kezhen.md", older, sign=True)
    made.clear()
    publish(state=PublishState())
    assert "gezhi-lundao/zhu-kezhen.md" in made and "gezhi-lundao/li-siguang.md" not in made
    page = (swap.site_link() / "gezhi-lundao" / "zhu-kezhen" / "index.html").read_text("utf-8")
    assert "篡改的标题" not in page
    assert cold_site(settings) == site_and_content(settings)


def test_a_restarted_worker_holds_each_pages_text_once(stories):
    """A worker that kept running holds a page's body once: its rendered document's, which generate's
    page takes as it is. A restarted one reads both back from disk, as two copies, unless restoring
    takes the rendered entry's very text for generate's saved row where they are equal."""
    def held_twice(state):
        entries = {entry.key[0]: entry for entry in state.renders.entries.values()}
        return sorted(path for path, (_meta, body) in state.finished.pages.items()
                      if path in entries and body == entries[path].body and body is not entries[path].body)

    warm = PublishState()
    publish(state=warm)
    assert held_twice(warm) == []
    restarted = PublishState()
    restarted.restore()
    story_paths = {entry.key[0] for entry in restarted.renders.entries.values() if "li-siguang" in entry.key[0]}
    assert story_paths and story_paths <= restarted.finished.pages.keys()  # (the story's page is among them)
    assert held_twice(restarted) == []
    assert all(restarted.finished.tree.documents[path].body is entry.body
               for entry in restarted.renders.entries.values()
               if (path := entry.key[0]) in restarted.finished.tree.documents
               and restarted.finished.tree.documents[path].body == entry.body)
