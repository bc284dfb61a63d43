"""The render cache on disk (cms/publish/render_store.py): a worker's renders survive a restart,
checked, not trusted.

A new worker (a fresh PublishState) starts from what the last one saved after its swap: it renders
only the page that changed since, and the site it makes is byte for byte the site a cold worker
makes. A file that is corrupt, written under another SECRET_KEY, tampered with or written by other
code is not used, and the log says so.
"""

import gc
import pickle
import sqlite3

import pytest

from cms.hant.mirror import Mirror
from cms.hant.models import MirrorSettings
from cms.publish import render_store, swap
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from cms.reach import qr
from tests.conftest import make_image, make_story
from tests.publish.trees import snapshot

pytestmark = pytest.mark.usefixtures("folders")


def rendered_pages(state, **options):
    """Publish with ``state``; return how many pages it rendered (not taken from the cache)."""
    counts = [0]

    def progress(stage, done=None, total=None):
        if stage == "render" and total:
            counts[0] = total

    publish(state=state, progress=progress, **options)
    return counts[0]


def site_and_content(settings):
    return snapshot(swap.site_link()), snapshot(settings.KEPU_CONTENT_DIR)


@pytest.fixture
def stories(programme):
    portrait = make_image("肖像", size=(600, 600))
    first = make_story(programme, title="李四光", slug="li-siguang", portrait=portrait, portrait_alt="李四光")
    first.tags.add("地质")
    first.save_revision().publish()
    second = make_story(programme, title="华罗庚", slug="hua-luogeng")
    return first, second


@pytest.mark.django_db
def test_a_restarted_worker_renders_and_converts_only_what_changed_and_makes_the_cold_site(
        settings, stories, monkeypatch):
    """With the Traditional mirror on: its converted documents and QR codes are saved too
    (render_store's memo "hant"), each used only while its Simplified source and the mirror's
    fingerprint are the same."""
    mirror = MirrorSettings.load()
    mirror.enabled, mirror.profile, mirror.prefix = True, "s2hk", "zh-hant"
    mirror.save()
    converted, drawn = [], []
    convert, draw = Mirror.convert_document, qr.qr_svg
    monkeypatch.setattr(Mirror, "convert_document", lambda self, meta, body: (
        converted.append(meta["canonical"]), convert(self, meta, body))[1])
    monkeypatch.setattr(qr, "qr_svg", lambda url: (drawn.append(url), draw(url))[1])  # (settings.KEPU_PAGE_QR_CODE)
    first, second = stories
    assert rendered_pages(PublishState()) > 3  # home, programme, two stories …
    assert render_store.path().is_file()
    assert "/gezhi-lundao/hua-luogeng/" in converted
    assert "http://127.0.0.1:8001/zh-hant/gezhi-lundao/hua-luogeng/" in drawn

    second.body = [("paragraph", "<p>数学家，自学成才。</p>")]
    second.save_revision().publish()
    converted.clear(), drawn.clear()
    restarted = PublishState()  # a new process: nothing in memory, the file on disk
    assert rendered_pages(restarted) == 1
    # The story (and, when their documents changed too, the programme and home pages that list it).
    assert "/gezhi-lundao/hua-luogeng/" in converted and not [url for url in drawn if "/zh-hant/" in url]
    # No QR code drawn again but those of the pages rendered again: the tag pages' were kept too.
    site = "http://127.0.0.1:8001"
    assert set(drawn) <= {f"{site}/gezhi-lundao/hua-luogeng/", f"{site}/gezhi-lundao/", f"{site}/"}, drawn
    assert set(converted) <= {"/gezhi-lundao/hua-luogeng/", "/gezhi-lundao/", "/"}
    warm = site_and_content(settings)

    cold = PublishState()
    cold.forget()  # nothing from disk either
    assert rendered_pages(cold, full=True) > 3
    assert len(converted) > 4 and site_and_content(settings) == warm


