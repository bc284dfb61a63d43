"""The safety gate in verification, the issue's own vectors, the CSP and the bundle's loaders.

The gate: a build into which a test plants something executable the theme did not ship is
refused, naming the page and the element, and the live site stays as it was.
"""

import json
import os
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cms.publish import build, fsutil, theme_scripts
from cms.publish.errors import VerificationError
from cms.publish.pipeline import publish
from cms.stories.models import StorySource
from tests.browser import block_outside_requests, serve_folder
from tests.conftest import make_story
from tests.publish.trees import snapshot

ROOT = Path(__file__).resolve().parents[2]


# content/, site/ and builds/ in each test's own folder
pytestmark = pytest.mark.usefixtures("folders")


def live_files(settings):
    return snapshot(settings.KEPU_SITE_DIR)


def page_tree(settings, *parts):
    return lxml_html.document_fromstring(Path(settings.KEPU_SITE_DIR, *parts).read_bytes())


def handlers(tree):
    """Every on* attribute in a page, as (tag, attribute)."""
    return [(el.tag, name) for el in tree.iter() if isinstance(el.tag, str) for name in el.attrib
            if name.lower().startswith("on")]


# The issue's own vectors ------------------------------------------------------------------------

def test_the_issues_vectors_stay_text(settings, programme):
    programme.title = "项目<svg onload=alert(1)>"
    programme.save_revision().publish()
    story = make_story(programme, slug="da-shi", title="大事</script><script>alert(1)</script>", body=[
        ("timeline", {"heading": '大事 { onmouseover="alert(1)" }', "events": [{"year": 1955, "month": None,
                                                                                "event": "回国"}]}),
    ])
    for title, url in (("甲", "https://example.org/a>)<svg/onload=alert(1)>"), ("乙", "javascript:alert(1)"),
                       ("丙", "JaVaScRiPt:alert(1)"), ("丁", "javascript&colon;alert(1)")):
        StorySource.objects.create(page=story, title=title, url=url)
    story.save_revision().publish()

    publish()

    page = page_tree(settings, "gezhi-lundao", "da-shi", "index.html")
    assert handlers(page) == []
    assert not page.xpath("//svg[not(ancestor::*[contains(@class, 'md-')])]//*[@onload]")
    heading = page.xpath("//h2[contains(., '大事')]")[0]
    assert heading.text_content().strip() == '大事 { onmouseover="alert(1)" }'
    links = {a.text_content(): a.get("href") for a in page.xpath("//h2[.='参考来源']/following-sibling::ol[1]/li/a")}
    assert links == {"甲": "https://example.org/a%3E%29%3Csvg/onload=alert%281%29%3E"}
    sources = [li.text_content() for li in page.xpath("//h2[.='参考来源']/following-sibling::ol[1]/li")]
    assert sources == ["甲", "乙", "丙", "丁"]  # the other three are named, not linked
    # The JSON-LD data block holds the title as text: "</script>" in it cannot end the block.
    blocks = page.xpath("//script[@type='application/ld+json']")
    assert [json.loads(b.text)["headline"] for b in blocks[:1]] == ["大事</script><script>alert(1)</script>"]
    assert [s.get("type") for s in page.xpath("//script[not(@src)]")].count("application/ld+json") == 2
    for parts in (("404.html",), ("search", "index.html")):
        tree = page_tree(settings, *parts)
        assert handlers(tree) == [], parts
        assert "项目<svg onload=alert(1)>" in [a.text_content().strip() for a in tree.xpath("//a")], parts


def test_a_page_types_structured_data_is_printed_as_data_with_its_text_unchanged(settings, programme,
                                                                                monkeypatch):
    """A page type's own JSON-LD (front matter ``structured_data``): text with markup and quotes in it
    comes out as the same text, inside one data block that nothing in it can close."""
    from cms.stories.models import StoryPage

    hostile = {"@context": "https://schema.org", "@type": "Event", "name": "讲座</script><script>alert(1)</script>",
               "location": {"@type": "Place", "name": "礼堂 & \"东楼\" <b>", "address": ["A'1", "<!--"]}}
    to_document = StoryPage.to_document

    def with_structured_data(page, context):
        document = to_document(page, context)
        document.meta["structured_data"] = [hostile]
        return document

    monkeypatch.setattr(StoryPage, "to_document", with_structured_data)
    make_story(programme, slug="jiang-zuo", title="讲座")
    publish()

    page = page_tree(settings, "gezhi-lundao", "jiang-zuo", "index.html")
    blocks = [json.loads(b.text) for b in page.xpath("//script[@type='application/ld+json']")]
    assert blocks[-1] == hostile
    assert [s.get("type") for s in page.xpath("//script[not(@src)]")].count("application/ld+json") == 3
    assert handlers(page) == []


# The gate: one test per kind of executable content ------------------------------------------------

