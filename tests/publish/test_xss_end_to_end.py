"""Every XSS vector, in every kind of field a user can fill, published once and read in Chromium.

Each vector of ../shared/testdata/xss/ (and a few that read like Markdown) goes into rich text as
HTML, rich text typed as text (what Draftail stores: the vector escaped inside <p>), every
plain-text field (titles, names, summaries, quotes, captions, alt text, honours, tags, taglines …)
and every URL field (sources, external link, embed, institute website, video) of every page type,
through the models (inline rows made in code, past form validation) and through the admin's edit
form. The site is published once; every built page, the feeds, the sitemap and the search page
with queries for vectors are loaded in Chromium, many vectors per page, with three detectors:
dialogs, a window flag set by alert/confirm/prompt/print, and the scripts Chromium parsed (CDP
Debugger.scriptParsed) that are not the theme's. The page's CSP is bypassed, so that it is the
export and the gate that are tested, not the policy. A control page outside the build shows that
the detectors catch a vector that runs.
"""

import html
import io
import itertools
import os
import re
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import URLValidator
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.core.models import Institute
from cms.moderation.sanitiser import sanitise_html
from cms.programmes.models import ProgrammePage
from cms.publish import theme_scripts
from cms.publish.pipeline import publish
from cms.resources.models import Audience, ContributionAreaPage, ResourcePage
from cms.stories.models import StoryHonour, StoryPage, StorySource
from tests.browser import block_outside_requests, serve_folder
from tests.conftest import make_image
from tests.moderation.conftest import add_url, xss_vectors

# What reads like Markdown or its extensions rather than HTML (the issue's own, and their kin).
MARKDOWN_VECTORS = [
    "[点我](javascript:alert(1))", "[点我](<javascript:alert(1)>)", "![x](javascript:alert(1))",
    '标题 { tabindex="1" autofocus="1" onfocus="alert(1)" }', '{: onmouseover="alert(1)" }',
    "<details open ontoggle=alert(1)>", "<svg onload=alert(1)>", "<script>alert(1)</script>",
    "`x`{ onclick=alert(1) }", "*x*{ onmouseover=alert(1) }", "[x]: javascript:alert(1)",
    "<div markdown=\"1\" onmouseover=\"alert(1)\">x</div>", "&lt;svg onload=alert(1)&gt;",
    "https://example.org/a>)<svg/onload=alert(1)>", '大事 { onmouseover="alert(1)" }',
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | x |", "~~<img src=x onerror=alert(1)>~~",
]
# What the harness itself runs in the page: no vector contains these.
HARNESS_MARKS = ("__kepuRan", "utilityScript", "var __commonJS = obj =>")
PER_PAGE = 90  # vectors per page's fields

INIT = """(() => {
  window.__kepuRan = [];
  const hit = (name) => function () { window.__kepuRan.push(name); };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    try { Object.defineProperty(window, name, {value: hit(name), writable: false, configurable: false}); } catch (e) {}
  }
})();"""

TRIGGER = """() => {
  const scriptUrl = (u) => /^(javascript|vbscript|data):/i.test((u || "").replace(/[\\x00-\\x20]/g, ""));
  for (const el of Array.from(document.querySelectorAll("*"))) {
    for (const name of ["href", "src", "action", "formaction", "xlink:href", "poster", "data"]) {
      if (scriptUrl(el.getAttribute(name))) window.__kepuRan.push("link " + name + "=" + el.getAttribute(name));
    }
    try {
      el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
      el.dispatchEvent(new FocusEvent("focus"));
      if (el.tagName === "DETAILS") el.open = true;
    } catch (e) {}
  }
  return new Promise((resolve) => setTimeout(() => setTimeout(resolve, 0), 0));
}"""


def vectors():
    return [record["payload"] for _stem, _index, record in xss_vectors()] + MARKDOWN_VECTORS


class Filler:
    """Hands out vectors: every field takes the next one, cut to the field's length."""

    def __init__(self, items):
        self.items = items
        self.cycle = itertools.cycle(items)

    def __call__(self, length=None):
        value = next(self.cycle).strip() or "x"
        return value[:length] if length else value


def as_url(vector):
    """The vector as a URL a page's URL field accepts (Django's validator lets <>"{} through in a path)."""
    for candidate in (vector[:200], "https://example.org/" + "".join(vector.split())[:150]):
        try:
            URLValidator()(candidate)
            return candidate
        except ValidationError:
            continue
    return "https://example.org/a>)<svg/onload=alert(1)>"


def stored(vector):
    """Rich text as HTML, as it is stored: through the sanitiser, which every save runs. A link to a
    path of the site that does not exist is refused by the link check, so such links lead home."""
    return re.sub(r'href="/(?![/\\])[^"]*"', 'href="/"', sanitise_html(vector))


