"""Verification costs what the change costs: an approval parses only the pages that changed, checks
the links of the others only when a file they link to is gone, and saves only the scans that
changed (scan_store.ScanStore); a full publish shares its pages out to processes. Every shortcut is
checked here against a verification from nothing: the same problems, for whatever changed."""

import collections
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from cms.publish import fsutil, scan_store, swap, verify
from cms.publish.errors import VerificationError
from cms.publish.pipeline import publish
from tests.conftest import make_image, make_story
from tests.publish.test_build_processes import forks, reaped  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("folders")


@pytest.fixture
def small_site(settings, programme):
    """A live build of a few stories (one with a picture, one linking to another): (site/ folder, manifest)."""
    portrait = make_image("肖像", size=(600, 600))
    for number, (title, slug) in enumerate([("李四光", "li-siguang"), ("华罗庚", "hua-luogeng"),
                                            ("钱三强", "qian-sanqiang")]):
        body = [("paragraph", '<p>见<a href="/gezhi-lundao/li-siguang/">李四光</a>。</p>')] if number else []
        make_story(programme, title=title, slug=slug, portrait=portrait if number == 1 else None,
                   portrait_alt=title, body=body)
    publish()
    live = swap.live()
    return live.dir / "site", live.manifest


def staged(site_dir, tmp_path):
    """A build made from ``site_dir`` as an approval's is: its files as hard links."""
    copy = tmp_path / "staged"
    fsutil.link_tree(site_dir, copy)
    return copy


@pytest.fixture
def parsed(monkeypatch):
    """The pages verification parses (verify._scan_file), in this process."""
    pages, scan = [], verify._scan_file
    monkeypatch.setattr(verify, "_scan_file", lambda path, *args: (pages.append(Path(path)), scan(path, *args))[1])
    return pages


def replace_file(path, data):
    """A new file in place of ``path`` (a new inode, as MkDocs writes a page): the live build's file untouched."""
    os.unlink(path)
    Path(path).write_bytes(data)


def linked_file(scans, site_dir, manifest):
    """A file of the build (not a page, a script or one the manifest names) that the fewest pages link
    to, and those pages."""
    named = set(manifest.get("attachments", {})) | set(manifest.get("generated", {}))
    named.update(script for entry in scans.values() for script in entry["scripts"])
    linking = collections.defaultdict(set)
    for rel, entry in scans.items():
        for _url, target in entry["targets"]:
            if not target.endswith(".html") and target not in named and (site_dir / target).is_file():
                linking[target].add(rel)
    target = min(sorted(linking), key=lambda each: len(linking[each]))
    return target, sorted(linking[target])


def test_an_approval_parses_only_what_changed_and_finds_what_a_full_verification_finds(settings, small_site,
                                                                                       tmp_path, parsed):
    """Each change behind the reused pages' back is found as a verification from nothing finds it."""
    site_dir, manifest = small_site
    first = verify.verify(site_dir, manifest)
    assert first.ok, first.problems
    assert first.scans.counts == collections.Counter(
        target for entry in first.scans.values() for _url, target in entry["targets"])

    copy = staged(site_dir, tmp_path)
    parsed.clear()
    again = verify.verify(copy, manifest, previous=first.scans)
    assert again.ok and parsed == [] and dict(again.scans) == dict(first.scans)  # nothing parsed again

    # A file one unchanged page links to is gone: that page's link is broken, though it is not parsed.
    target, linking = linked_file(first.scans, copy, manifest)
    os.unlink(copy / target)
    parsed.clear()
    incremental = verify.verify(copy, manifest, previous=first.scans)
    assert parsed == []
    assert sorted({p.split(" ")[0] for p in incremental.problems if "指向不存在的文件" in p}) == linking
    assert incremental.problems == verify.verify(copy, manifest).problems


