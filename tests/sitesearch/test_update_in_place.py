"""An index update in a build folder made of hard links to the last build (what a publish builds in:
staging.prepare_index) changes that folder's own copy in place: the changed shard is patched under a
temporary name and renamed, and only the bucket files of the buckets the change touched are written,
the others left as they are (no link made, no file of the last build written through). A spare
build's older index is brought in line first (``search.mirror``: a link per file that differs).
Whatever the path, the index is byte for byte a build from scratch, and the caches lose what left
the site without being listed whole."""

import hashlib
import json
import os

from cms.publish import fsutil
from cms.sitesearch import index as search
from cms.sitesearch.records import FORMAT
from tests.publish.test_site_search import pages_with, write_documents
from tests.sitesearch.test_pages_added_or_removed import add
from tests.sitesearch.test_update_from_cache import files

TARGET = 16  # 40 pages in 4 shards of about 10 (a shard is patched when at most a quarter changed)
SHARDS = search.shard_count(40, TARGET)


def counting_links(monkeypatch):
    made = []
    original = os.link

    def link(source, target, *args, **kwargs):
        made.append(str(target))
        return original(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", link)
    return made


def listing_of(build):
    return json.loads((build / "search/shards.json").read_bytes())


def bucket_files(build):
    """{(kind, bucket): path} of a build's bucket files, in whichever group folder its listing puts them."""
    listing = listing_of(build)
    counts = {"g": listing["postings"]["grams"], "c": listing["postings"]["chars"]}
    return {(kind, number): build / "search" / search.bucket_path(listing, kind, number)
            for kind, count in counts.items() for number in range(count)}


def shard_folder(build, number):
    return next((build / "search/s").glob(f"{number:03d}-*"))


class Builds:
    """b0, b1 … in ``tmp_path``, each a linked copy of the one before, updated by ``build_index``."""

    def __init__(self, tmp_path, content, pages):
        self.tmp_path, self.content, self.pages = tmp_path, content, pages
        self.cache, self.digests, self.step = tmp_path / "cache", {}, 0
        self.index(tmp_path / "b0")

    def index(self, build, previous=None):
        return search.build_index(build, self.content, {"pages": self.pages}, previous=previous,
                                  cache_dir=self.cache, digests=self.digests, target=TARGET)

    def update(self, monkeypatch, start=None):
        """The next build, from a linked copy of ``start`` (default: the last build); returns
        (build, links made, stats) after checking it against a build from scratch and the last
        build against what it held."""
        last = self.tmp_path / f"b{self.step}"
        self.step += 1
        new = self.tmp_path / f"b{self.step}"
        fsutil.link_tree(start or last, new)
        before = files(last)
        with monkeypatch.context() as patched:
            links = counting_links(patched)
            stats = self.index(new, previous=last / "search")
        assert files(last) == before  # never written through a link
        scratch = self.tmp_path / f"scratch{self.step}"
        search.build_index(scratch, self.content, {"pages": self.pages}, cache_dir=None, target=TARGET)
        assert files(new / "search") == files(scratch / "search")
        assert search.verify(new, [search.page_url(path) for path in self.pages]) == []
        return new, links, stats


def assert_only_changed_buckets_written(new, old):
    """Each bucket file of ``new`` is the same file as ``old``'s of that bucket (a hard link) if it
    holds the same bytes, and a new one if not; a group folder holding a new one has a new name, the
    others keep theirs."""
    new_files, old_files = bucket_files(new), bucket_files(old)
    assert new_files.keys() == old_files.keys()
    same = written = 0
    renamed = set()
    for bucket, path in new_files.items():
        old_path = old_files[bucket]
        if old_path.read_bytes() == path.read_bytes():
            assert path.samefile(old_path), path
            same += 1
        else:
            assert not path.samefile(old_path), path
            written += 1
            renamed.add(path.parent.parent.name)
    assert written and same > written
    groups = {path.parent.parent.name for path in new_files.values()}
    assert groups - {path.parent.parent.name for path in old_files.values()} == renamed


def test_an_update_in_a_linked_copy_writes_only_what_changed_and_equals_a_build_from_scratch(tmp_path, monkeypatch):
    content = tmp_path / "content"
    pages = write_documents(content, 40)["pages"]
    builds = Builds(tmp_path, content, pages)

    # A page's text changed: its shard patched in place, a few bucket files written, nothing linked.
    pages.update(write_documents(content, 40, extra="新增的词：优选法。")["pages"])
    b1, links, stats = builds.update(monkeypatch)
    assert stats["built"] == 1 and stats["kept"] == SHARDS - 1 and links == []
    assert_only_changed_buckets_written(b1, tmp_path / "b0")
    assert pages_with(b1, "优选法") == {"p/page-03/"}
    number = search.shard_of("p/page-03.md", SHARDS)
    changed, old = shard_folder(b1, number), shard_folder(tmp_path / "b0", number)
    urls = json.loads((changed / "pages.json").read_bytes())
    for slot, url in enumerate(urls):  # the other pages' records: the last build's files
        if url is not None:
            assert (changed / f"d/{slot}.json").samefile(old / f"d/{slot}.json") == (url != "p/page-03/")

    # A page added, then another removed: patched in place too (the removed page's record goes).
    pages.update([add(content, "a/deng-jiaxian.md", "邓稼先", "邓稼先参与研制中国第一颗原子弹和氢弹。")])
    b2, links, _ = builds.update(monkeypatch)
    assert links == [] and pages_with(b2, "原子弹") == {"a/deng-jiaxian/"}
    assert_only_changed_buckets_written(b2, b1)
    del pages["p/page-07.md"]
    b3, links, _ = builds.update(monkeypatch)
    assert links == []
    number = search.shard_of("p/page-07.md", SHARDS)
    records = [len(list((shard_folder(build, number) / "d").iterdir())) for build in (b2, b3)]
    assert records[1] == records[0] - 1

    # Most of a shard's pages changed: made again (not patched), still in this build's own folder,
    # and the bucket files still written only where they differ.
    numbers = [int(path.removeprefix("p/page-").removesuffix(".md")) for path in pages
               if path.startswith("p/") and search.shard_of(path, SHARDS) == 0]
    numbers = numbers[: len(numbers) // 2]
    for number in numbers:
        path = content / f"p/page-{number:02d}.md"
        path.write_bytes(path.read_bytes().replace("统筹法".encode(), "运筹学".encode()))
        pages[f"p/page-{number:02d}.md"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    b4, links, stats = builds.update(monkeypatch)
    assert stats["built"] == 1 and links == []
    assert_only_changed_buckets_written(b4, b3)
    assert pages_with(b4, "运筹学") == {f"p/page-{number:02d}/" for number in numbers}


def test_a_spare_builds_older_index_is_brought_in_line_by_the_files_that_differ(tmp_path, monkeypatch):
    """The publish's pages build may start from a spare build (a publish or two behind): its index is
    made the last build's first (a link per file that differs), then updated as in a linked copy."""
    content = tmp_path / "content"
    pages = write_documents(content, 40)["pages"]
    builds = Builds(tmp_path, content, pages)
    pages.update(write_documents(content, 40, extra="新增的词：优选法。")["pages"])
    builds.update(monkeypatch)
    total = sum(1 for path in (tmp_path / "b1/search").rglob("*") if path.is_file())

    pages.update([add(content, "z/huang-danian.md", "黄大年", "黄大年回国研究航空地球物理探测。")])
    b2, links, _ = builds.update(monkeypatch, start=tmp_path / "b0")  # from b0, the index of b1's
    assert pages_with(b2, "地球物理") == {"z/huang-danian/"} and pages_with(b2, "优选法") == {"p/page-03/"}
    assert 0 < len(links) < total / 4


def test_mirror_links_only_the_files_that_differ(tmp_path, monkeypatch):
    """``search.mirror`` into an older copy of the index (the spare build's, staging.prepare):
    every file ends a hard link to the source's of that name, nothing else is left, and a file is
    linked only where the copy's differs."""
    content = tmp_path / "content"
    pages = write_documents(content, 40)["pages"]
    builds = Builds(tmp_path, content, pages)
    pages.update(write_documents(content, 40, extra="新增的词：优选法。")["pages"])
    source = builds.update(monkeypatch)[0] / "search"
    copy = tmp_path / "copy/search"
    fsutil.link_tree(tmp_path / "b0/search", copy)
    older = files(tmp_path / "b0")
    (copy / "p/.tmp-left-over").mkdir()
    had = {path.stat().st_ino for path in copy.rglob("*") if path.is_file()}
    with monkeypatch.context() as patched:
        links = counting_links(patched)
        search.mirror(source, copy)
    names = sorted(path.relative_to(source).as_posix() for path in source.rglob("*"))
    assert sorted(path.relative_to(copy).as_posix() for path in copy.rglob("*")) == names
    assert all((copy / name).samefile(source / name) for name in names if (source / name).is_file())
    differing = [path for path in source.rglob("*") if path.is_file() and path.stat().st_ino not in had]
    assert 0 < len(links) == len(differing) < len(names) / 4
    assert files(tmp_path / "b0") == older  # its files were replaced in the copy, never written into


def test_the_caches_lose_what_left_the_site_without_being_listed_whole(tmp_path, monkeypatch):
    """With a worker's memo of record digests, a build removes the cached record and term counts of
    a page that changed or left, and looks through one of the caches' 256 folders only (named by
    the build's bucket files) for what a killed process left behind."""
    content = tmp_path / "content"
    pages = write_documents(content, 40)["pages"]
    builds = Builds(tmp_path, content, pages)
    cache = builds.cache

    def cached():
        return ({path.stem for path in cache.glob("[0-9a-f][0-9a-f]/*.json")},
                {path.stem for path in cache.glob("terms/c/*/*")})

    records_before, _ = cached()
    changed, removed = "p/page-03.md", "p/page-11.md"
    old_shas = {pages[changed]["sha256"], pages[removed]["sha256"]}
    old_digests = {builds.digests[f"{FORMAT}:{sha}"] for sha in old_shas}
    pages.update(write_documents(content, 40, extra="新增的词：优选法。")["pages"])
    del pages[removed]
    # What a killed process left: a record in every folder of the record cache, term counts in every
    # folder of theirs.
    strays = [cache / f"{number:02x}" / f"{number:02x}{'0' * 62}.json" for number in range(256)]
    strays += [cache / "terms/c" / f"{number:02x}" / f"{number:02x}{'0' * 14}.bin" for number in range(256)]
    for path in strays:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"{}")
    builds.update(monkeypatch)

    records, counts = cached()
    assert records == (records_before - old_shas) | {pages[changed]["sha256"]} | {p.stem for p in strays if p.exists()
                                                                                 and p.suffix == ".json"}
    assert not old_digests & counts and builds.digests[f"{FORMAT}:{pages[changed]['sha256']}"] in counts
    assert builds.digests.keys() == {f"{FORMAT}:{entry['sha256']}" for entry in pages.values()}
    swept = search.sweep_of(listing_of(tmp_path / "b1"))
    assert [path for path in strays if not path.exists()] == [path for path in strays if path.parent.name == swept]
