"""Corrections, retraction, 应急科普 and the expert pages on stories and events, as the public reads the
sample site (the session's shared build, tests/public_site.py): a story sent through 应急科普 and
corrected later, a retracted story, the 应急科普 hub, a page per public expert, an event whose
speaker is an expert, and no contact data or internal expert anywhere."""

import json
import posixpath
from urllib.parse import unquote

import pytest
import yaml

from cms.factcheck.sample import EXPERTS, STORIES, TALK

from .structured_data import SCHEMA, expand, value

pytestmark = pytest.mark.django_db

CORRECTED = "/kexue-dayuan/wu-liande/"
RETRACTED = "/kexue-dayuan/shili-chegao-gushi/"
ORDINARY = "/kexue-dayuan/li-siguang/"
HUB = "/yingji-kepu/"
DIRECTORY = "/yingji-kepu/zhuanjia/"
LIN, ZHOU = DIRECTORY + "lin-zhiyuan/", DIRECTORY + "zhou-mingche/"
BRAIN = "/kexue-dayuan/kexue-piyao/da-nao-zhi-yong-le-shi-fen-zhi-yi/"
CARROT = "/kexue-dayuan/kexue-piyao/hu-luo-bo-ti-gao-shi-li/"
TALK_EVENT = f"/kexue-yu-zhongguo/huodong/{TALK[0]}/"


def main(soup):
    return soup.select_one("#kepu-main")


def words(element):
    return " ".join(element.get_text(" ", strip=True).split())


def front_matter(site, url):
    stem = site.content / url.strip("/")
    path = stem / "index.md" if (stem / "index.md").exists() else stem.with_suffix(".md")
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def target(url, href):
    """The site path a relative link on the page at ``url`` goes to."""
    return posixpath.normpath(posixpath.join(url, unquote(href))) + "/"


def json_ld(soup):
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def cards(soup):
    return {words(c.select_one(".kepu-card__title")): words(c.select_one(".kepu-card__facts"))
            for c in soup.select(".kepu-card") if c.select_one(".kepu-card__facts")}


def test_a_corrected_story_shows_the_dated_note_above_its_text_and_is_marked_on_its_card(public_site):
    date, wrong, right = STORIES[0]["correction"]
    page = main(public_site.soup(CORRECTED))
    note = page.select_one(".kepu-correction")
    assert note is not None
    assert words(note) == f"更正 （共 1 处） {date}：原文{wrong}；现更正为：{right}"
    text = words(page)
    assert text.index("更正") < text.index("1910 年冬，鼠疫从满洲里沿铁路蔓延到哈尔滨")
    assert front_matter(public_site, CORRECTED)["corrections"] == [{"date": date, "wrong": wrong, "right": right}]
    listing = cards(public_site.soup("/kexue-dayuan/"))
    assert "已更正" in listing["伍连德：扑灭东北鼠疫的医生"]
    assert "已更正" not in listing["李四光：为大地把脉"]
    assert main(public_site.soup(ORDINARY)).select_one(".kepu-correction") is None
    [article] = [d for d in json_ld(public_site.soup(CORRECTED)) if d.get("@type") == "Article"]
    assert article["correction"] == [{"@type": "CorrectionComment", "datePublished": date,
                                      "text": f"原文：{wrong}；更正为：{right}"}]
    assert "correction" not in next(d for d in json_ld(public_site.soup(ORDINARY)) if d.get("@type") == "Article")


def test_a_retracted_story_leaves_a_tombstone_with_the_date_and_reason_and_nothing_of_the_piece(public_site):
    date, reason = STORIES[1]["retraction"]
    soup = public_site.soup(RETRACTED)
    page = main(soup)
    tombstone = page.select_one(".kepu-retraction").get_text("", strip=True)
    assert tombstone == f"本文已撤稿（{date}）撤稿原因：{reason}"
    assert "示例人物在实验室里度过了四十年" not in str(soup)  # the withdrawn text is gone
    assert page.select("img:not([src='qr.svg'])") == []  # nor its portrait (the QR code is the page's address)
    assert "示例物理研究所" not in words(page)  # nor its facts
    meta = front_matter(public_site, RETRACTED)
    assert meta["retracted"] is True and meta["retraction"] == {"date": date, "reason": reason}
    assert "corrections" not in meta and meta["tags"] == []
    # Out of every list, the feeds and the sitemap; not for search engines; no Article for it.
    assert soup.select_one('meta[name="robots"]')["content"] == "noindex"
    assert "Article" not in [d.get("@type") for d in json_ld(soup)]
    assert "shili-chegao-gushi" not in (public_site.root / "sitemap.xml").read_text("utf-8")
    for listing in ("/", HUB, "/kexue-dayuan/"):
        assert STORIES[1]["title"] not in cards(public_site.soup(listing)), listing
        assert STORIES[1]["title"] not in words(main(public_site.soup(listing))), listing
    feed = (public_site.root / "kexue-dayuan" / "feed.xml").read_text("utf-8")
    assert "wu-liande" in feed and "shili-chegao-gushi" not in feed


