"""Queries a reader of the sample site would type, with the pages each must find (issue 13).

Written by hand from the sample content's subjects (cms/core/sample_content/data.py: who the stories
are about, their fields, institutions, honours and tags, the resources' titles, kinds and institutes),
as a reader would ask, never cut from the index or a page's text. Each entry: the query, the slugs
of the pages that must be among the first ten results, and the class of difficulty the issue names.

tests/sitesearch/test_query_set.py runs them through the site's search client in Chromium against
the sample site (recall@10 per class); bench/search_recall.py runs them at 1,000 and 10,000 pieces
(the sample pages among generated ones) and reports recall@10 and MRR per class.
"""

QUERIES = [
    # exact words in a title or body
    ("钱学森", ("qian-xuesen",), "exact"),
    ("哥德巴赫猜想", ("chen-jingrun",), "exact"),
    ("天工开物", ("song-yingxing",), "exact"),
    ("圆周率", ("zu-chongzhi", "shuxue-kejian"), "exact"),
    ("本草纲目", ("li-shizhen",), "exact"),
    ("钱塘江大桥", ("mao-yisheng",), "exact"),
    ("地动仪", ("zhang-heng",), "exact"),
    ("万婴之母", ("lin-qiaozhi",), "exact"),
    # two words written together: the pair across them occurs nowhere
    ("竺可桢物候", ("zhu-kezhen",), "run-together"),
    ("陈景润哥德巴赫", ("chen-jingrun",), "run-together"),
    ("梦溪笔谈沈括", ("shen-kuo",), "run-together"),
    ("詹天佑京张铁路", ("zhan-tianyou",), "run-together"),
    ("袁隆平杂交水稻", ("yuan-longping",), "run-together"),
    ("李四光冰川", ("li-siguang",), "run-together"),
    ("南仁东射电望远镜", ("nan-rendong",), "run-together"),
    ("吴文俊机器证明", ("wu-wenjun",), "run-together"),
    # punctuation, spaces, brackets, digits and Latin mixed with Han
    ("竺可桢、物候", ("zhu-kezhen",), "punctuation"),
    ("《梦溪笔谈》", ("shen-kuo",), "punctuation"),
    ("袁隆平 水稻", ("yuan-longping",), "punctuation"),
    ("黄大年，地球物理", ("huang-danian",), "punctuation"),
    ("“吴方法”", ("wu-wenjun",), "punctuation"),
    ("钱学森——中国航天之父", ("qian-xuesen",), "punctuation"),
    ("《本草纲目》（李时珍）", ("li-shizhen",), "punctuation"),
    ("500米口径射电望远镜", ("nan-rendong",), "punctuation"),
    # fields a page was not searchable by: tags, discipline, institution, honours, a resource's
    # institute and kind
    ("杂交水稻", ("yuan-longping",), "field"),
    ("中国天眼", ("nan-rendong",), "field"),
    ("时代楷模", ("huang-danian", "nan-rendong"), "field"),
    ("共和国勋章", ("yu-min", "yuan-longping"), "field"),
    ("人民科学家", ("nan-rendong",), "field"),
    ("国家天文台", ("nan-rendong",), "field"),
    ("气象学", ("zhu-kezhen",), "field"),
    ("妇产科学", ("lin-qiaozhi",), "field"),
    ("示例天文学会", ("hongwai-tianwen", "xingkong-yinpin"), "field"),
    ("开放日", ("kaifangri-wuli", "kaifangri-tianwen"), "field"),
    ("自学成才", ("hua-luogeng",), "field"),
    ("数论", ("chen-jingrun",), "field"),
    # Traditional characters for a Simplified page
    ("華羅庚", ("hua-luogeng",), "traditional"),
    ("錢學森", ("qian-xuesen",), "traditional"),
    ("鄧稼先", ("deng-jiaxian",), "traditional"),
    ("雜交水稻", ("yuan-longping",), "traditional"),
    ("夢溪筆談", ("shen-kuo",), "traditional"),
    ("詹天佑京張鐵路", ("zhan-tianyou",), "traditional"),
    ("中國天眼", ("nan-rendong",), "traditional"),
    ("圓周率", ("zu-chongzhi",), "traditional"),
    # pinyin, spaced, joined and initials
    ("hua luogeng", ("hua-luogeng",), "pinyin"),
    ("hualuogeng", ("hua-luogeng",), "pinyin"),
    ("qian xuesen", ("qian-xuesen",), "pinyin"),
    ("Zhu Kezhen", ("zhu-kezhen",), "pinyin"),
    ("yuanlongping", ("yuan-longping",), "pinyin"),
    ("dengjiaxian", ("deng-jiaxian",), "pinyin"),
    ("hlg", ("hua-luogeng",), "pinyin"),
    ("zcz", ("zu-chongzhi",), "pinyin"),
    ("zhongguotianyan", ("nan-rendong",), "pinyin"),
    # one wrong character in a name (a homophone or a look-alike), first, middle or last
    ("华罗耕", ("hua-luogeng",), "typo"),
    ("画罗庚", ("hua-luogeng",), "typo"),
    ("钱学深", ("qian-xuesen",), "typo"),
    ("邓家先", ("deng-jiaxian",), "typo"),
    ("竺可真", ("zhu-kezhen",), "typo"),
    ("袁龙平", ("yuan-longping",), "typo"),
    ("詹天佐", ("zhan-tianyou",), "typo"),
    ("茅以生", ("mao-yisheng",), "typo"),
    ("陈景闰", ("chen-jingrun",), "typo"),
    # a word left out, or words of a title in other order
    ("地震怎么办", ("dizhen-zhishi",), "partial"),
    ("杂货铺数学家", ("hua-luogeng",), "partial"),
    ("钱塘江架桥", ("mao-yisheng",), "partial"),
    ("人造卫星倡导者", ("zhao-jiuzhang",), "partial"),
    ("让计算机证明", ("wu-wenjun",), "partial"),
    ("戈壁滩做试验", ("cheng-kaijia",), "partial"),
    ("观星指南", ("tianwen-guance",), "partial"),
    ("厨房化学实验", ("huaxue-shiyan",), "partial"),
    # full-width letters and digits
    ("１９９９ 两弹一星", ("deng-jiaxian",), "full-width"),
    ("１９７３ 杂交水稻", ("yuan-longping",), "full-width"),
    ("５００米口径", ("nan-rendong",), "full-width"),
    ("３．１４１５９２６", ("zu-chongzhi",), "full-width"),
    ("钱学森１９５５", ("qian-xuesen",), "full-width"),
    ("２０１６年 射电望远镜", ("nan-rendong",), "full-width"),
]

CLASSES = sorted({kind for _, _, kind in QUERIES})


def recall_by_class(found, url_of_slug, depth=10):
    """{class: (recall@depth, MRR)} of ``found`` ({query: [site path, best first]}): recall over the
    (query, page) pairs of a class; MRR of the first wanted page of each query (0 when none is found)."""
    totals = {}
    for query, slugs, kind in QUERIES:
        ranked = found.get(query, [])
        hits = sum(1 for slug in slugs if url_of_slug(slug) in ranked[:depth])
        ranks = [ranked.index(url_of_slug(slug)) + 1 for slug in slugs if url_of_slug(slug) in ranked]
        held, wanted, reciprocal, count = totals.get(kind, (0, 0, 0.0, 0))
        totals[kind] = (held + hits, wanted + len(slugs), reciprocal + (1 / min(ranks) if ranks else 0), count + 1)
    return {kind: (held / wanted, reciprocal / count) for kind, (held, wanted, reciprocal, count) in totals.items()}


def misses(found, url_of_slug, depth=10):
    """[(query, slug)] of wanted pages not among the first ``depth`` results."""
    return [(query, slug) for query, slugs, _ in QUERIES for slug in slugs
            if url_of_slug(slug) not in found.get(query, [])[:depth]]