def test_a_changed_page_and_a_removed_page_are_counted_out_of_the_links(settings, small_site, tmp_path, parsed):
    """Scans.counts follows the pages: a page written anew counts its own links, a page gone no longer
    counts, so a file only a removed page linked to may go and a link a new page breaks is found."""
    site_dir, manifest = small_site
    first = verify.verify(site_dir, manifest)
    copy = staged(site_dir, tmp_path)
    target, linking = linked_file(first.scans, copy, manifest)

    # The pages linking to the file are written anew without the link, and the file goes: no problem.
    for page in linking:
        html = (copy / page).read_bytes()
        for url in {url for url, each in first.scans[page]["targets"] if each == target}:
            html = html.replace(url.encode(), b"#")
        replace_file(copy / page, html)
    os.unlink(copy / target)
    parsed.clear()
    second = verify.verify(copy, manifest, previous=first.scans)
    assert sorted(parsed) == [copy / page for page in linking]
    assert second.problems == verify.verify(copy, manifest).problems == []
    assert second.scans.counts == collections.Counter(
        target for entry in second.scans.values() for _url, target in entry["targets"])

    # Now a page is written anew with a link to a file that is not there.
    other = next(rel for rel in sorted(second.scans) if rel not in linking and rel.endswith("index.html"))
    replace_file(copy / other, (copy / other).read_bytes().replace(b"</body>", b'<a href="/nowhere/">x</a></body>'))
    third = verify.verify(copy, manifest, previous=second.scans)
    assert any(other in p and "/nowhere/" in p and "指向不存在的文件" in p for p in third.problems), third.problems
    assert third.problems == verify.verify(copy, manifest).problems


def test_a_live_page_made_unreadable_or_unsafe_behind_kepus_back_stops_the_next_approval(settings, small_site,
                                                                                        programme):
    """The next publish's build links the live build's files: a page changed there is caught by its
    verification as before (readable: every file's mode is read on every verification; unsafe: a
    page written into has another size or time, so it is parsed again)."""
    site_dir, _manifest = small_site
    page = site_dir / "gezhi-lundao" / "hua-luogeng" / "index.html"
    os.chmod(page, 0o600)
    make_story(programme, title="袁隆平", slug="yuan-longping")
    with pytest.raises(VerificationError) as refused:
        publish()
    unreadable = "网页服务器读不到：gezhi-lundao/hua-luogeng/index.html（文件应为 0644、文件夹 0755）"
    assert unreadable in refused.value.problems

    os.chmod(page, 0o644)
    with open(page, "ab") as handle:  # into the very file (the live build's)
        handle.write(b"<script>alert(1)</script>")
    with pytest.raises(VerificationError) as refused:
        publish()
    assert any(p.startswith("gezhi-lundao/hua-luogeng/index.html 含有主题之外的脚本") for p in refused.value.problems)


def test_a_file_of_the_search_index_is_checked_for_readability_though_not_listed(small_site, tmp_path):
    site_dir, manifest = small_site
    copy = tmp_path / "copy"
    shutil.copytree(site_dir, copy)
    inside = next(p for p in sorted((copy / "search").rglob("*"))
                  if p.is_file() and p.relative_to(copy / "search").parts[0] in ("s", "p"))
    os.chmod(inside, 0o600)
    problems = verify.verify(copy, manifest).problems
    assert problems == [f"网页服务器读不到：{inside.relative_to(copy).as_posix()}（文件应为 0644、文件夹 0755）"]


def below_site(path):
    """A page's path below the site/ of the (staging) build it is in."""
    parts = Path(path).parts
    start = next(n for n in range(len(parts) - 1, -1, -1) if parts[n].startswith(".staging-")) + 2
    return "/".join(parts[start:])


def rows(settings):
    """{page: rowid} of the scans store: a row written again gets a new rowid."""
    with sqlite3.connect(Path(settings.KEPU_BUILDS_DIR) / scan_store.ScanStore.STORE) as db:
        return dict(db.execute("SELECT rel, rowid FROM scans"))


