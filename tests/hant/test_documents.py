"""A published document in the mirror: visible text converted, everything a machine reads unchanged."""

import json

from cms.hant.mirror import Mirror

MIRROR = Mirror.build("s2twp", names=["周干峙"], pairs=[("科普", "科普", "")])

META = {
    "title": "周干峙谈软件与信息",
    "description": "城市规划里的软件",
    "subtitle": "DNA:软件里的信息",  # text that starts like a URL scheme is still text
    "kind": "story",
    "programme": "gezhi-lundao",
    "canonical": "/gezhi-lundao/zhou-ganzhi/",
    "tags": ["软件", "信息"],
    "tag_links": [{"title": "软件", "url": "/tags/软件/"}],
    "image": "media/images/1-abc-w600.webp",
    "portrait": {"src": "media/images/1-abc-w600.webp", "alt": "周干峙的肖像",
                 "srcset": [{"src": "a.webp", "width": 1}]},
    "facts": [{"label": "学科", "value": "城市规划"}],
    "facet_links": {"学科": [{"title": "城市规划", "url": "/library/学科/城市规划/"}]},
    "structured_data": [{"@context": "https://schema.org", "@type": "Person", "name": "周干峙",
                         "url": "https://example.org/人物/周干峙", "inLanguage": "zh-CN",
                         "description": "信息科学"}],
    "page_id": 7,
    "revision": 3,
}

BODY = """周干峙说：[软件的信息](../tags/软件/ "软件标题")很重要，见 https://zh.wikipedia.org/wiki/软件，或 <https://zh.wikipedia.org/wiki/信息>。

## 软件与信息 { #ruanjian }

<figure class="kepu-quote" markdown="1" aria-label="软件引语" data-note="软件">
![软件的图](media/图/软件.webp){ srcset="media/图/软件.webp 480w" title="软件图" loading="lazy" }
<figcaption markdown="span">—— 周干峙</figcaption>
</figure>

命令 `print("软件")` 和 <code>信息 = 1</code> 照原样，转义的 \\`软件\\` 不是代码。

```python
# 软件
信息 = "软件"
```

<!-- 软件 -->
[参考]: https://zh.wikipedia.org/wiki/软件 "软件参考"
"""

EXPECTED_BODY = """周干峙說：[軟體的資訊](../tags/软件/ "軟體標題")很重要，見 https://zh.wikipedia.org/wiki/软件，或 <https://zh.wikipedia.org/wiki/信息>。

## 軟體與資訊 { #ruanjian }

<figure class="kepu-quote" markdown="1" aria-label="軟體引語" data-note="软件">
![軟體的圖](media/图/软件.webp){ srcset="media/图/软件.webp 480w" title="軟體圖" loading="lazy" }
<figcaption markdown="span">—— 周干峙</figcaption>
</figure>

命令 `print("软件")` 和 <code>信息 = 1</code> 照原樣，轉義的 \\`軟體\\` 不是程式碼。

```python
# 软件
信息 = "软件"
```

<!-- 软件 -->
[参考]: https://zh.wikipedia.org/wiki/软件 "軟體參考"
"""


def test_a_document_is_converted_as_a_reader_sees_it_and_its_machinery_is_kept():
    meta, body = MIRROR.convert_document(META, BODY)
    assert body == EXPECTED_BODY
    assert meta == {
        "title": "周干峙談軟體與資訊",
        "description": "城市規劃裡的軟體",
        "subtitle": "DNA:軟體裡的資訊",
        "kind": "story",
        "programme": "gezhi-lundao",
        "canonical": "/gezhi-lundao/zhou-ganzhi/",
        "tags": ["軟體", "資訊"],
        "tag_links": [{"title": "軟體", "url": "/tags/软件/"}],
        "image": "media/images/1-abc-w600.webp",
        "portrait": {"src": "media/images/1-abc-w600.webp", "alt": "周干峙的肖像",
                     "srcset": [{"src": "a.webp", "width": 1}]},
        # The theme finds a fact's links by its label: the label and the key are converted alike.
        "facts": [{"label": "學科", "value": "城市規劃"}],
        "facet_links": {"學科": [{"title": "城市規劃", "url": "/library/学科/城市规划/"}]},
        "structured_data": [{"@context": "https://schema.org", "@type": "Person", "name": "周干峙",
                             "url": "https://example.org/人物/周干峙", "inLanguage": "zh-Hant-TW",
                             "description": "資訊科學"}],
        "page_id": 7,
        "revision": 3,
    }
    assert list(meta) == list(META)  # keys and their order unchanged


