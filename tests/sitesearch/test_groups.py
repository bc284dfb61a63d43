"""The bucket files in group folders (docs/search-index-cost.md, D2): search/p/<gg>-<digest>/{g,c}/<hex>.bin,
bucket b of either kind in group b % G, each group folder named by a digest of its own files, so that a
publish renames only the groups of the buckets it touched (a reader's cached files, nginx's ``expires
max``, and a copy on another server stay valid for the others)."""

import hashlib
import json
import os

from cms.publish import fsutil
from cms.sitesearch import index as search
from cms.sitesearch.termcache import rule
from tests.publish.test_site_search import write_documents

TARGET = 8  # 40 pages in 8 shards: (512, 128) buckets, 8 groups of 64 gram and 16 char files


def with_word(content_dir, manifest, path, word):
    """``manifest`` (write_documents') with page ``path``'s 统筹法 replaced by ``word``."""
    data = (content_dir / path).read_bytes().replace("统筹法".encode(), word.encode())
    (content_dir / path).write_bytes(data)
    pages = {**manifest["pages"], path: {"sha256": hashlib.sha256(data).hexdigest()}}
    return {"pages": pages}


def listing_of(build):
    return json.loads((build / "search/shards.json").read_text("utf-8"))


def by_hand(folder, number, grams, chars, groups):
    """A group folder's digest as the design says it: sha256 over the layout and rule, the bucket counts,
    the group's number, then for each of its files (gram buckets, then char buckets, by number) its
    name, its length and its bytes; the first 12 hex digits."""
    digest = hashlib.sha256(f"{search.LAYOUT} {rule()} {grams} {chars} {number}".encode())
    for kind, total in (("g", grams), ("c", chars)):
        for bucket in range(number, total, groups):
            data = (folder / kind / f"{bucket:x}.bin").read_bytes()
            digest.update(f"\0{kind}/{bucket:x}.bin {len(data)}\0".encode() + data)
    return digest.hexdigest()[:12]


def bucket_bytes(build):
    """{(kind, bucket): bytes} of every bucket file under a build's p/, found by walking the folders."""
    found = {}
    for path in (build / "search/p").glob("*/*/*.bin"):
        found[(path.parent.name, int(path.stem, 16))] = path.read_bytes()
    return found


def test_each_group_folder_holds_its_buckets_and_is_named_by_their_bytes(tmp_path):
    content = tmp_path / "content"
    manifest = write_documents(content, 40)
    search.build_index(tmp_path / "one", content, manifest, cache_dir=None, target=TARGET)
    listing = listing_of(tmp_path / "one")
    grams, chars = listing["postings"]["grams"], listing["postings"]["chars"]
    assert (grams, chars) == (512, 128)
    groups = listing["postings"]["groups"]
    assert len(groups) == 8  # 512 gram buckets / 64
    folders = sorted(path.name for path in (tmp_path / "one/search/p").iterdir())
    assert folders == [f"{number:02x}-{digest}" for number, digest in enumerate(groups)]
    for number, name in enumerate(folders):
        folder = tmp_path / "one/search/p" / name
        assert sorted(p.name for p in (folder / "g").iterdir()) == sorted(f"{b:x}.bin" for b in range(number, 512, 8))
        assert sorted(p.name for p in (folder / "c").iterdir()) == sorted(f"{b:x}.bin" for b in range(number, 128, 8))
        assert groups[number] == by_hand(folder, number, grams, chars, 8)
        assert oct(folder.stat().st_mode & 0o777) == "0o755"
    # The script's URL of a bucket (kepu-search.js bucketPath): group b % 8, two hex digits.
    assert search.bucket_path(listing, "g", 0x1f3) == f"p/03-{groups[3]}/g/1f3.bin"
    assert search.bucket_path(listing, "c", 0x3a) == f"p/02-{groups[2]}/c/3a.bin"
    assert search.verify(tmp_path / "one", [search.page_url(p) for p in manifest["pages"]]) == []