@pytest.mark.django_db
def test_a_restarted_worker_sees_a_pages_fields_saved_without_a_revision(settings, stories):
    """Such a save changes no column of wagtailcore_page: the row the plan compares is the same, the
    page's own table is not. A document saved on disk is used only if that table is as it was."""
    first, second = (page.specific_class.objects.get(pk=page.pk) for page in stories)  # as published
    publish(state=PublishState())
    second.body = [("paragraph", "<p>保存时未生成修订的正文。</p>")]
    second.save(update_fields=["body"])
    first.summary = "未生成修订的摘要。"
    first.save()

    assert rendered_pages(PublishState()) == 2  # the two edited pages, nothing else
    site = swap.site_link()
    assert "保存时未生成修订的正文" in (site / "gezhi-lundao" / "hua-luogeng" / "index.html").read_text("utf-8")
    assert rendered_pages(PublishState()) == 0  # what it rendered was saved, with the fields it read
    warm = site_and_content(settings)

    cold = PublishState()
    cold.forget()
    publish(state=cold, full=True)
    assert site_and_content(settings) == warm


@pytest.mark.django_db
def test_a_corrupt_foreign_tampered_or_outdated_file_is_not_used(settings, stories, caplog, monkeypatch):
    publish(state=PublishState())
    file = render_store.path()
    entries, memos = render_store.load()
    count = len(entries)
    assert count > 3 and memos["qr"]  # the documents, and the tag pages' QR codes

    # Another SECRET_KEY (a copy from another site): every row fails its HMAC, documents and memos.
    key = settings.SECRET_KEY
    settings.SECRET_KEY = "another site's key"
    caplog.clear()
    assert render_store.load() == ({}, {})
    assert f"{count + sum(len(rows) for rows in memos.values())} 条记录未通过校验" in caplog.text, memos.keys()
    settings.SECRET_KEY = key

    # A row changed and signed again over its old sha256 is refused by that sha256.
    with sqlite3.connect(file) as db:
        page_id, doc_sha, blob = db.execute("SELECT page_id, doc_sha, entry FROM rendered LIMIT 1").fetchone()
        entry = pickle.loads(blob)
        entry.body += "\n\n<script>alert(1)</script>"
        forged = pickle.dumps(entry)
        code = render_store.code_digest()
        db.execute("UPDATE rendered SET entry = ?, mac = ? WHERE page_id = ?",
                   (forged, render_store._mac(code, page_id, doc_sha, forged), page_id))
    caplog.clear()
    loaded = render_store.load()[0]
    assert page_id not in loaded and len(loaded) == count - 1
    assert "1 条记录未通过校验" in caplog.text

    # Written by other code: discarded whole, moved aside.
    monkeypatch.setattr(render_store, "code_digest", lambda: "other code")
    caplog.clear()
    assert render_store.load()[0] == {}
    assert "另一版本的代码" in caplog.text and not file.exists()
    monkeypatch.undo()

    # Not a database at all: moved aside, reported; the publish renders everything and saves anew.
    file.write_bytes(b"not sqlite" * 100)
    caplog.clear()
    state = PublishState()
    assert rendered_pages(state, full=True) == count
    assert "无法读取" in caplog.text
    assert file.with_name(file.name + ".discarded").read_bytes().startswith(b"not sqlite")
    assert len(render_store.load()[0]) == count


def mirror_on():
    mirror = MirrorSettings.load()
    mirror.enabled, mirror.profile, mirror.prefix = True, "s2hk", "zh-hant"
    mirror.save()