def test_the_arguments_are_not_changed():
    before = json.dumps(META, ensure_ascii=False)
    MIRROR.convert_document(META, BODY)
    assert json.dumps(META, ensure_ascii=False) == before


def test_a_feed_keeps_its_addresses_and_says_its_language():
    feed = ("<rss><channel><title>软件 - Kepu 科普</title><link>http://127.0.0.1:8001/tags/软件/</link>"
            "<language>zh-CN</language><item><title>信息</title>"
            "<guid isPermaLink=\"true\">http://127.0.0.1:8001/tags/信息/</guid>"
            "<description>&lt;p&gt;软件&lt;a href=\"https://zh.wikipedia.org/wiki/软件\"&gt;信息&lt;/a&gt;&lt;/p&gt;"
            "</description></item></channel></rss>")
    assert MIRROR.convert_file("tags/feed.xml", feed.encode()).decode() == (
        "<rss><channel><title>軟體 - Kepu 科普</title><link>http://127.0.0.1:8001/tags/软件/</link>"
        "<language>zh-Hant-TW</language><item><title>資訊</title>"
        "<guid isPermaLink=\"true\">http://127.0.0.1:8001/tags/信息/</guid>"
        "<description>&lt;p&gt;軟體&lt;a href=\"https://zh.wikipedia.org/wiki/软件\"&gt;資訊&lt;/a&gt;&lt;/p&gt;"
        "</description></item></channel></rss>")
    assert MIRROR.convert_file("media/a.webp", "软件".encode()) == "软件".encode()


def test_where_the_mirror_lives():
    assert MIRROR.base_url("https://kepu.example/") == "https://kepu.example/zh-hant/"
    assert MIRROR.url("/tags/软件/") == "/zh-hant/tags/软件/"
    hosted = Mirror.build("s2hk", prefix="", host="https://hk.kepu.example")
    assert hosted.base_url("https://kepu.example/") == "https://hk.kepu.example/"
    assert hosted.url("/tags/软件/") == "/tags/软件/"
    assert hosted.language == "zh-Hant-HK"


def test_json_ld_addresses_on_the_simplified_site_become_the_mirrors_own():
    """A debunk's ClaimReview names its page and its author's home (cms/factcheck/documents.py): on the
    mirror, the mirror's page and home, under a prefix or on a host of its own; other sites' addresses,
    and addresses outside JSON-LD (the language switch's hreflang pair …), stay as they are."""
    meta = {"canonical": "/kexue-dayuan/kexue-piyao/da-nao/", "twin": "https://kepu.example/kexue-dayuan/",
            "structured_data": [{
                "@type": "ClaimReview", "url": "https://kepu.example/kexue-dayuan/kexue-piyao/da-nao/",
                "author": {"@type": "Organization", "name": "科普", "url": "https://kepu.example/"},
                "itemReviewed": {"@type": "Claim", "appearance": [
                    {"@type": "CreativeWork", "url": "https://kepu.example.org/x"},
                    {"@type": "CreativeWork", "url": "https://weibo.com/kepu.example/"}]}}]}
    prefixed = Mirror.build("s2hk", site_url="https://kepu.example").convert_document(meta, "")[0]
    hosted = Mirror.build("s2hk", prefix="", host="https://hk.kepu.example",
                          site_url="https://kepu.example/").convert_document(meta, "")[0]
    for converted, mirror in ((prefixed, "https://kepu.example/zh-hant/"), (hosted, "https://hk.kepu.example/")):
        [review] = converted["structured_data"]
        assert review["url"] == mirror + "kexue-dayuan/kexue-piyao/da-nao/"
        assert review["author"] == {"@type": "Organization", "name": "科普", "url": mirror}
        assert [a["url"] for a in review["itemReviewed"]["appearance"]] == [
            "https://kepu.example.org/x", "https://weibo.com/kepu.example/"]
        assert (converted["canonical"], converted["twin"]) == (meta["canonical"], meta["twin"])
    # Without the Simplified site's address (Mirror.build's default) nothing is rewritten, and the
    # fingerprint tells the two apart (a converted document is reused only under the same addresses).
    assert MIRROR.convert_document(meta, "")[0]["structured_data"][0]["url"] == meta["structured_data"][0]["url"]
    prints = {Mirror.build("s2hk").fingerprint, Mirror.build("s2hk", site_url="https://kepu.example/").fingerprint,
              Mirror.build("s2hk", prefix="", host="https://hk.kepu.example", site_url="https://kepu.example/").fingerprint}
    assert len(prints) == 3


