"""Every document and generated file of the published sample site (the session's shared build) through
the mirror: the HTML Python-Markdown makes of each body has the same elements with the same links and
attributes, and the front matter the same keys and addresses; only the text is Traditional."""

import json
import re

import markdown
import pytest
from bs4 import BeautifulSoup

from cms.hant.markdown import TEXT_ATTRIBUTES
from cms.hant.mirror import Mirror
from cms.hant.names import split_names

EXTENSIONS = ["attr_list", "md_in_html", "tables", "pymdownx.tilde", "toc"]  # as cms/publish/build.py


def read(path):
    _, front, body = path.read_text("utf-8").split("---\n", 2)
    return json.loads(front), body


def skeleton(body):
    """The elements of the rendered body with every attribute a reader does not read."""
    soup = BeautifulSoup(markdown.markdown(body, extensions=EXTENSIONS), "html.parser")
    return [(el.name, {k: v for k, v in el.attrs.items() if k not in TEXT_ATTRIBUTES and k != "id"})
            for el in soup.find_all(True)]


def addresses(value, key=None):
    """Every value under a URL-like key, and every string that is an address, in document order."""
    if isinstance(value, dict):
        return [a for k, v in value.items() for a in addresses(v, k)]
    if isinstance(value, list):
        return [a for item in value for a in addresses(item, key)]
    if isinstance(value, str) and (key in ("url", "canonical", "src", "href", "feed", "image", "@type")
                                   or re.match(r"(/|https?:|media/)", value)):
        return [value]
    return []


def shape(value):
    if isinstance(value, dict):
        return {(k if not re.search("[\u4e00-\u9fff]", k) else "<text>"): shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


@pytest.fixture(scope="module")
def mirror(public_site):
    names = {n for path in public_site.content.rglob("*.md") for n in split_names(read(path)[0].get("scientist", ""))}
    return Mirror.build("s2twp", names=sorted(names), pairs=[("信息", "資訊", "")])


def test_every_sample_document_keeps_its_structure_and_addresses(db, public_site, mirror):
    documents = sorted(public_site.content.rglob("*.md"))
    documents = [p for p in documents if p.name != "README.md"]
    assert len(documents) > 100
    changed = 0
    for path in documents:
        meta, body = read(path)
        new_meta, new_body = mirror.convert_document(meta, body)
        assert shape(new_meta) == shape(meta), path
        assert addresses(new_meta) == addresses(meta), path
        assert skeleton(new_body) == skeleton(body), path
        assert new_body.count("\n") == body.count("\n"), path
        changed += new_body != body or new_meta["title"] != meta["title"]
    assert changed > 0.9 * len(documents)


def test_the_sample_sites_feeds_and_sitemap_keep_every_address(db, public_site, mirror):
    files = sorted(public_site.content.rglob("*.xml"))
    assert any(p.name == "sitemap.xml" for p in files) and any(p.name == "feed.xml" for p in files)
    for path in files:
        data = path.read_bytes()
        converted = mirror.convert_file(path.name, data).decode()
        tags = re.compile(r"<[^>]+>|https?://[^<\s\"&]+")
        assert tags.findall(converted) == tags.findall(data.decode()), path
    home_feed = mirror.convert_file("feed.xml", (public_site.content / "feed.xml").read_bytes()).decode()
    assert "<language>zh-Hant-TW</language>" in home_feed
