"""The Traditional mirror (繁体站) of the published sample site, as the session's shared build made it
(tests/public_site.py: the sample content turns the mirror on, Hong Kong profile, under /zh-hant/):
page for page the Simplified site's, in Traditional script, paired by hreflang, with its own feeds and
search index; the approval the shared build publishes last reached both scripts."""

import json
import re
from urllib.parse import unquote
from xml.etree import ElementTree

from lxml import etree
from lxml import html as lxml_html

from tests.public_site import FRESH_TITLE
from tests.reach.test_qr_site import scanned

PREFIX = "zh-hant"
OWN = ("assets/", "search/s/", "stylesheets/", "javascripts/")  # the theme's files and the index


def html_pages(root):
    return {p.relative_to(root).as_posix() for p in root.rglob("*.html")
            if not p.relative_to(root).as_posix().startswith(OWN)}


def test_every_page_has_a_twin_at_the_same_path_in_the_other_script(db, public_site):
    root = public_site.root
    simplified = {rel for rel in html_pages(root) if not rel.startswith(PREFIX + "/")}
    traditional = html_pages(root / PREFIX)
    assert len(simplified) > 50
    assert traditional == simplified
    assert (root / PREFIX / "feed.xml").is_file() and (root / PREFIX / "sitemap.xml").is_file()


def head_links(path):
    tree = lxml_html.fromstring(path.read_bytes())
    alternates = {link.get("hreflang"): link.get("href") for link in tree.xpath("//head/link[@rel='alternate']")}
    switch = tree.xpath("//a[contains(@class, 'kepu-script-switch')]")
    return tree, alternates, switch[0] if switch else None


def test_hreflang_pairs_and_the_language_switch_point_at_each_other(db, public_site):
    root, base = public_site.root, public_site.base_url.rstrip("/")
    pages = sorted(rel for rel in html_pages(root) if not rel.startswith(PREFIX + "/")
                   and rel not in ("404.html", "search/index.html"))
    for rel in pages:
        url = "/" + rel.removesuffix("index.html")
        hans, alternates, switch = head_links(root / rel)
        hant, back, switch_back = head_links(root / PREFIX / rel)
        assert hans.get("lang") == "zh-CN" and hant.get("lang") == "zh-Hant-HK", rel
        wanted = {"zh-Hans": base + url, "zh-Hant-HK": f"{base}/{PREFIX}{url}", "x-default": base + url}
        assert {k: unquote(v) for k, v in alternates.items()} == wanted, rel
        assert back == alternates, rel
        assert (unquote(switch.get("href")), switch.text_content()) == (f"/{PREFIX}{url}", "繁體"), rel
        assert (unquote(switch_back.get("href")), switch_back.text_content()) == (url, "简体"), rel


def test_a_story_reads_in_traditional_script_at_the_same_address(db, public_site):
    root = public_site.root
    rel = "gezhi-lundao/qian-xuesen/index.html"
    hans = lxml_html.fromstring((root / rel).read_bytes())
    hant = lxml_html.fromstring((root / PREFIX / rel).read_bytes())
    assert hans.findtext(".//h1") == "钱学森：我的事业在中国"
    assert hant.findtext(".//h1") == "錢學森：我的事業在中國"
    # The theme's own words, and the navigation, in Traditional script too.
    assert hant.xpath("//nav[contains(@class, 'md-tabs')]/@aria-label") == ["欄目"]
    assert "格致論道" in [a.text_content().strip() for a in hant.xpath("//nav[contains(@class, 'md-tabs')]//a")]
    assert hant.xpath("//label[@title='切換到深色模式']")
    assert hant.xpath("//meta[@property='og:locale']/@content") == ["zh_HK"]
    canonical = f"{public_site.base_url.rstrip('/')}/{PREFIX}/gezhi-lundao/qian-xuesen/"
    assert hant.xpath("//link[@rel='canonical']/@href") == [canonical]
    # Every link and image of the page's body goes where the Simplified page's goes.
    def targets(tree):
        return [(e.tag, e.get("href") or e.get("src")) for e in tree.xpath("//article//*[@href or @src]")]
    assert targets(hant) == targets(hans) and targets(hans)
    assert "早年求学" not in (root / PREFIX / rel).read_text("utf-8")
    # Images are exported once: the mirror's are hard links to content/'s, not copies.
    image = next((root / PREFIX / "media").rglob("*.webp"))
    assert image.stat().st_ino == (public_site.content / image.relative_to(root / PREFIX)).stat().st_ino


