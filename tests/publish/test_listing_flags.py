"""Seam 4: ``listed: false`` and ``retracted: true`` in front matter, honoured by everything the
publish step generates (pure: documents in, pages and files out, no database)."""

from cms.publish import generate
from cms.publish.paths import canonical_of
from cms.publish.protocol import Document

BASE = "https://kepu.example.org"


def doc(path, title, children=(), **meta):
    meta = {"title": title, "canonical": canonical_of(path), "date": "2025-03-01",
            "published": "2025-03-01T09:00:00+08:00", **meta}
    return Document(path=path, meta=meta, body=f"{title}。", children=list(children), group="文章")


def site():
    pieces = {
        "kexue/shown.md": doc("kexue/shown.md", "照常列出的文章", tags=["光学"], facets={"学科": ["物理"]},
                              children_sequence=True),
        "kexue/notice.md": doc("kexue/notice.md", "只从一处链接的公示", listed=False, tags=["光学"],
                               facets={"学科": ["物理"]}),
        "kexue/withdrawn.md": doc("kexue/withdrawn.md", "已撤稿的文章", retracted=True, tags=["光学"],
                                  facets={"学科": ["物理"]}, retraction={"date": "2025-04-01", "reason": "无法核实"}),
    }
    documents = {
        "index.md": doc("index.md", "科普", children=["kexue/index.md", "guanyu.md"]),
        "kexue/index.md": doc("kexue/index.md", "科学大院", children=list(pieces), children_sequence=True),
        "guanyu.md": doc("guanyu.md", "关于本站"),  # a top-level page without children
        **pieces,
    }
    return generate.generate(documents, site_name="科普", base_url=BASE, description="科普网站")


def titles(items):
    return [item["title"] for item in items]


def test_unlisted_and_retracted_pages_are_built_but_no_listing_names_them():
    out = site()
    assert {"kexue/notice.md", "kexue/withdrawn.md"} <= set(out.pages)  # built, reachable at their URLs
    section, _ = out.pages["kexue/index.md"]
    assert [titles(s["items"]) for s in section["sections"]] == [["照常列出的文章"]]
    home, _ = out.pages["index.md"]
    latest = next(s for s in home["sections"] if s["title"] == "最新内容")
    assert titles(latest["items"]) == ["照常列出的文章", "关于本站"]
    card = next(i for s in home["sections"] for i in s["items"] if i["title"] == "科学大院")
    assert card["count"] == 1
    tag, _ = out.listings["tags/光学.md"]
    assert titles(tag["items"]) == ["照常列出的文章"]
    library, _ = out.listings["library/index.md"]
    assert titles(library["items"]) == ["照常列出的文章"]
    for feed in ("feed.xml", "kexue/feed.xml"):
        text = out.files[feed].decode()
        assert "照常列出的文章" in text and "公示" not in text and "已撤稿" not in text
    assert "sequence" not in out.pages["kexue/shown.md"][0]  # no 上一篇/下一篇 to pages nobody lists


def test_a_retracted_page_leaves_the_sitemap_and_asks_search_engines_not_to_index_it():
    out = site()
    sitemap = out.files["sitemap.xml"].decode()
    assert f"{BASE}/kexue/withdrawn/" not in sitemap
    assert f"{BASE}/kexue/notice/" in sitemap  # unlisted, but a page like any other for search engines
    assert out.pages["kexue/withdrawn.md"][0]["noindex"] is True
    assert "noindex" not in out.pages["kexue/notice.md"][0]


def test_a_top_level_page_without_children_has_no_feed_of_its_own():
    out = site()
    assert sorted(path for path in out.files if path.endswith("feed.xml")) == ["feed.xml", "kexue/feed.xml"]
    about, _ = out.pages["guanyu.md"]
    assert "feed" not in about and "feed" not in about["section"]


def test_corrections_are_told_in_the_feed_and_listed_newest_first_on_the_corrections_page():
    documents = {
        "index.md": doc("index.md", "科普", children=["kexue/index.md"]),
        "kexue/index.md": doc("kexue/index.md", "科学大院", children=["kexue/a.md", "kexue/b.md"]),
        "kexue/a.md": doc("kexue/a.md", "大脑只用了10%？", description="谣言。",
                          corrections=[{"date": "2025-03-20", "wrong": "一成", "right": "全部区域"},
                                       {"date": "2025-03-02", "wrong": "1990年", "right": "1909年"}]),
        "kexue/b.md": doc("kexue/b.md", "胡萝卜与视力",
                          corrections=[{"date": "2025-03-10", "wrong": "甲", "right": "乙"}]),
    }
    out = generate.generate(documents, site_name="科普", base_url=BASE, description="")
    feed = out.files["kexue/feed.xml"].decode()
    assert "谣言。 2025-03-20 更正：原文“一成”，应为“全部区域”。 2025-03-02 更正：原文“1990年”，应为“1909年”。" in feed
    meta, body = out.listings["corrections.md"]
    assert meta["title"] == "更正记录"
    assert [line.split("：", 1)[1][:10] for line in body.splitlines() if line.startswith("- ")] == [
        "2025-03-20", "2025-03-10", "2025-03-02"]
    assert "- [胡萝卜与视力](kexue/b.md)：2025-03-10 更正" in body
    assert out.pages["kexue/a.md"][0]["corrections_page"] == "/corrections/"
    assert f"{BASE}/corrections/" in out.files["sitemap.xml"].decode()
