"""A page added to a shard (before, among and after its pages by path), removed from it or moved is
patched into the last build's shard: only that page is tokenised, the pages that keep their number
keep their record file (a hard link to the last build's), most bucket files are the last build's,
and the index is byte for byte a build from scratch of the same pages. The queries and what they
find are written by hand: what a reader would type for these pages."""

import hashlib
import json

from cms.sitesearch import index as search
from cms.sitesearch import notes
from tests.publish.test_site_search import pages_with
from tests.sitesearch.test_update_from_cache import TEXTS, counting_terms, files, rewritten, write

# Added pages: (path, title, text).
BEFORE = ("a/deng-jiaxian.md", "邓稼先", "邓稼先参与研制中国第一颗原子弹和氢弹。")
AFTER = ("z/huang-danian.md", "黄大年", "黄大年回国研究航空地球物理探测。")
MIDDLE_TEXT = "李四光创立地质力学，找到大庆油田。"


def add(content, path, title, text):
    (content / path).parent.mkdir(parents=True, exist_ok=True)
    data = f"---\ntitle: {title}\n---\n\n{text}\n".encode()
    (content / path).write_bytes(data)
    return path, {"sha256": hashlib.sha256(data).hexdigest(), "revision": 1, "page": 99}


def middle_path(pages):
    """A path among the pages by name whose slot is taken now by a page after it (so adding it moves
    that page on: linear probing); the test's scenario, chosen once."""
    paths = sorted(pages)
    count = notes.slot_count(len(paths) + 1, len(paths) + 1)
    now = notes.slots(paths, count)
    for n in range(100):
        path = f"p/page-05-{n}.md"
        later = {slot for page, slot in now.items() if page > path}
        if notes.slots([*paths, path], count)[path] in later:
            return path
    raise AssertionError("no such path")


def shard_of(build):
    folder = next(p for p in (build / "search/s").iterdir() if not p.name.startswith("t2s-"))
    return folder, json.loads((folder / "pages.json").read_bytes())


def test_pages_added_removed_or_moved_are_patched_and_equal_a_build_from_scratch(tmp_path, monkeypatch):
    content, cache = tmp_path / "content", tmp_path / "cache"
    pages = dict(write(content, number, text) for number, text in enumerate(TEXTS))
    pages.update(write(content, number, f"第{number}篇的正文：统筹法。") for number in range(6, 12))
    search.build_index(tmp_path / "b0", content, {"pages": pages}, cache_dir=cache)
    calls = counting_terms(monkeypatch)
    middle = middle_path(pages)

    def update():
        step = len(list(tmp_path.glob("b*")))
        new, old = tmp_path / f"b{step}", tmp_path / f"b{step - 1}"
        stats = search.build_index(new, content, {"pages": pages}, previous=old / "search", cache_dir=cache)
        assert stats["built"] == 1
        tokenised = list(calls)
        search.build_index(tmp_path / f"scratch{step}", content, {"pages": pages}, cache_dir=None)
        assert files(new / "search") == files(tmp_path / f"scratch{step}/search"), step
        (folder, urls), (old_folder, old_urls) = shard_of(new), shard_of(old)
        # Pages that kept their number kept their record file; the others' are new.
        linked = {url for number, url in enumerate(urls) if url and (old_folder / "d" / f"{number}.json").exists()
                  and (folder / "d" / f"{number}.json").samefile(old_folder / "d" / f"{number}.json")}
        same = {url for number, url in enumerate(urls) if url and number < len(old_urls) and old_urls[number] == url}
        assert linked == same and len(same) >= len(old_urls) - old_urls.count(None) - 2, step
        assert 0 < len(rewritten(new, old)) < len(list(new.glob("search/p/*/*/*.bin"))), step
        calls.clear()
        return tokenised, urls, old_urls

    # Added before every other page by name, then after every one.
    pages.update([add(content, *BEFORE)])
    assert update()[0] == ["邓稼先"]
    assert pages_with(tmp_path / "b1", "原子弹") == {"a/deng-jiaxian/"}
    pages.update([add(content, *AFTER)])
    assert update()[0] == ["黄大年"]
    assert pages_with(tmp_path / "b2", "地球物理") == {"z/huang-danian/"}
    # Added among them, on a number a page after it had: that page moves on, the others stay.
    pages.update([add(content, middle, "李四光", MIDDLE_TEXT)])
    tokenised, urls, old_urls = update()
    assert tokenised == ["李四光"]
    moved = {url for url in old_urls if url and urls.index(url) != old_urls.index(url)}
    assert len(moved) == 1
    assert pages_with(tmp_path / "b3", "地质力学") == {middle.removesuffix(".md") + "/"}
    assert pages_with(tmp_path / "b3", "统筹法") == {"p/page-02/", *(f"p/page-{n:02d}/" for n in range(6, 12))}

    # Removed: nothing tokenised, no longer found; its number left empty.
    del pages["p/page-01.md"]
    tokenised, urls, old_urls = update()
    assert tokenised == [] and "p/page-01/" in old_urls and "p/page-01/" not in urls
    assert pages_with(tmp_path / "b4", "导弹") == set()
    assert pages_with(tmp_path / "b4", "青蒿素") == {"p/page-04/"}

    # Moved (the same text under another path): its counts are kept, nothing tokenised.
    (content / "q").mkdir()
    (content / "p/page-04.md").rename(content / "q/page-04.md")
    pages["q/page-04.md"] = pages.pop("p/page-04.md")
    assert update()[0] == []
    assert pages_with(tmp_path / "b5", "青蒿素") == {"q/page-04/"}
    assert pages_with(tmp_path / "b5", "杂交水稻") == {"p/page-05/"}