def test_the_qr_code_beside_a_mirror_page_reads_as_the_mirror_page(db, public_site):
    story = public_site.root / PREFIX / "gezhi-lundao/qian-xuesen/qr.svg"
    assert etree.fromstring(story.read_bytes()).findtext("{*}title") == "掃碼閲讀本頁"  # 閲: the Hong Kong form (s2hk)
    base = public_site.base_url.rstrip("/")
    assert scanned(story) == f"{base}/{PREFIX}/gezhi-lundao/qian-xuesen/"
    assert scanned(public_site.root / PREFIX / "tags/qr.svg") == f"{base}/{PREFIX}/tags/"  # a generated page too


def test_a_debunks_claim_review_names_the_page_it_is_on(db, public_site):
    """What a search engine reads of a 辟谣 page on each site: the ClaimReview's url is that page's own
    address (the Traditional page on the mirror), its author's url the home of the site it is on."""
    base, rel = public_site.base_url.rstrip("/"), "kexue-dayuan/kexue-piyao/da-nao-zhi-yong-le-shi-fen-zhi-yi/"
    for root, site in ((public_site.root, base), (public_site.root / PREFIX, f"{base}/{PREFIX}")):
        page = lxml_html.fromstring((root / rel / "index.html").read_bytes())
        [review] = [data for data in map(json.loads, page.xpath("//script[@type='application/ld+json']/text()"))
                    if data["@type"] == "ClaimReview"]
        assert page.xpath("//link[@rel='canonical']/@href") == [f"{site}/{rel}"]
        assert (review["url"], review["author"]["url"]) == (f"{site}/{rel}", f"{site}/")


def test_the_library_archive_page_is_converted_and_the_filter_reads_the_same_members(db, public_site):
    root = public_site.root
    page = lxml_html.fromstring((root / PREFIX / "library/page/1/index.html").read_bytes())
    assert page.findtext(".//h1") == "科普資源庫 · 第 1 頁"
    assert [a.text_content() for a in page.xpath("//nav[contains(@class, 'kepu-pager')]//a[@rel='prev']")] == [
        "較新一頁", "較新一頁"]  # above and below the cards
    # members.json holds numbers only: the mirror serves the same bytes, at the same (Simplified) address.
    members = sorted((root / "library").rglob("members.json"))
    assert len(members) >= 4 + 4  # at least every kind and audience of the sample
    for path in members:
        twin = root / PREFIX / path.relative_to(root)
        assert twin.read_bytes() == path.read_bytes(), path


def test_the_feeds_are_converted_and_keep_their_links(db, public_site):
    root, base = public_site.root, public_site.base_url.rstrip("/")
    hans = ElementTree.parse(root / "gezhi-lundao" / "feed.xml").getroot().find("channel")
    hant = ElementTree.parse(root / PREFIX / "gezhi-lundao" / "feed.xml").getroot().find("channel")
    assert (hans.findtext("language"), hant.findtext("language")) == ("zh-CN", "zh-Hant-HK")
    assert hans.findtext("title").startswith("格致论道") and hant.findtext("title").startswith("格致論道")
    links = [item.findtext("link") for item in hans.findall("item")]
    assert [item.findtext("link") for item in hant.findall("item")] == [
        link.replace(base + "/", f"{base}/{PREFIX}/", 1) for link in links]
    titles = [item.findtext("title") for item in hant.findall("item")]
    assert "錢學森：我的事業在中國" in titles
    sitemap = (root / PREFIX / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{base}/{PREFIX}/gezhi-lundao/qian-xuesen/</loc>" in sitemap


def test_the_approval_after_the_sample_reached_both_scripts_and_their_indexes(db, public_site):
    root = public_site.root
    url = next(u for u in public_site.url_of_page.values() if u.endswith("/gang-gang-tongguo/"))
    hans = lxml_html.fromstring((root / url.lstrip("/") / "index.html").read_bytes())
    hant = lxml_html.fromstring((root / PREFIX / url.lstrip("/") / "index.html").read_bytes())
    assert hans.findtext(".//h1") == FRESH_TITLE
    assert hant.findtext(".//h1") == "剛剛通過終審的故事"
    records = {json.loads(p.read_text("utf-8"))["url"]: json.loads(p.read_text("utf-8"))
               for p in (root / PREFIX / "search").glob("s/*/d/*.json")}
    assert records[url.lstrip("/")]["title"] == "剛剛通過終審的故事"
    assert records["gezhi-lundao/qian-xuesen/"]["title"] == "錢學森：我的事業在中國"
    assert not [r for r in records.values() if re.search("[学国们这]", r["title"])]