def test_a_story_that_went_through_yingji_kepu_is_marked_and_leads_the_hub(public_site):
    text = words(main(public_site.soup(CORRECTED)))
    assert text.index("应急科普") < text.index("1910 年冬，鼠疫从满洲里")
    assert front_matter(public_site, CORRECTED)["emergency"] is True
    assert "应急科普" in cards(public_site.soup("/kexue-dayuan/"))["伍连德：扑灭东北鼠疫的医生"]
    assert "应急科普" not in words(main(public_site.soup(ORDINARY)))
    assert front_matter(public_site, ORDINARY)["emergency"] is False
    hub = main(public_site.soup(HUB))
    pieces = hub.find(string="应急科普内容").find_parent("h2").find_next_sibling("ul")
    titles = [words(a) for a in pieces.select("li > a")]
    assert titles[:3] == ["伍连德：扑灭东北鼠疫的医生", "多吃胡萝卜能让视力变好？只对了一半",
                          "“人类只用了大脑的 10%”？没有这回事"]  # newest first
    first = pieces.select_one("li")
    assert "科学家故事 · 应急科普" in words(first)
    assert target(HUB, first.select_one("a")["href"]) == CORRECTED


def test_each_public_expert_has_a_page_with_what_they_reviewed_and_spoke_at(public_site):
    lin_spec = next(spec for spec in EXPERTS if spec["name"] == "林知远（示例）")
    soup = public_site.soup(LIN)
    page = main(soup)
    assert words(page.select_one("h1")) == "林知远（示例）"
    text = words(page)
    assert "研究员，示例神经科学研究所" in text and "专业领域：生命科学" in text and lin_spec["bio"] in text
    reviewed = page.find(string="审核的辟谣").find_parent("h2").find_next_sibling("ul")
    links = {words(a): target(LIN, a["href"]) for a in reviewed.select("a")}
    assert links == {"“人类只用了大脑的 10%”？没有这回事": BRAIN}  # not the retracted one he also reviewed
    talks = page.find(string="主讲的活动").find_parent("h2").find_next_sibling("ul")
    assert [words(a) for a in talks.select("a")] == ["科学家精神宣讲：进院所（北京站）"]
    zhou = main(public_site.soup(ZHOU))
    assert "多吃胡萝卜能让视力变好？只对了一半" in words(zhou) and "暂无" in words(zhou)  # no talk
    wrote = zhou.find(string="撰写的文章").find_parent("h2").find_next_sibling("ul")
    assert [words(li) for li in wrote.select("li")] == ["多吃胡萝卜能让视力变好？只对了一半 · 辟谣"]
    [profile] = [d for d in (json.loads(s.string) for s in soup.select('script[type="application/ld+json"]'))
                 if d.get("@type") == "ProfilePage"]
    [node] = expand(profile)
    assert node["@type"] == [SCHEMA + "ProfilePage"]
    assert value(node, "mainEntity", "name") == "林知远（示例）"
    assert value(node, "mainEntity", "jobTitle") == "研究员"
    assert value(node, "mainEntity", "affiliation", "name") == "示例神经科学研究所"
    directory = main(public_site.soup(DIRECTORY))
    experts = {words(a): target(DIRECTORY, a["href"]) for a in directory.select("h2 a")}
    assert experts == {"林知远（示例）": LIN, "周明澈（示例）": ZHOU}


def test_an_event_speaker_from_the_directory_links_to_the_experts_page(public_site):
    page = main(public_site.soup(TALK_EVENT))
    speakers = page.find(string="主讲人").find_parent("h2").find_next_sibling("ul")
    [link] = speakers.select("a")
    assert words(link) == TALK[1] and target(TALK_EVENT, link["href"]) == LIN
    assert "示例神经科学研究所" in words(speakers)


def test_no_expert_contact_data_and_no_internal_expert_anywhere_in_the_sample_site(public_site):
    secrets = [spec[key] for spec in EXPERTS for key in ("phone", "email", "contact_note")]
    secrets += [spec["name"] for spec in EXPERTS if spec["visibility"] == "internal"]
    files = [p for p in public_site.root.rglob("*") if p.is_file()]
    assert len(files) > 100
    for path in files:
        data = path.read_bytes()
        assert not [s for s in secrets if s.encode() in data], path
    assert not (public_site.root / "yingji-kepu" / "zhuanjia" / "xu-qinghe").exists()
