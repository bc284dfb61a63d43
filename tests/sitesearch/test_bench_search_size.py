"""bench/searchsize.py reads the index the way kepu-search.js does (bench/run.py's "search updated" and
bench/search_recall.py's bytes rest on it), against the session's sample-site build. Expectations by
hand: the sample has stories of 钱学森 and of 竺可桢, and no page writes the two names run together."""

from bench.searchsize import search_contains, search_download


def test_the_bench_reads_the_index_as_the_browser_does(db, public_site):
    assert search_contains(public_site.root, "钱学森") is True
    assert search_contains(public_site.root, "竺可桢") is True
    # Each name is held by a page, but no page holds the pair across them (森竺): not "held".
    assert search_contains(public_site.root, "钱学森竺可桢") is False
    assert search_contains(public_site.root, "基准验证一二三四") is False  # a bench marker before its approval

    found = search_download(public_site.root, "钱学森")
    assert found["results"] >= 1
    # shards.json, the script, a table bucket for each of 3 characters at most, 钱学森's terms, records
    assert found["files"] >= 5
    assert 0 < found["bytes"] <= found["raw_bytes"]
