"""A one-page update of the search index: the changed shard is made from what the last build kept
(per-page term counts, the shard's notes and segments), tokenising only the changed page, and is
byte for byte the shard a build from scratch makes; a cache file that is corrupt or another page's
is ignored, with a warning, and the index is still the same."""

import hashlib
import json
import logging

from cms.sitesearch import index as search
from cms.sitesearch import postings, shard, termcache

TEXTS = ["竺可桢研究物候学，记录北京的花开与鸟鸣。", "钱学森回国后主持导弹与航天事业。", "华罗庚推广统筹法和优选法。",
         "南仁东为中国天眼选址二十余年。", "屠呦呦从古籍中得到青蒿素的启发。", "袁隆平培育杂交水稻。"]


def write(content, number, text):
    data = f"---\ntitle: 第{number}篇\ntags: [标签{number % 2}]\n---\n\n{text}\n".encode()
    path = f"p/page-{number:02d}.md"
    (content / path).parent.mkdir(parents=True, exist_ok=True)
    (content / path).write_bytes(data)
    return path, {"sha256": hashlib.sha256(data).hexdigest(), "revision": 1, "page": number + 1}


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def levels_of_page(site, number):
    """{term: level} of page ``number`` (p/page-NN.md) in the only shard's gram segments."""
    folder = next(p for p in (site / "search/s").iterdir() if not p.name.startswith("t2s-"))
    page = json.loads((folder / "pages.json").read_bytes()).index(f"p/page-{number:02d}/")
    found = {}
    for segment in postings.unpack_segments((folder / "g.seg").read_bytes()):
        for term, entries in postings.decode(bytes(segment)).items():
            found.update((term, level) for number, level in entries if number == page)
    return found


def counting_terms(monkeypatch):
    calls = []
    original = shard.page_terms
    monkeypatch.setattr(shard, "page_terms", lambda record: calls.append(record["title"]) or original(record))
    return calls


def rewritten(new, old):
    """Bucket files of build ``new`` that are not hard links to build ``old``'s."""
    new_folder, old_folder = (next((build / "search/p").iterdir()) for build in (new, old))
    return [path for path in new_folder.rglob("*.bin") if not path.samefile(old_folder / path.relative_to(new_folder))]


def test_one_changed_page_is_the_only_one_tokenised_and_the_shard_equals_one_built_from_scratch(tmp_path, monkeypatch):
    content, cache = tmp_path / "content", tmp_path / "cache"
    pages = dict(write(content, number, text) for number, text in enumerate(TEXTS))
    search.build_index(tmp_path / "b0", content, {"pages": pages}, cache_dir=cache)
    before = levels_of_page(tmp_path / "b0", 0)
    calls = counting_terms(monkeypatch)

    def update(number, text):
        path, entry = write(content, number, text)
        pages[path] = entry
        step = len(list(tmp_path.glob("b*")))
        stats = search.build_index(tmp_path / f"b{step}", content, {"pages": pages},
                                   previous=tmp_path / f"b{step - 1}/search", cache_dir=cache)
        tokenised = list(calls)
        search.build_index(tmp_path / f"scratch{step}", content, {"pages": pages}, cache_dir=None)
        assert files(tmp_path / f"b{step}/search") == files(tmp_path / f"scratch{step}/search")
        calls.clear()
        return stats, tokenised, tmp_path / f"b{step}"

    # Page 2 gets a long paragraph: the shard's average length moves, and with it some levels of
    # the other pages' terms (page 0's here), which the update carries too.
    stats, tokenised, one = update(2, TEXTS[2] + "他走遍二十多个省市，在工厂和农村讲授数学方法，听众数以百万计。" * 6)
    assert stats["built"] == 1 and tokenised == ["第2篇"]
    assert levels_of_page(one, 0) != before
    # A small edit: a few bucket files are written, the others are the last build's.
    stats, tokenised, two = update(4, TEXTS[4] + "补记。")
    assert tokenised == ["第4篇"]
    assert 0 < len(rewritten(two, one)) < len(list(two.glob("search/p/*/*/*.bin"))) / 2
    # A page added: patched too (tests/sitesearch/test_pages_added_or_removed.py).
    stats, tokenised, _ = update(9, "邓稼先参与研制原子弹。")
    assert tokenised == ["第9篇"]


