"""The trust sample content as the public reads it: debunks with their verdict and ClaimReview,
the 辟谣 lists and the 应急科普 hub, the tombstone of a retracted debunk, the expert directory
without contact data, and the 学风建设 section. One small tree, published once for the module."""

import json

import pytest

from cms.factcheck.models import DebunkPage, Expert
from cms.factcheck.sample import EXPERTS
from cms.integrity.models import IntegrityDocumentPage
from cms.integrity.sample import SPECIAL_ACTION

from .site import NAMES, UNAPPROVED, trust_site
from .structured_data import expand, problems, value

pytestmark = pytest.mark.django_db

BRAIN = "/kexue-dayuan/kexue-piyao/da-nao-zhi-yong-le-shi-fen-zhi-yi/"
CARROT = "/kexue-dayuan/kexue-piyao/hu-luo-bo-ti-gao-shi-li/"
RETRACTED = "/kexue-dayuan/kexue-piyao/wei-bo-lu-fu-she/"
SECTION = "/kexue-dayuan/kexue-piyao/"
ALL_DEBUNKS = "/yingji-kepu/piyao/"
HUB = "/yingji-kepu/"
DIRECTORY = "/yingji-kepu/zhuanjia/"
INTEGRITY = "/xuefeng-jianshe/"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), trust_site(tmp_path_factory.mktemp("trust-site")) as built:
        yield built


def content(soup):
    return soup.select_one("#kepu-main") or soup.select_one("article")


def texts(soup, selector):
    return [" ".join(e.get_text(" ", strip=True).split()) for e in content(soup).select(selector)]