def test_a_one_page_change_renames_only_the_groups_of_the_buckets_it_touched(tmp_path):
    """200 pages in 32 shards: (2048, 512) buckets in 32 groups. Page 3's 统筹法 becomes 优选法 (its length
    the same: no other page's levels move)."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    manifest = write_documents(content, 200)
    search.build_index(tmp_path / "one", content, manifest, cache_dir=cache, target=TARGET)
    before = {path.name for path in (tmp_path / "one/search/p").iterdir()}
    assert len(before) == 32
    # The next build: a linked copy of the last, as staging makes it, then one page's text changed.
    fsutil.link_tree(tmp_path / "one", tmp_path / "two")
    changed = with_word(content, manifest, "p/page-03.md", "优选法")
    search.build_index(tmp_path / "two", content, changed, previous=tmp_path / "one/search", cache_dir=cache,
                       target=TARGET)
    after = {path.name for path in (tmp_path / "two/search/p").iterdir()}

    old, new = bucket_bytes(tmp_path / "one"), bucket_bytes(tmp_path / "two")
    assert old.keys() == new.keys() and len(new) == 2048 + 512
    differing = {bucket for bucket in new if new[bucket] != old[bucket]}
    # Page 3 gained 优选, 选法, 优, 选 and lost 统筹, 筹法, 统, 筹: those buckets differ, no others.
    assert differing == {("g", search.term_hash(term) % 2048) for term in ("优选", "选法", "统筹", "筹法")} | {
        ("c", search.term_hash(term) % 512) for term in "优选统筹"}
    touched = {number % 32 for _kind, number in differing}
    assert {name[:2] for name in before - after} == {f"{n:02x}" for n in touched}
    assert {name[:2] for name in after - before} == {f"{n:02x}" for n in touched}
    assert len(after) == 32 and len(before & after) == 32 - len(touched) >= 32 - 8
    # The groups kept are the same files (never written), the renamed ones share their unchanged files.
    for name in before & after:
        for path in (tmp_path / "two/search/p" / name).rglob("*.bin"):
            assert path.samefile(tmp_path / "one/search/p" / name / path.relative_to(tmp_path / "two/search/p" / name))
    listing = listing_of(tmp_path / "two")
    for number, digest in enumerate(listing["postings"]["groups"]):
        assert digest == by_hand(tmp_path / "two/search/p" / f"{number:02x}-{digest}", number, 2048, 512, 32)
    assert search.verify(tmp_path / "two", [search.page_url(p) for p in changed["pages"]]) == []


def test_verify_counts_each_group_and_the_groups(tmp_path):
    content = tmp_path / "content"
    manifest = write_documents(content, 40)
    site = tmp_path / "site"
    search.build_index(site, content, manifest, cache_dir=None, target=TARGET)
    urls = [search.page_url(p) for p in manifest["pages"]]
    listing = listing_of(site)
    name = f"05-{listing['postings']['groups'][5]}"
    os.unlink(site / "search/p" / name / "g" / "d.bin")  # bucket 13: group 5
    assert search.verify(site, urls) == [
        f"搜索索引的词表文件不完整：search/p/{name}/ 应有 {{'g': 64, 'c': 16}}，实有 {{'g': 63, 'c': 16}}"]
    listing["postings"]["groups"].pop()
    (site / "search/shards.json").write_text(json.dumps(listing), "utf-8")
    assert search.verify(site, urls) == ["搜索索引的词表文件应分为 8 组，清单中有 7 组"]


def test_a_group_folder_is_paired_only_with_the_stale_folder_of_its_number():
    assert search.similar("search/p/03-aaaaaaaaaaaa", ["02-bbbbbbbbbbbb", "03-cccccccccccc"]) == "03-cccccccccccc"
    assert search.similar("zh-hant/search/p/1ff-aaaaaaaaaaaa", ["1fe-bbbbbbbbbbbb", "1ff-c"]) == "1ff-c"
    assert search.similar("search/p/03-aaaaaaaaaaaa", ["02-bbbbbbbbbbbb", ".tmp-x", "0123456789abcdef"]) is None
    assert search.similar("search/p/0123456789abcdef", ["0123456789abcdee"]) is None  # the layout before
