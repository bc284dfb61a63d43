"""What the index builder makes of text, without a browser or a database: the normalisation, the
terms of pages and queries, the names a record carries, the field weights."""

from cms.sitesearch import normalise, postings, records, shard, terms


def test_one_normalisation_folds_width_script_and_case():
    assert normalise.normalise("華羅庚") == "华罗庚"
    assert normalise.normalise("ＤＮＡ３０米望遠鏡") == "dna30米望远镜"
    assert normalise.normalise("中國天眼，500 米") == "中国天眼,500 米"
    # Taiwan and Hong Kong variants too, and normalising twice changes nothing.
    assert normalise.normalise("裡") == "里"
    table = normalise.t2s_table()
    assert len(table) > 4000 and all(simple not in table for simple in table.values())
    # The browser's copy, in buckets by code point, holds exactly the table.
    files = normalise.fold_files()
    assert len(files) == normalise.FOLD_BUCKETS
    pairs = "".join(files.values())
    assert dict(zip(pairs[::2], pairs[1::2], strict=True)) == table


def test_query_terms_are_ranked_pieces_not_one_phrase():
    # Two words run together: their own pairs; the pair across them is one term among four.
    assert {term for _, term, _ in terms.query_terms("竺可桢物候")} == {"竺可", "可桢", "桢物", "物候"}
    # Punctuation splits runs; nothing straddles it.
    assert {term for _, term, _ in terms.query_terms("竺可桢、物候")} == {"竺可", "可桢", "竺_桢", "物候"}
    # A pair that skips the middle character weighs half: 邓家先 still meets 邓稼先 in 邓_先.
    assert ("g", "邓_先", 0.5) in terms.query_terms("邓家先")
    # Pinyin typed apart is also looked up joined; one character is looked up among characters.
    assert ("g", "hualuogeng", 1) in terms.query_terms("Hua  Luogeng")
    assert terms.query_terms("光") == [("c", "光", 1)]
    assert terms.query_terms("錢學森") == terms.query_terms("钱学森")


def test_names_and_titles_carry_pinyin_and_skipping_pairs():
    found = terms.name_terms("華羅庚：从杂货铺走出的数学家")
    assert {"华罗", "罗庚", "华_庚", "hualuogeng", "hlg"} <= set(found)
    assert "congzahuopuzouchudeshuxuejia" not in found  # a long run is not a name
    assert "华_庚" not in terms.text_terms("华罗庚") and "hlg" not in terms.text_terms("华罗庚")


def test_a_record_holds_the_names_a_reader_searches_by():
    front = (
        '{"title": "南仁东：为中国天眼选址", "description": "射电望远镜", "kind": "story", "programme": "gezhi-lundao",'
        ' "programme_title": "格致论道", "date": "2026-01-01", "tags": ["天文", "中国天眼"], "scientist": "南仁东",'
        ' "discipline": "天文学", "institution": "中国科学院国家天文台",'
        ' "honours": [{"title": "时代楷模", "year": 2017}], "institute": "", "audiences": ["公众"]}'
    )
    record = records.make_record(f"---\n{front}\n---\n\n正文。\n")
    assert record["names"] == ["南仁东", "天文", "中国天眼", "时代楷模 2017", "天文学", "中国科学院国家天文台", "公众"]
    assert record["tags"] == ["天文", "中国天眼"] and record["programme_slug"] == "gezhi-lundao"
    grams, chars = shard.page_terms(record)
    assert grams["时代"] == shard.NAME_WEIGHT and grams["选址"] == shard.TITLE_WEIGHT and grams["正文"] == 1
    assert grams["zhongguotianyan"] and chars["眼"] >= shard.NAME_WEIGHT
    # BM25 levels: a title's count above one mention in a body, a long page's count discounted.
    found = postings.levels({1, shard.TITLE_WEIGHT}, 100, 100)
    assert found[shard.TITLE_WEIGHT] > found[1] >= 1
    assert postings.levels({1}, 400, 100)[1] < found[1]
    # The suggestions name tag and programme pages.
    names = shard.names_of([record])
    assert names["tags"][0][:3] == ["中国天眼", "tags/中国天眼/", "zhongguotianyan"]
    assert names["programmes"] == [["格致论道", "gezhi-lundao/", "gezhilundao", "gzld"]]


def test_a_retracted_piece_is_found_by_no_search():
    """generate marks a retracted piece ``noindex``: its tombstone is built, but no query finds it."""
    front = ('{"title": "撤稿的故事", "scientist": "南仁东", "tags": ["天文"], "retracted": true,'
             ' "retraction": {"date": "2026-11-01", "reason": "事实有误"}, "noindex": true}')
    record = records.make_record(f"---\n{front}\n---\n\n本文已撤回。\n")
    grams, chars = shard.page_terms(record)
    assert not grams and not chars
    assert shard.names_of([record]) == {"tags": [], "programmes": []}