def json_ld(soup):
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def test_no_expert_contact_data_and_no_internal_expert_reaches_the_site(site):
    contact = [spec[key] for spec in EXPERTS for key in ("phone", "email", "contact_note")]
    internal = [spec["name"] for spec in EXPERTS if spec["visibility"] == "internal"]
    assert Expert.objects.filter(phone__in=contact).count() == 3  # the rows the published site was made from
    files = [p for p in site.root.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        for secret in contact + internal:
            assert secret.encode() not in data, (secret, path)
    directory = content(site.soup(DIRECTORY)).get_text(" ")
    assert "林知远（示例）" in directory and "周明澈（示例）" in directory
    lin = content(site.soup(DIRECTORY + "lin-zhiyuan/")).get_text(" ")
    assert "“人类只用了大脑的 10%”？没有这回事" in lin  # what each expert reviewed, on their page


def test_the_verdict_is_in_words_at_the_top_and_the_scale_is_explained(site):
    soup = site.soup(BRAIN)
    main = content(soup)
    box = main.select_one(".kepu-verdict")
    assert box is not None
    first_text = main.find(string=lambda s: "核查结论" in s)
    assert " ".join(box.get_text(" ", strip=True).split()).startswith("核查结论：谣言")
    assert first_text is not None and box in first_text.parents  # the first mention is the verdict box
    body = main.get_text(" ")
    assert body.index("核查结论：谣言") < body.index("流传说法") < body.index("解读") < body.index("证据来源")
    scale = texts(soup, "ul li")
    for label, meaning in [("谣言", "说法没有事实依据"), ("错误", "与可靠的科学证据相矛盾"),
                           ("部分正确", "有正确的部分"), ("缺乏证据", "没有足够可靠的证据"), ("正确", "相符")]:
        assert any(item.startswith(label) and meaning in item for item in scale), label
    assert any(item.replace(" ", "").startswith("谣言（本文结论）：") for item in scale)
    reviewers = texts(soup, "ul li")
    assert "林知远（示例），研究员，示例神经科学研究所" in reviewers


def test_claim_review_json_ld_has_what_google_requires(site):
    brain = DebunkPage.objects.get(slug="da-nao-zhi-yong-le-shi-fen-zhi-yi")
    for url, verdict, rating in [(BRAIN, "谣言", 1), (CARROT, "部分正确", 3)]:
        reviews = [d for d in json_ld(site.soup(url)) if d.get("@type") == "ClaimReview"]
        assert len(reviews) == 1
        [node] = expand(reviews[0])
        assert problems(node, "ClaimReview") == []
        assert value(node, "reviewRating", "alternateName") == verdict
        assert (value(node, "reviewRating", "ratingValue"), value(node, "reviewRating", "worstRating"),
                value(node, "reviewRating", "bestRating")) == (rating, 1, 5)
        assert value(node, "author", "name") == "Kepu 科普"
        assert value(node, "url").endswith(url)
    [node] = expand([d for d in json_ld(site.soup(BRAIN)) if d.get("@type") == "ClaimReview"][0])
    assert value(node, "claimReviewed") == brain.claim
    assert value(node, "itemReviewed", "firstAppearance", "datePublished") == "2025-03-02"
    assert value(node, "itemReviewed", "appearance", "name") == brain.claim_where


def test_a_correction_shows_at_the_top_and_in_the_claim_review(site):
    main = content(site.soup(CARROT))
    note = main.select_one(".kepu-correction")
    text = " ".join(note.get_text(" ", strip=True).split())
    assert "更正" in text and "2025-06-03" in text and "β-胡萝卜素在人体内转化为维生素 A" in text
    assert main.get_text(" ").index("更正") < main.get_text(" ").index("核查结论：部分正确")
    [node] = expand([d for d in json_ld(site.soup(CARROT)) if d.get("@type") == "ClaimReview"][0])
    assert problems(node, "ClaimReview") == []
    cards = {c.select_one(".kepu-card__title").get_text(strip=True): c.select_one(".kepu-card__facts").get_text(" ")
             for c in site.soup("/").select(".kepu-card") if c.select_one(".kepu-card__facts")}
    assert "已更正" in cards["多吃胡萝卜能让视力变好？只对了一半"]  # in 最新内容 on the home page
    assert "已更正" not in cards["“人类只用了大脑的 10%”？没有这回事"]
    brain = site.soup(BRAIN)  # its correction is saved but not approved: not on the site yet
    assert content(brain).select_one(".kepu-correction") is None and UNAPPROVED not in str(brain)
    assert value(node, "correction", "datePublished") == "2025-06-03"
    assert "β-胡萝卜素在人体内转化为维生素 A" in value(node, "correction", "text")


def test_debunk_lists_newest_first_without_the_retracted_one_and_its_tombstone(site):
    for url in (SECTION, ALL_DEBUNKS, HUB):
        titles = [t for t in texts(site.soup(url), "li a")]
        assert "多吃胡萝卜能让视力变好？只对了一半" in titles and "“人类只用了大脑的 10%”？没有这回事" in titles
        assert not any("微波炉" in t for t in titles), url
    hub = [t for t in texts(site.soup(HUB), "li a")]
    assert hub == ["伍连德：扑灭东北鼠疫的医生", "多吃胡萝卜能让视力变好？只对了一半",
                   "“人类只用了大脑的 10%”？没有这回事"]  # newest first, with the story sent through 应急科普
    items = [i.replace(" ", "") for i in texts(site.soup(SECTION), "li")]
    assert any(i.startswith("“人类只用了大脑的10%”？没有这回事核查结论：谣言·应急科普") for i in items), items
    tombstone = content(site.soup(RETRACTED)).get_text(" ")
    assert "本文已撤稿" in tombstone and "来源无法核实" in tombstone
    assert "微波属于非电离辐射" not in tombstone  # the withdrawn text is gone
    assert not [d for d in json_ld(site.soup(RETRACTED)) if d.get("@type") == "ClaimReview"]


def test_integrity_section_filters_badges_and_case_warnings(site):
    soup = site.soup(INTEGRITY)
    main = content(soup)
    current = main.find(id="现行文件") or main.find(string="现行文件").parent
    in_force = []
    for sibling in current.find_next_siblings():
        if sibling.name == "h2":
            break
        in_force += [a.get_text(strip=True) for a in sibling.select("a")]
    repealed = IntegrityDocumentPage.objects.get(validity="repealed")
    assert repealed.title not in in_force
    assert SPECIAL_ACTION["title"] in in_force
    filters = {a.get_text(strip=True): a["href"] for a in main.select("nav.kepu-filter-links a")}
    assert {"已废止（1）", "处理结果通报（3）", "科技部办公厅（1）", "示例物理学会（虚构）（3）"} <= set(filters)
    void = main.find(id=filters["已废止（1）"].lstrip("#"))
    listed = void.find_next_sibling("ul")
    assert repealed.title in listed.get_text() and listed.select_one(".kepu-badge").get_text() == "已废止"
    cases = main.find(id="cases").find_next_sibling("ul").get_text(" ")
    assert "示例物理学会关于一起论文抄袭行为的处理结果通报" in cases and "自律公约" not in cases
    notice = content(site.soup(INTEGRITY + "2023-xueshu-zilv-zijing-zhuanxiang-xingdong/")).get_text(" ")
    assert "国科办督〔2023〕90号" in notice and "科技部办公厅、民政部办公厅、中国科协办公厅" in notice
    old = content(site.soup(INTEGRITY + "shili-xuehui-zilv-gongyue-2019/"))
    assert old.select_one(".kepu-validity .kepu-badge").get_text() == "已废止"
    assert old.select_one(".kepu-validity a").get_text() == "示例物理学会会员学术自律公约（2024 年版）"


def test_named_persons_reach_the_site_only_once_a_chief_editor_confirmed_them(site):
    assert NAMES["confirmed"] in content(site.soup(INTEGRITY + "ceshi-tongbao-1/")).get_text()
    for path in site.root.rglob("*"):
        if path.is_file():
            assert NAMES["unconfirmed"].encode() not in path.read_bytes(), path


def test_the_programme_feed_carries_the_debunks_and_not_the_retracted_one(site):
    import xml.etree.ElementTree as ET

    feed = ET.parse(site.root / "kexue-dayuan" / "feed.xml").getroot()
    links = [item.findtext("link") for item in feed.iter("item")]
    assert any(link.endswith(BRAIN) for link in links) and any(link.endswith(CARROT) for link in links)
    assert not any(link.endswith(RETRACTED) for link in links)
