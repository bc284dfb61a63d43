"""Seam 6: a campaign (front matter ``gathers``, ``feature``) as the publish step generates it:
所属专题 on each piece it gathers, its own feed of those pieces, and the home page featuring it
inside its window (pure: documents in, pages and files out)."""

import datetime
from zoneinfo import ZoneInfo

from cms.publish import generate
from cms.publish.paths import canonical_of
from cms.publish.protocol import Document

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW = {"from": "2020-11-01T00:00:00+08:00", "until": "2021-01-01T00:00:00+08:00"}


def doc(path, title, page_id, children=(), **meta):
    meta = {"title": title, "canonical": canonical_of(path), "published": f"2020-11-{page_id:02d}T09:00:00+08:00",
            **meta}
    return Document(path=path, meta=meta, body=f"{title}。", children=list(children), page_id=page_id, group="文章")


def site(now):
    documents = {
        "index.md": doc("index.md", "科普", 1, children=["kexue/index.md", "xuanchuanyue/index.md"]),
        "kexue/index.md": doc("kexue/index.md", "科学大院", 2, children=["kexue/a.md", "kexue/b.md", "kexue/c.md"]),
        "kexue/a.md": doc("kexue/a.md", "钱学森的学风", 3),
        "kexue/b.md": doc("kexue/b.md", "黄大年的学风", 4),
        "kexue/c.md": doc("kexue/c.md", "与专题无关的文章", 5),
        "xuanchuanyue/index.md": doc("xuanchuanyue/index.md", "学风宣传月", 6, children=["xuanchuanyue/qidong.md"],
                                     container=True, gathers=[4, 3], feature=WINDOW),
        "xuanchuanyue/qidong.md": doc("xuanchuanyue/qidong.md", "启动周", 7, container=True, gathers=[3]),
    }
    return generate.generate(documents, site_name="科普", base_url="https://kepu.example.org", description="",
                             now=datetime.datetime(*now, tzinfo=SHANGHAI))


def test_each_gathered_piece_names_its_campaigns_and_the_campaign_has_a_feed_of_them():
    out = site((2020, 11, 15))
    assert out.pages["kexue/a.md"][0]["campaigns"] == [{"title": "学风宣传月", "url": "/xuanchuanyue/"},
                                                      {"title": "启动周", "url": "/xuanchuanyue/qidong/"}]
    assert out.pages["kexue/b.md"][0]["campaigns"] == [{"title": "学风宣传月", "url": "/xuanchuanyue/"}]
    assert "campaigns" not in out.pages["kexue/c.md"][0]
    feed = out.files["xuanchuanyue/feed.xml"].decode()
    assert "钱学森的学风" in feed and "黄大年的学风" in feed and "与专题无关的文章" not in feed
    assert out.pages["xuanchuanyue/index.md"][0]["feed"] == "/xuanchuanyue/feed.xml"


def test_the_home_page_features_the_campaign_only_inside_its_window():
    def featured(*now):
        return [c["title"] for c in site(now).pages["index.md"][0].get("featured_campaigns", [])]

    assert featured(2020, 10, 31, 23, 59) == []
    assert featured(2020, 11, 1) == ["学风宣传月"]
    assert featured(2020, 12, 31, 23, 59) == ["学风宣传月"]
    assert featured(2021, 1, 1) == []