def test_a_corrupt_or_foreign_cache_file_is_ignored_and_made_again(tmp_path, monkeypatch, caplog):
    content, cache = tmp_path / "content", tmp_path / "cache"
    pages = dict(write(content, number, text) for number, text in enumerate(TEXTS))
    search.build_index(tmp_path / "one", content, {"pages": pages}, cache_dir=cache)
    counts = list((cache / "terms/c").glob("*/*"))
    notes = next((cache / "terms/s").iterdir())
    assert len(counts) == len(TEXTS)

    def counts_of(word):
        return next(path for path in counts
                    if word in termcache.unpack_counts(termcache.unpack(path.read_bytes(), "terms", path.stem))[0])

    # Page 0's counts truncated, page 1's replaced by page 5's file, a byte of the shard's notes changed.
    counts_of("物候").write_bytes(counts_of("物候").read_bytes()[:-7])
    counts_of("导弹").write_bytes(counts_of("水稻").read_bytes())
    data = bytearray(notes.read_bytes())
    data[-5] ^= 1
    notes.write_bytes(bytes(data))
    calls = counting_terms(monkeypatch)

    path, entry = write(content, 3, TEXTS[3] + "补记：射电望远镜。")
    pages[path] = entry
    with caplog.at_level(logging.WARNING, logger="kepu.publish"):
        search.build_index(tmp_path / "two", content, {"pages": pages}, previous=tmp_path / "one/search",
                           cache_dir=cache)
    assert [r.getMessage().split("（")[0] for r in caplog.records] == [
        "搜索索引的缓存中有 3 个文件已损坏或不属于本站，已忽略并重新生成"]
    # The notes unusable: the shard made from the pages' counts; pages 0 and 1 tokenised again.
    assert sorted(calls) == ["第0篇", "第1篇", "第3篇"]
    search.build_index(tmp_path / "scratch", content, {"pages": pages}, cache_dir=None)
    assert files(tmp_path / "two/search") == files(tmp_path / "scratch/search")


def test_a_new_layout_or_ranking_rule_makes_every_folder_again_under_new_names(tmp_path, monkeypatch):
    """The folders under search/ are named by what they hold, and nginx lets phones keep them for good:
    after a change of layout or of the rule that ranks (weights, BM25 constants …: termcache.rule) no
    file of the last build is taken over, and no folder keeps its name."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    pages = dict(write(content, number, text) for number, text in enumerate(TEXTS))
    search.build_index(tmp_path / "b0", content, {"pages": pages}, cache_dir=cache)

    def folders(build):
        return {p.relative_to(build).as_posix() for p in build.glob("search/[ps]/*")}

    changes = [lambda: monkeypatch.setattr(search, "LAYOUT", search.LAYOUT + 1),
               lambda: [monkeypatch.setattr(module, "rule", lambda: "K1 1.5") for module in (search, termcache)]]
    for step, change in enumerate(changes, start=1):
        change()
        old, new = tmp_path / f"b{step - 1}", tmp_path / f"b{step}"
        search.build_index(new, content, {"pages": pages}, previous=old / "search", cache_dir=cache)
        renamed = folders(new) - {p for p in folders(old) if p.startswith("search/s/t2s-")}
        assert renamed and not renamed & folders(old), step
        # Every shard made again, none patched from or linked to the last build's (a bucket file under
        # p/ may be a link: only to one of the same bytes; the t2s table is the same table).
        taken_over = [path for path in new.glob("search/s/[0-9]*/**/*") if path.is_file() and path.stat().st_nlink > 1]
        assert taken_over == [], step
        search.build_index(tmp_path / f"scratch{step}", content, {"pages": pages}, cache_dir=tmp_path / f"c{step}")
        assert files(new / "search") == files(tmp_path / f"scratch{step}/search"), step