@pytest.mark.django_db
def test_the_file_forgets_what_the_site_no_longer_has(settings, stories):
    """Rows are pruned at save: a deleted page's document, file, search record and mirror rows, an
    unused tag page's QR code (in a worker that keeps running, and in a restarted one), so the file
    holds what a cold worker would save, never more."""
    mirror_on()
    first, second = stories
    state = PublishState()
    publish(state=state)
    before = render_store.counts()

    second.delete()  # a deleted story: its document, content/ file, search record; its mirror document, QR code …
    publish(state=state)
    after_delete = render_store.counts()
    assert {kind: before[kind] - after_delete[kind] for kind in before} == {
        "rendered": 1, "written": 2, "records": 1, "hant": 2, "written-hant": 2, "records-hant": 1, "qr": 0,
        "finished": 1}
    # (written: its document and the QR code beside it; hant: its converted document and QR code)

    first.tags.clear()  # no tag left: the tag pages (地质's and the tag index) and their QR codes go
    first.save_revision().publish()
    publish(state=PublishState())  # a restarted worker
    after_untag = render_store.counts()
    # (the search records of the edited story follow the pages: its index is built after the save)
    assert {kind: after_delete[kind] - after_untag.get(kind, 0) for kind in before} == {
        "rendered": 0, "written": 4, "records": 0, "hant": 4, "written-hant": 4, "records-hant": 0, "qr": 2,
        "finished": 0}

    cold = PublishState()
    cold.forget()  # nothing from disk: its save rewrites the file with what it rendered
    publish(state=cold, full=True)
    assert render_store.counts() == after_untag


@pytest.mark.django_db
def test_a_save_killed_mid_way_leaves_the_file_as_the_save_before(settings, stories):
    """A worker killed inside its save leaves SQLite's rollback journal beside the file: the next
    worker rolls it back and uses every row of the save before (not a file thrown away whole)."""
    import os

    publish(state=PublishState())
    file = render_store.path()
    count = len(render_store.load()[0])

    child = os.fork()
    if child == 0:  # a save that dies before its commit: rows deleted, the journal left behind
        try:
            db = sqlite3.connect(file, isolation_level=None)
            db.execute("PRAGMA cache_size = 1")  # pages spill into the file before the commit
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM rendered")
            db.execute("DELETE FROM header")
            db.execute("DELETE FROM memo")
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    journal = file.with_name(file.name + "-journal")
    assert journal.is_file()

    state = PublishState()
    assert len(render_store.load()[0]) == count and not journal.exists()
    assert rendered_pages(state) == 0  # nothing changed: the restored renders are all used


def passes_while_reading(prepare):
    """Call ``prepare()``; return the passes of the cyclic garbage collector (the generation each
    started on) while it reads the render store or the verification scans. The collector runs
    meanwhile at every allocation of a container (threshold 1) unless it is paused."""
    from cms.publish import scan_store

    passes, reading, thresholds = [], [False], gc.get_threshold()

    def note(phase, info):
        if phase == "start" and reading[0]:
            passes.append(info["generation"])

    def reads(function):
        def read(*args):
            reading[0] = True
            try:
                return function(*args)
            finally:
                reading[0] = False

        return read

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_store, "load", reads(render_store.load))
        patch.setattr(scan_store.ScanStore, "get", reads(scan_store.ScanStore.get))
        gc.callbacks.append(note)
        gc.set_threshold(1)
        try:
            prepare()
        finally:
            gc.set_threshold(*thresholds)
            gc.callbacks.remove(note)
    return passes


def tracked(*objects):
    """Those of ``objects`` the cyclic collector still walks (not frozen out of its way)."""
    ids = {id(obj) for obj in objects}
    return [obj for obj in gc.get_objects() if id(obj) in ids]