def typed(vector):
    """Rich text as Draftail stores what an editor typed: the text escaped inside <p>."""
    return f"<p>{html.escape(vector, quote=False)}</p>"


def body(chunk, image):
    blocks = []
    for v in chunk:
        blocks += [("paragraph", stored(v)), ("paragraph", typed(v)),
                   ("quote", {"text": v[:1000], "attribution": v[:200]}),
                   ("image", {"image": image, "caption": v[:300], "credit": v[:200]}),
                   ("video", {"video": v[:500], "caption": v[:300]})]
    blocks.append(("timeline", {"heading": chunk[0][:100],
                                "events": [{"year": 1900 + i, "month": None, "event": v[:300]}
                                           for i, v in enumerate(chunk)]}))
    return blocks


def publish_page(page):
    page.save_revision().publish()
    return page


def fill_site(home, admin_client):
    """Pages of every type whose every field holds vectors; returns the vectors the search page is asked."""
    all_vectors = vectors()
    chunks = [all_vectors[i:i + PER_PAGE] for i in range(0, len(all_vectors), PER_PAGE)]
    take = Filler(all_vectors)
    image = make_image()
    image.title = take(255)
    image.save()
    home.introduction = "".join(stored(v) + typed(v) for v in chunks[0])
    publish_page(home)
    audience = Audience.objects.first() or Audience.objects.create(name="公众")
    programmes = []
    for order in range(3):
        programme = ProgrammePage(title=take(255), slug=f"programme-{order}", tagline=take(60), home_order=order,
                                  introduction="".join(stored(v) + typed(v) for v in chunks[order + 1]))
        home.add_child(instance=programme)
        programmes.append(publish_page(programme))
    institutes = [Institute.objects.create(name=take(100), kind="research_institute", region=take(50),
                                           website=take(200)) for _ in range(3)]
    areas = []
    for i, institute in enumerate(institutes):
        area = ContributionAreaPage(title=take(255), slug=f"area-{i}", institute=institute)
        programmes[i % 3].add_child(instance=area)
        areas.append(publish_page(area))
    column = ColumnPage(title=take(255), slug="column", introduction="".join(stored(v) + typed(v) for v in chunks[4]))
    programmes[0].add_child(instance=column)
    publish_page(column)

    for n, chunk in enumerate(chunks):
        parent = programmes[n % 3]
        story = StoryPage(title=take(255), slug=f"story-{n}", scientist_name=take(50), discipline=take(50),
                          institution=take(100), summary=take(300), portrait=image, portrait_alt=take(200),
                          search_description=take(), body=body(chunk, image))
        parent.add_child(instance=story)
        for i, v in enumerate(chunk):
            StoryHonour.objects.create(page=story, title=v[:100], year=1950 + i % 50)
            StorySource.objects.create(page=story, title=v[:200], url=v[:200])  # in code: no form validation
        if n < 2:
            story.tags.add(*{v[:100].strip() for v in chunk[:25] if v[:100].strip()})
        publish_page(story)
        resource = ResourcePage(title=take(255), slug=f"resource-{n}", kind="video", licence="cc-by-4.0",
                                institute=institutes[n % 3], summary=take(300), length=take(50),
                                external_url=as_url(chunk[0]), embed_url=as_url(chunk[1]), body=body(chunk[:20], image))
        (areas[n % 3] if n % 2 else parent).add_child(instance=resource)
        resource.audiences.add(audience)
        publish_page(resource)
        if n < 3:
            article = ColumnArticlePage(title=take(255), slug=f"issue-{n}", issue_number=n + 1,
                                        date=f"2020-01-0{n + 1}", summary=take(300), body=body(chunk[:20], image))
            column.add_child(instance=article)
            publish_page(article)

    # Through the admin's form, as an editor types: the vectors in every text field and in the body.
    form_vectors = chunks[-1][:30]
    data = nested_form_data({
        "title": take(255), "slug": "through-the-form", "scientist_name": take(50), "discipline": take(50),
        "institution": take(100), "summary": take(300), "portrait_alt": "", "tags": "",
        "body": streamfield([("paragraph", rich_text(stored(v))) for v in form_vectors]
                            + [("paragraph", rich_text(typed(v))) for v in form_vectors]
                            + [("quote", {"text": v, "attribution": v[:200]}) for v in form_vectors]),
        "honours": inline_formset([{"title": v[:100], "year": 1990} for v in form_vectors[:10]]),
        "sources": inline_formset([{"title": v[:200], "url": "https://example.org/?q=" + quote(v)[:150]}
                                   for v in form_vectors[:10]]),
        "related_stories": inline_formset([]), "comments": inline_formset([]), "corrections": inline_formset([]),
    })
    response = admin_client.post(add_url(StoryPage, programmes[0]), {**data, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StoryPage.objects.get(slug="through-the-form").live
    return all_vectors[:: max(1, len(all_vectors) // 12)]


TABS = 3  # pages read at a time, each in a tab of its own (with its own detectors)
# Starts TRIGGER in the page; reading the result waits for it. (Both carry a harness mark.)
TRIGGER_START = f"() => {{ window.__kepuRanDone = ({TRIGGER})(); }}"
RAN = "() => window.__kepuRanDone.then(() => window.__kepuRan || [])"


class Tab:
    """A tab with the detectors: dialogs (into ``dialogs``) and the scripts Chromium parsed (CDP)."""

    def __init__(self, context, dialogs):
        self.page = context.new_page()
        self.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        self.cdp = context.new_cdp_session(self.page)
        self.parsed = []
        self.cdp.on("Debugger.scriptParsed", lambda event: self.parsed.append(event))
        self.cdp.send("Debugger.enable")


def run_detectors(tabs, allowed_inline, urls):
    """{url: what ran (window flag and foreign scripts)} for ``urls``, as many at a time as there are tabs:
    load each, trigger what can be triggered, read the detectors."""
    ran = {}
    for first in range(0, len(urls), len(tabs)):
        batch = list(zip(tabs, urls[first:first + len(tabs)], strict=False))
        for tab, url in batch:
            tab.parsed.clear()
            tab.page.goto(url, wait_until="commit")
        for tab, url in batch:
            tab.page.wait_for_load_state("networkidle" if "?q=" in url else "load")
            tab.page.evaluate(TRIGGER_START)
        for tab, url in batch:
            found = list(tab.page.evaluate(RAN))
            for event in list(tab.parsed):
                if event.get("url", "").endswith(".js") and event["url"].startswith("http://127.0.0.1"):
                    continue  # a script file: the gate admitted only the theme's
                if not (event.get("executionContextAuxData") or {}).get("isDefault", True):
                    continue  # Playwright's own, in a world of its own
                source = tab.cdp.send("Debugger.getScriptSource", {"scriptId": event["scriptId"]})["scriptSource"]
                if not source.strip() or any(mark in source for mark in HARNESS_MARKS):
                    continue  # nothing, or the detectors themselves (INIT, TRIGGER, Playwright's evaluate)
                if theme_scripts.csp_hash(source) not in allowed_inline:
                    found.append(f"script {source[:120]!r}")
            if found:
                ran[url] = found
    return ran


@pytest.fixture
def site(settings, tmp_path, home, users):
    settings.KEPU_CONTENT_DIR = tmp_path / "content"
    settings.KEPU_SITE_DIR = tmp_path / "site"
    settings.KEPU_BUILDS_DIR = tmp_path / "builds"
    return tmp_path


def test_no_vector_in_any_field_runs_script_on_the_public_site(site, settings, home, admin_client, browser,
                                                               capsys, tmp_path):
    call_command("setup_roles", stdout=io.StringIO())
    queries = fill_site(home, admin_client)
    publish(full=True)
    root = Path(os.path.realpath(settings.KEPU_SITE_DIR))

    # Feeds: after XML decoding, a description is still text (no markup for an RSS reader).
    for feed in root.rglob("feed.xml"):
        for description in ElementTree.parse(feed).getroot().iter("description"):
            assert "<" not in (description.text or ""), (feed, description.text)

    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    pages = [p[: -len("index.html")] if p.endswith("index.html") else p for p in pages]
    urls = pages + ["feed.xml", "sitemap.xml"] + [f"search/?q={quote(q)}" for q in queries]
    allowed_inline = theme_scripts.inline_script_hashes("/")

    context = browser.new_context(bypass_csp=True)
    blocked = []
    block_outside_requests(context, blocked)
    context.add_init_script(INIT)
    dialogs = []
    tabs = [Tab(context, dialogs) for _ in range(TABS)]

    # The control: outside the build, a vector that runs, seen by every detector (in every tab).
    control = tmp_path / "control"
    control.mkdir()
    (control / "index.html").write_text(
        '<!doctype html><title>control</title><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">x</a>'
        "<script>alert(3)</script>", "utf-8")
    with serve_folder(control) as base:
        caught = run_detectors(tabs, allowed_inline, [f"{base}?tab={n}" for n in range(TABS)])
    assert len(caught) == TABS
    for found in caught.values():
        assert "alert" in found and any(c.startswith("link href=javascript:") for c in found)
        assert sum(c.startswith("script ") for c in found) >= 2  # the handler and the inline script

    with serve_folder(root) as base:
        ran = run_detectors(tabs, allowed_inline, [base + url for url in urls])
    context.close()
    with capsys.disabled():
        print(f"\nXSS end to end: {len(vectors())} vectors, {len(urls)} pages loaded, script ran on {len(ran)}")
    assert ran == {}
    assert dialogs == []
    assert blocked == [], "the built pages asked another host for something (aborted here)"