def test_an_approval_saves_the_scans_of_the_pages_that_changed_only(settings, small_site, programme, parsed):
    before = rows(settings)
    assert before and all(rel.endswith(".html") for rel in before)
    make_story(programme, title="袁隆平", slug="yuan-longping")
    parsed.clear()
    publish()
    after = rows(settings)
    written = {rel for rel, rowid in after.items() if before.get(rel) != rowid}
    assert written == {below_site(path) for path in parsed}  # the pages parsed again, no other
    assert 0 < len(written) < len(after)
    assert "gezhi-lundao/yuan-longping/index.html" in written
    site_dir = Path(os.path.realpath(settings.KEPU_SITE_DIR))
    assert set(after) == {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")}


def test_a_new_worker_reuses_the_saved_scans_and_a_kill_before_they_are_saved_costs_only_time(
        settings, small_site, programme, parsed):
    """The store's rows hold each file's identity: true of that file in whichever build links it."""
    from cms.publish.state import current

    current().forget()  # a new worker: nothing in memory
    make_story(programme, title="袁隆平", slug="yuan-longping")
    parsed.clear()
    publish()
    pages = len(rows(settings))
    assert 0 < len(parsed) < pages

    # The scans of the last build never saved (killed after the swap): the next one finds the older rows.
    current().forget()
    store = Path(settings.KEPU_BUILDS_DIR) / scan_store.ScanStore.STORE
    with sqlite3.connect(store) as db:
        db.execute("UPDATE meta SET value = 'elsewhere'")
    make_story(programme, title="钱学森", slug="qian-xuesen")
    parsed.clear()
    publish()
    assert 0 < len(parsed) < pages
    assert rows(settings).keys() == {rel for rel in scan_store.ScanStore().get(swap.live().dir)}


def test_verification_shared_out_to_processes_is_that_of_one(small_site, tmp_path, monkeypatch, request):
    """The same problems in the same order and the same scans, with forked processes reaped."""
    forked = request.getfixturevalue("forks")  # (the pid of every process forked: test_build_processes)
    site_dir, manifest = small_site
    copy = staged(site_dir, tmp_path)
    pages = sorted(p for p in copy.rglob("*.html") if "search/" not in p.relative_to(copy).as_posix())
    replace_file(pages[1], pages[1].read_bytes().replace(b"</body>", b"<script>alert(1)</script></body>"))
    replace_file(pages[-1], pages[-1].read_bytes().replace(b"</body>", b'<a href="gone/">x</a></body>'))
    one = verify.verify(copy, manifest, processes=1)
    assert len(one.problems) >= 2

    monkeypatch.setattr(verify, "PAGES_PER_PROCESS", 1)
    three = verify.verify(copy, manifest, processes=3)
    assert len(forked) == 2 and all(reaped(pid) for pid in forked)
    assert three.problems == one.problems
    assert json.dumps(three.scans, sort_keys=True) == json.dumps(one.scans, sort_keys=True)
    assert three.scans.counts == one.scans.counts


def test_a_process_failing_fails_the_verification(small_site, tmp_path, monkeypatch):
    site_dir, manifest = small_site
    copy = staged(site_dir, tmp_path)
    monkeypatch.setattr(verify, "PAGES_PER_PROCESS", 1)
    last = sorted(rel for rel in fsutil.survey(copy, keyed=".html").keys)[1]  # page 1: the second process's
    scan = verify._scan_file

    def failing(path, *args):
        if Path(path) == copy / last and os.getpid() != parent:
            raise OSError("磁盘读取失败")
        return scan(path, *args)

    parent = os.getpid()
    monkeypatch.setattr(verify, "_scan_file", failing)
    with pytest.raises(VerificationError, match="校验页面的子进程失败：OSError: 磁盘读取失败"):
        verify.verify(copy, manifest, processes=2)


@pytest.mark.parametrize("damage", ['{"meta": {}}', '[1, 2]'])  # an entry without its keys; not an entry
def test_a_damaged_row_costs_a_verification_of_every_page_not_the_publish(settings, small_site, programme, parsed,
                                                                          damage):
    from cms.publish.state import current

    with sqlite3.connect(Path(settings.KEPU_BUILDS_DIR) / scan_store.ScanStore.STORE) as db:
        db.execute("UPDATE scans SET entry = ? WHERE rel = (SELECT min(rel) FROM scans)", (damage,))
    current().forget()  # a new worker: it reads the store
    make_story(programme, title="袁隆平", slug="yuan-longping")
    parsed.clear()
    result = publish()
    assert not result.unfinished
    assert len({below_site(path) for path in parsed}) == len(rows(settings)) > 0  # every page parsed, all saved


def test_a_damaged_store_costs_a_verification_of_every_page_and_is_written_anew(settings, small_site, programme,
                                                                              parsed):
    from cms.publish.state import current

    store = Path(settings.KEPU_BUILDS_DIR) / scan_store.ScanStore.STORE
    store.write_bytes(b"not a database" * 100)
    current().forget()
    make_story(programme, title="袁隆平", slug="yuan-longping")
    parsed.clear()
    result = publish()
    assert not result.unfinished
    assert len({below_site(path) for path in parsed}) == len(rows(settings)) > 0  # every page parsed, all saved


# The survey: a file of the new build that is the very file the last verified build held (its inode,
# read from the folder) is not stat'ed again; every other file is.

@pytest.fixture
def surveys(monkeypatch):
    """The surveys verification makes (fsutil.Survey), in this process."""
    made, survey = [], fsutil.survey
    monkeypatch.setattr(fsutil, "survey", lambda *args, **kwargs: made.append(survey(*args, **kwargs)) or made[-1])
    return made


def entries(root):
    """(folders, pages, other files) under ``root``: {relative path: inode}, as a walk by hand finds them."""
    found = ({}, {}, {})
    for folder, names, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        for name in names:
            found[0][(rel / name).as_posix()] = os.stat(Path(folder, name)).st_ino
        for name in files:
            path = (rel / name).as_posix()
            found[1 if name.endswith(".html") else 2][path] = os.lstat(Path(folder, name)).st_ino
    return found


def held_scans(site_dir, manifest):
    """The scans of a verification of ``site_dir``, as the store gives them for the live build."""
    scans = verify.verify(site_dir, manifest).scans
    scans.site = os.fspath(site_dir)
    return scans


def test_an_approval_stats_the_folders_the_pages_and_only_the_other_files_that_are_new(small_site, tmp_path,
                                                                                       surveys):
    site_dir, manifest = small_site
    previous = held_scans(site_dir, manifest)
    assert surveys[-1].stats == sum(map(len, entries(site_dir)))  # (no previous: everything stat'ed)
    copy = staged(site_dir, tmp_path)
    picture = next(path for path in sorted(entries(copy)[2]) if path.endswith((".png", ".jpg", ".webp")))
    replace_file(copy / picture, (copy / picture).read_bytes())  # a new file (a new inode), readable
    index_file = next(path for path in sorted(entries(copy)[2]) if path.startswith("search/"))
    replace_file(copy / index_file, (copy / index_file).read_bytes())

    result = verify.verify(copy, manifest, previous=previous)
    assert result.ok, result.problems
    folders, pages, others = entries(copy)
    # Stat'ed: every folder, every page, the two new files; not the files the live build still holds.
    assert surveys[-1].stats == len(folders) + len(pages) + 2 < sum(map(len, entries(copy)))
    assert result.scans.inodes == others and result.scans.partial == 1


def test_a_new_file_made_unreadable_is_reported_and_a_chmod_behind_kepus_back_at_the_next_full_survey(
        small_site, tmp_path, surveys, monkeypatch):
    site_dir, manifest = small_site
    previous = held_scans(site_dir, manifest)
    copy = staged(site_dir, tmp_path)
    others = sorted(entries(copy)[2])
    new = next(path for path in others if path.endswith((".png", ".jpg", ".webp")))
    linked = next(path for path in others if path.endswith(".css"))
    replace_file(copy / new, (copy / new).read_bytes())
    os.chmod(copy / new, 0o600)
    os.chmod(copy / linked, 0o600)  # (the live build's very file)

    def unreadable(result):
        return sorted(p.split("：")[1].split("（")[0] for p in result.problems if p.startswith("网页服务器读不到"))

    assert unreadable(verify.verify(copy, manifest, previous=previous)) == [new]
    monkeypatch.setattr(verify, "FULL_SURVEY_EVERY", 3)
    previous.partial = 2  # (its third since the last full one: a full one)
    assert unreadable(verify.verify(copy, manifest, previous=previous)) == sorted([new, linked])
    assert unreadable(verify.verify(copy, manifest)) == sorted([new, linked])


def test_a_search_index_file_is_taken_as_verified_only_while_the_live_build_holds_it(small_site, tmp_path,
                                                                                      surveys):
    """A search index file the live build no longer holds (anywhere in its index) may have been freed,
    and its inode taken by a new file: such a file is stat'ed, though its inode is the one verified."""
    site_dir, manifest = small_site
    previous = held_scans(site_dir, manifest)
    copy = staged(site_dir, tmp_path)
    index_file = next(path for path in sorted(entries(copy)[2]) if path.startswith("search/"))
    live = tmp_path / "live"
    shutil.copytree(site_dir, live)  # the live build, its index file at that path another file now
    previous.site = os.fspath(live)
    os.chmod(copy / index_file, 0o600)
    problems = verify.verify(copy, manifest, previous=previous).problems
    assert f"网页服务器读不到：{index_file}（文件应为 0644、文件夹 0755）" in problems