def test_an_svg_drawing_has_its_text_converted_and_its_drawing_kept():
    # What a QR code's SVG holds (cms/reach/qr.py): a title a screen reader says, path data, attributes.
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="116" height="116"><title>扫码阅读本页</title>'
           '<desc>软件的信息</desc><g transform="scale(4)" aria-label="二维码"><path fill="#fff" d="M0 0h29v29h-29z"/>'
           '<path stroke="#000" d="M4 4.5h7m4 0h1"/></g></svg>')
    assert MIRROR.convert_svg(svg) == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="116" height="116"><title>掃碼閱讀本頁</title>'
        '<desc>軟體的資訊</desc><g transform="scale(4)" aria-label="二維碼"><path fill="#fff" d="M0 0h29v29h-29z"/>'
        '<path stroke="#000" d="M4 4.5h7m4 0h1"/></g></svg>')


def test_a_listings_pages_keep_their_addresses_and_numbers():
    """What paginated listings add to front matter (docs/paginated-listings.md §3): the pager's and the
    archive links' addresses (Chinese tag and facet paths among them), page numbers, library places and
    the filter's settings stay as they are; what a reader sees is converted."""
    meta = {
        "kind": "archive",
        "title": "标签：软件 · 第 3 页",
        "canonical": "/tags/软件/page/3/",
        "items": [{"title": "软件的信息", "url": "/gezhi-lundao/ruanjian/", "n": 12}],
        "pager": {"number": 3, "first": {"title": "标签：软件", "url": "/tags/软件/"},
                  "newer": "/tags/软件/page/4/", "older": "/tags/软件/page/2/", "oldest": "/tags/软件/page/1/"},
        "archive": {"older": "/gezhi-lundao/page/stories/7/",
                    "years": [{"year": "2024", "url": "/gezhi-lundao/page/stories/7/"}]},
        "filter": {"size": 20, "archived": 7, "archive": "/library/page/"},
        "facet_nav": [{"name": "学科", "values": [{"title": "软件", "url": "/library/学科/软件/", "count": 3,
                                                 "members": "/library/学科/软件/members.json"}]}],
    }
    converted, _body = MIRROR.convert_document(meta, "")
    # Only the texts change: every address, number and setting is the Simplified page's.
    assert converted == {
        **meta,
        "title": "標籤：軟體 · 第 3 頁",
        "items": [{"title": "軟體的資訊", "url": "/gezhi-lundao/ruanjian/", "n": 12}],
        "pager": {**meta["pager"], "first": {"title": "標籤：軟體", "url": "/tags/软件/"}},
        "facet_nav": [{"name": "學科", "values": [{"title": "軟體", "url": "/library/学科/软件/", "count": 3,
                                                 "members": "/library/学科/软件/members.json"}]}],
    }
