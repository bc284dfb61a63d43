"""The site search as a reader meets it: the hand-written query set (tests/publish/site_search_queries.py)
through themes/assets/kepu-search.js in Chromium, against the session's sample-site build, all in one
page; then what the page shows for a Traditional query and for a query that finds nothing."""

import json
from urllib.parse import unquote

from cms.publish.paths import page_url
from cms.sitesearch import normalise, terms
from tests.browser import block_outside_requests, serve_folder
from tests.publish.site_search_queries import CLASSES, QUERIES, misses, recall_by_class

# Strings whose normalisation and terms the browser must compute exactly as the index builder does.
PARITY = ["中国航天之父钱学森", "FAST 天眼, 2016", "光", "Ünïcode 𠀀𠀁 汉字", "華羅庚", "ＤＮＡ３０米望遠鏡",
          "hua luogeng", "Zhu  Kezhen", "竺可桢、物候", "１＋２", "裡著後乾隆", "Ⅻ ﬁ ㈱ 钱_学"]


def url_of_slug(content):
    """Site path of the document named by a slug (stories and resources have unique slugs)."""
    def find(slug):
        path = next(content.rglob(f"{slug}.md"))
        return "/" + page_url(path.relative_to(content).as_posix())
    return find


def test_query_set_recall_and_what_a_reader_sees(db, public_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    blocked, errors = [], []
    block_outside_requests(context, blocked)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    with serve_folder(public_site.root) as base:
        page.goto(base + "search/?q=" + "華羅庚")
        # A Traditional query finds the Simplified page, its name marked as the page writes it.
        first = page.locator(".kepu-search__result").first
        first.locator("a", has_text="华罗庚").wait_for()
        assert first.locator("mark").first.inner_text() == "华罗庚"

        # The browser's normalisation and terms are the index builder's.
        for text in PARITY:
            folded = page.evaluate("t => window.kepuSearch.normalise(t)", text)
            assert folded == normalise.normalise(text), text
            found = page.evaluate("t => window.kepuSearch.termsOf(t).map(x => [x.kind, x.term, x.weight])", folded)
            assert sorted(map(tuple, found)) == sorted(terms.query_terms(text)), text

        # Every query of the set, in one call: recall@10 per class.
        found = page.evaluate("qs => window.kepuSearch.searchMany(qs)", [query for query, _, _ in QUERIES])
        where = url_of_slug(public_site.content)
        scores = recall_by_class(found, where)
        print(json.dumps(scores, ensure_ascii=False))
        assert sorted(scores) == CLASSES
        assert all(recall >= 0.95 for recall, _ in scores.values()), (scores, misses(found, where))
        # Common words of a long query are not enough: nothing is found.
        assert page.evaluate("q => window.kepuSearch.searchUrls(q)", "没有这个词语的页面") == []
        # The name typed exactly ranks its page first.
        for query, slug in [("钱学森", "qian-xuesen"), ("華羅庚", "hua-luogeng"), ("hualuogeng", "hua-luogeng")]:
            assert found[query][0] == where(slug), (query, found[query][:3])

        # Nothing found: the tags and programmes whose names are close are offered.
        box = page.get_by_role("searchbox", name="搜索全站内容").last
        box.fill("冰州")
        box.press("Enter")
        page.get_by_text("没有找到包含“冰州”的内容。").wait_for()
        link = page.locator(".kepu-search__suggest a", has_text="冰川")
        assert unquote(link.get_attribute("href")).endswith("/tags/冰川/")
        link.click()
        page.wait_for_url("**/tags/**")
        assert "冰川" in page.locator("h1").inner_text()
    assert not blocked and not errors
    context.close()
