"""Queries a reader of the sample site would type, with the page each should find (issue 13).

Written by hand from the sample content's subjects (cms/core/sample_content/data.py: who the stories
are about, their fields, institutions, honours and tags, the resources' titles, kinds and institutes),
as a reader would ask, never cut from the index or a page's text. Each entry: the query, the slug of
the page that must be among the first ten results, and the class of difficulty the issue names.

Not yet used by a test: the search work of issue 13 (after the publish reshape, issue 18) measures
recall@10 over this set and keeps the figure in bench/README.
"""

QUERIES = [
    # exact words in a title or body
    ("钱学森", "qian-xuesen", "exact"),
    ("哥德巴赫猜想", "chen-jingrun", "exact"),
    ("天工开物", "song-yingxing", "exact"),
    ("圆周率", "zu-chongzhi", "exact"),
    # two words written together: the pair across them occurs nowhere
    ("竺可桢物候", "zhu-kezhen", "run-together"),
    ("陈景润哥德巴赫", "chen-jingrun", "run-together"),
    ("梦溪笔谈沈括", "shen-kuo", "run-together"),
    ("詹天佑京张铁路", "zhan-tianyou", "run-together"),
    # punctuation, spaces and brackets in the query
    ("竺可桢、物候", "zhu-kezhen", "punctuation"),
    ("《梦溪笔谈》", "shen-kuo", "punctuation"),
    ("袁隆平 水稻", "yuan-longping", "punctuation"),
    ("黄大年，地球物理", "huang-danian", "punctuation"),
    # fields not indexed today: tags, discipline, institution, honours, a resource's institute and kind
    ("杂交水稻", "yuan-longping", "field:tag"),
    ("中国天眼", "nan-rendong", "field:tag"),
    ("时代楷模", "huang-danian", "field:honour"),
    ("共和国勋章", "yu-min", "field:honour"),
    ("国家天文台", "nan-rendong", "field:institution"),
    ("气象学", "zhu-kezhen", "field:discipline"),
    ("示例天文学会", "hongwai-tianwen", "field:institute"),
    ("开放日", "kaifangri-wuli", "field:kind"),
    # Traditional characters for a Simplified page
    ("華羅庚", "hua-luogeng", "traditional"),
    ("錢學森", "qian-xuesen", "traditional"),
    ("鄧稼先", "deng-jiaxian", "traditional"),
    # pinyin, spaced and joined
    ("hua luogeng", "hua-luogeng", "pinyin"),
    ("hualuogeng", "hua-luogeng", "pinyin"),
    ("qian xuesen", "qian-xuesen", "pinyin"),
    # a homophone typed for one character of a name
    ("华罗耕", "hua-luogeng", "typo"),
    ("钱学深", "qian-xuesen", "typo"),
    # a word left out of a title
    ("地震怎么办", "dizhen-zhishi", "partial"),
    # full-width letters and digits
    ("１９９９ 两弹一星", "deng-jiaxian", "full-width"),
]
