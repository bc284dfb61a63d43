"""The sanitiser policy against every vector in ../shared/testdata/xss/ (no browser here)."""

import pytest
from bleach._vendor import html5lib  # the parser bleach itself uses

from cms.moderation.sanitiser import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    BLOCK_KEY,
    sanitise_html,
    sanitise_with_report,
    url_scheme,
)

from .conftest import xss_vectors

VECTORS = xss_vectors()
SAFE_SCHEMES = {"", "http", "https", "mailto"}


def test_every_vector_file_is_read():
    files = {stem for stem, _i, _r in VECTORS}
    assert files == {
        "h5sc", "owasp_filter_evasion", "dompurify", "bleach_data", "bleach_testsuite_inputs",
        "nh3_testsuite_inputs", "ammonia_test_fragments",
    }
    assert len(VECTORS) == 1018


def _elements(markup):
    tree = html5lib.parse(markup, namespaceHTMLElements=False, treebuilder="etree")
    body = tree.find("body")
    return list(body.iter())[1:] if body is not None else []


def test_every_vector_comes_out_inside_the_policy():
    """Parsed the way a browser parses it, the output holds only allowed tags and attributes,
    and no URL with a scheme other than http, https or mailto."""
    problems = []
    for stem, index, record in VECTORS:
        clean = sanitise_html(record["payload"])
        assert sanitise_html(clean) == clean, f"{stem}#{index} is not idempotent"
        for element in _elements(clean):
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag not in ALLOWED_TAGS:
                problems.append((stem, index, "tag", tag))
            for name, value in element.attrib.items():
                if name != BLOCK_KEY and name not in ALLOWED_ATTRIBUTES.get(tag, ()):
                    problems.append((stem, index, "attribute", tag, name))
                if name in ("href", "src", "url") and url_scheme(value) not in SAFE_SCHEMES:
                    problems.append((stem, index, "url", tag, value))
                if name == "src" and (url_scheme(value) or value.strip().startswith("//")):
                    problems.append((stem, index, "foreign image", value))
    assert problems == []


@pytest.mark.parametrize(
    "href",
    ["javascript:123", "javascript:1", "JAVASCRIPT:123", "vbscript:42", "data:123", "java\tscript:123",
     "&#106;avascript:123", " javascript:123", "jav&#x0A;ascript:alert(1)", "livescript:0"],
)
def test_scheme_digits_links_are_closed(href):
    """mozilla/bleach#611: bleach keeps scheme:digits even with a protocol allow-list; we do not."""
    import bleach

    markup = f'<a href="{href}">点我</a>'
    if href in ("javascript:123", "data:123", "vbscript:42"):
        # The upstream hole, shown with bleach alone, so this test proves something.
        assert "href" in bleach.clean(markup, protocols={"http", "https", "mailto"})
    assert sanitise_html(markup) == "<a>点我</a>"


@pytest.mark.parametrize(
    "markup",
    [
        '<p data-block-key="x1y2z">钱学森 <b>1955</b> 年回国。</p>',
        '<h2 data-block-key="a">标题</h2><ul><li data-block-key="b">一</li></ul>',
        '<p><a linktype="page" id="12">内部链接</a> <a href="https://www.cas.cn/">中国科学院</a>'
        ' <a href="mailto:kepu@example.org">来信</a> <a href="/resources/?q=1#top">相对</a></p>',
        '<embed embedtype="image" id="3" format="fullwidth" alt="实验室"/>',
        '<figure><img src="/media/images/a.jpg" alt="图" width="400" height="300">'
        "<figcaption>图注</figcaption></figure>",
        "<table><caption>表</caption><thead><tr><th scope=\"col\">年</th></tr></thead>"
        "<tbody><tr><td colspan=\"2\">1955</td></tr></tbody></table>",
    ],
)
def test_allowed_content_is_kept_unchanged(markup):
    report = sanitise_with_report(markup)
    assert not report.changed, report.describe()


def test_report_names_what_was_removed_in_chinese():
    report = sanitise_with_report(
        '<p onclick="x()">正文<script>alert(1)</script><img src="https://evil.example/x.png" alt="外链"></p>'
    )
    assert report.changed
    assert "<script>" in report.describe()
    assert "onclick（<p>）" in report.describe()
    assert "src（<img>）" in report.describe()
    assert "alert" not in report.clean