PLANTS = {
    "script": ("<script>alert(1)</script>", "<script>"),
    "script-module": ('<script type="module">alert(1)</script>', '<script type="module">'),
    "script-typed": ('<script type="text/javascript">alert(1)</script>', '<script type="text/javascript">'),
    "script-data-src": ('<script type="application/ld+json" src="https://example.org/x.js"></script>',
                        "<script type="),
    "script-src": ('<script src="https://example.org/x.js"></script>', "<script src="),
    "script-own-file": ('<script src="../../media/evil.js"></script>', "<script src="),
    "iframe": ('<iframe src="about:blank"></iframe>', "<iframe"),
    "object": ('<object data="x.swf"></object>', "<object"),
    "embed": ('<embed src="x.swf">', "<embed"),
    "base": ('<base href="https://example.org/">', "<base"),
    "frame": ('<frameset><frame src="x.html"></frameset>', "<frame"),
    "applet": ('<applet code="X.class"></applet>', "<applet"),
    "onerror": ('<img src="x.png" onerror="alert(1)">', "onerror"),
    "onmouseover": ('<p onmouseover="alert(1)">x</p>', "onmouseover"),
    "javascript-href": ('<a href="javascript:alert(1)">x</a>', "href"),
    "javascript-entity-href": ('<a href="javascript&colon;alert(1)">x</a>', "href"),
    "data-src": ('<img src="data:text/html,alert(1)">', "src"),
    "vbscript": ('<a href="vbscript:msgbox(1)">x</a>', "href"),
    "form-action": ('<form action="javascript:alert(1)"><button>x</button></form>', "action"),
    "formaction": ('<form><button formaction="x">x</button></form>', "formaction"),
    "xlink-href": ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "xlink:href"),
    "srcset": ('<img src="x.png" srcset="javascript:alert(1) 1x">', "srcset"),
    "poster": ('<video poster="javascript:alert(1)"></video>', "poster"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "refresh"),
    "srcdoc": ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc"),
    "svg-animate": ('<svg><a><animate attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>',
                    "<animate"),
    "svg-set": ('<svg><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>', "<set"),
}


@pytest.mark.parametrize("kind", sorted(PLANTS))
def test_the_gate_refuses_executable_content_the_theme_did_not_ship(settings, programme, monkeypatch, kind):
    make_story(programme, slug="qian")
    publish(full=True)
    before = live_files(settings)
    planted, element = PLANTS[kind]
    run_mkdocs = build.run_mkdocs

    def plant(config_file, **kwargs):
        warnings = run_mkdocs(config_file, **kwargs)
        page = Path(config_file).parent / "site" / "gezhi-lundao" / "qian" / "index.html"
        (Path(config_file).parent / "site" / "media").mkdir(exist_ok=True)
        fsutil.atomic_write(Path(config_file).parent / "site" / "media" / "evil.js", b"alert(1)")
        fsutil.atomic_write(page, page.read_bytes().replace(b"</article>", planted.encode() + b"</article>", 1))
        return warnings

    monkeypatch.setattr(build, "run_mkdocs", plant)
    with pytest.raises(VerificationError) as refused:
        publish(full=True)
    message = str(refused.value)
    assert "gezhi-lundao/qian/index.html" in message and element in message, message
    assert live_files(settings) == before


def test_the_gate_refuses_a_bundle_that_would_load_from_another_host(settings, programme, monkeypatch):
    make_story(programme, slug="qian")
    publish(full=True)
    before = live_files(settings)
    monkeypatch.setattr(theme_scripts, "REWRITES", {})  # the build no longer rewrites the unpkg.com loaders
    monkeypatch.setattr(theme_scripts, "rewrite_bundle", lambda data: data)
    with pytest.raises(VerificationError) as refused:
        publish(full=True)
    assert "https://unpkg.com/resize-observer-polyfill" in str(refused.value)
    assert live_files(settings) == before


# The Content-Security-Policy -----------------------------------------------------------------------

def test_every_page_carries_the_policy_and_nginx_sends_the_same(settings, programme):
    make_story(programme, slug="qian")
    publish(full=True)
    policy = theme_scripts.content_security_policy("/")
    root = Path(os.path.realpath(settings.KEPU_SITE_DIR))
    pages = sorted(root.rglob("*.html"))
    assert {"404.html", "search/index.html", "index.html"} <= {p.relative_to(root).as_posix() for p in pages}
    for page in pages:
        metas = lxml_html.document_fromstring(page.read_bytes()).xpath(
            "//head/meta[@http-equiv='Content-Security-Policy']/@content")
        assert metas == [policy], page
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy and "default-src 'self'" in policy
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.findall(r'add_header Content-Security-Policy "([^"]*)"', nginx) == [
        f"{policy}; frame-ancestors 'none'"]


def test_without_resize_observer_nothing_leaves_this_machine_and_no_policy_is_broken(settings, programme,
                                                                                     browser):
    make_story(programme, slug="qian")
    publish(full=True)
    context = browser.new_context()
    blocked, errors, violations, requested = [], [], [], []
    block_outside_requests(context, blocked)
    context.add_init_script("delete window.ResizeObserver;")
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("request", lambda request: requested.append(request.url))
    with serve_folder(os.path.realpath(settings.KEPU_SITE_DIR)) as base:
        for path in ("", "gezhi-lundao/qian/", "search/?q=钱学森", "no-such-page/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("typeof window.ResizeObserver") == "function", path
            # Material's header still follows the page: its title switches to the page's on scroll.
            assert page.locator("[data-md-component=header]").count() == 1
    context.close()
    assert blocked == []
    assert all(url.startswith("http://127.0.0.1") for url in requested)
    assert any(url.endswith("assets/javascripts/kepu-resize-observer.js") for url in requested)
    assert errors == [] and violations == []
