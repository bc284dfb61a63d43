"""The term-count cache's files: compact (a page's counts take under half of their JSON), read back
as written, and pruned without taking another process's file being written (fsutil.atomic_write's
``.tmp-*``) unless it has been left there for over a minute."""

import json
import os
import time

from cms.sitesearch import index as search
from cms.sitesearch import termcache
from tests.sitesearch.test_update_from_cache import TEXTS, write

LONG = ("钱学森一九五五年回国，主持中国导弹和航天事业的技术工作，提出系统工程的方法。"
        "他在加州理工学院求学，研究高速空气动力学和喷气推进，与导师冯·卡门合作。") * 10


def test_kept_counts_are_compact_and_read_back_as_counted(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache"
    pages = dict([write(content, 0, LONG)])
    search.build_index(tmp_path / "site", content, {"pages": pages}, cache_dir=cache)
    (path,) = (cache / "terms/c").glob("*/*")
    grams, chars = termcache.unpack_counts(termcache.unpack(path.read_bytes(), "terms", path.stem))
    # What the page says, counted by hand: 导弹 once in each of the ten repeats, 钱学森 likewise.
    assert grams["导弹"] == 10 and grams["学森"] == 10 and chars["钱"] == 10
    # After the line naming the file (its kind, key, rule and sha256): under half the counts' JSON.
    as_json = json.dumps([grams, chars], ensure_ascii=False).encode()
    assert len(path.read_bytes().partition(b"\n")[2]) < len(as_json) / 2


def test_pruning_leaves_a_file_being_written_by_another_process(tmp_path):
    content, cache = tmp_path / "content", tmp_path / "cache"
    pages = dict(write(content, number, text) for number, text in enumerate(TEXTS))
    search.build_index(tmp_path / "site", content, {"pages": pages}, cache_dir=cache)
    # A folder of term counts, the shards' notes, a folder of records.
    folders = [next((cache / "terms/c").iterdir()), cache / "terms/s",
               next(p for p in cache.iterdir() if p.name != "terms")]
    writing = [folder / ".tmp-writing.json" for folder in folders]
    left = [folder / ".tmp-left.json" for folder in folders]
    for path in writing + left:
        path.write_bytes(b"half a file")
    an_hour_ago = time.time() - 3600
    for path in left:
        os.utime(path, (an_hour_ago, an_hour_ago))
    del pages["p/page-05.md"]
    search.build_index(tmp_path / "site", content, {"pages": pages}, cache_dir=cache)
    assert all(path.exists() for path in writing) and not any(path.exists() for path in left)