@pytest.mark.django_db
def test_a_restarted_worker_reads_back_before_its_first_job_with_the_collector_out_of_the_way(
        settings, stories, monkeypatch):
    """What a new worker reads back at its start (db_worker: PublishState.prepare): the saved rows,
    and the live build's verification scans, so that its first approval reads neither. They are
    millions of containers at 10,000 pieces: no pass of the cyclic collector walks them as they are
    read, and they are frozen out of its way."""
    from cms.publish import scan_store

    publish(state=PublishState())
    live = swap.builds_dir() / swap.live_build()
    pages = {str(path.relative_to(live / "site")) for path in (live / "site").rglob("*.html")}
    first, second = stories
    second.body = [("paragraph", "<p>数学家，自学成才。</p>")]
    second.save_revision().publish()

    restarted = PublishState()
    assert passes_while_reading(restarted.prepare) == [] and gc.isenabled()
    assert len(restarted.renders.entries) > 3 and restarted.scans.build == str(live.absolute())
    assert set(restarted.scans.scans) == pages  # every page of the live build, as verification read it
    entry, scan = next(iter(restarted.renders.entries.values())), next(iter(restarted.scans.scans.values()))
    assert tracked(entry, entry.meta, scan, scan["targets"]) == []

    read = []
    monkeypatch.setattr(scan_store, "_read_entry", lambda entry: read.append(entry))
    assert rendered_pages(restarted) == 1
    assert read == []  # (the scans were read at its start)
    assert "数学家，自学成才" in (swap.site_link() / "gezhi-lundao" / "hua-luogeng" / "index.html").read_text("utf-8")


@pytest.mark.django_db
def test_a_worker_that_read_the_scans_before_another_published_verifies_against_the_new_build(settings, stories):
    """The scans read at a worker's start are of the build then live: after another worker's
    publish, its next publish reads those of the build live now, and makes the site a cold worker
    makes."""
    first, second = stories
    publish(state=PublishState())
    waiting = PublishState()
    waiting.prepare()
    read_at_start = waiting.scans.build
    second.body = [("paragraph", "<p>另一个进程发布的正文。</p>")]
    second.save_revision().publish()
    publish(state=PublishState())  # another worker
    first.title = "李四光（地质学家）"
    first.save_revision().publish()
    assert rendered_pages(waiting) >= 1
    assert waiting.scans.build != read_at_start
    warm = site_and_content(settings)

    cold = PublishState()
    cold.forget()
    publish(state=cold, full=True)
    assert site_and_content(settings) == warm


@pytest.mark.django_db
def test_the_last_save_says_what_the_whole_publish_wrote_its_index_included(settings, stories):
    """An approval's pages go live first and its search index follows, each followed by a save: the
    header's ``last_save`` adds the two (the story rendered, then its search record)."""
    first, _second = stories
    state = PublishState()
    publish(state=state)
    first.title = "李四光：地质学家"
    first.save_revision().publish()
    rendered = rendered_pages(state)  # (the story and the pages that show its title)
    saved = render_store.last_save()
    assert rendered >= 1 and saved["rendered"] == rendered and saved["deleted"] == 0
    assert saved["memo"]["records"] >= 1  # search records (the story's among them), saved after the index build


def test_a_memo_saves_what_any_way_of_changing_a_dict_changed_and_nothing_else():
    """Each way a dict is changed (as the memo's owners and the search library change it) is what the
    next save writes; a key put back with the very value the file holds, or read, is not written."""
    kept, old, new = ("a",), ("b",), ("c",)
    memo = render_store.SavedMemo()
    memo.restore({"kept": kept, "replaced": old, "deleted": old, "popped": old, "same": old, "cleared-later": old})
    assert memo.take_unsaved() == {}  # what was read back is what the file holds
    memo["replaced"] = new
    del memo["deleted"]
    memo.pop("popped")
    memo.pop("never-there", None)
    memo["same"] = old  # the very object the file holds
    memo.setdefault("kept", new)  # held already: unchanged
    memo.setdefault("set-default", new)
    memo.update({"updated": new}, keyword=new)
    memo |= {"merged": new}
    assert memo.take_unsaved() == {"replaced": new, "deleted": None, "popped": None, "set-default": new,
                                   "updated": new, "keyword": new, "merged": new}
    assert memo.take_unsaved() == {}  # saved: nothing left to write
    memo.prune({"kept", "replaced"})
    assert set(memo.take_unsaved()) == {"same", "cleared-later", "set-default", "updated", "keyword", "merged"}
    memo.clear()
    assert memo.take_unsaved() == {"kept": None, "replaced": None}
    memo["put-and-deleted"] = new
    del memo["put-and-deleted"]
    assert memo.take_unsaved() == {}
