"""A publish writes content/'s manifest and its build's (twice when the search index follows the
pages): the sections they share (the pages, the generated files, the attachments) are encoded once,
and each manifest's bytes are those of json.dumps of the whole."""

import json
import types

import pytest

from cms.publish import manifest, swap
from cms.publish.pipeline import publish
from cms.publish.protocol import Document
from tests.conftest import make_story
from tests.publish.trees import folders  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("folders")


def test_a_manifest_and_its_copies_are_the_bytes_of_json_written_by_hand():
    document = Document(path="a/b.md", meta={"title": "甲"}, body="", page_id=7, group="故事", revision_id=3)
    made = manifest.make({"a/b.md": document}, pages={"a/b.md": "d1"}, generated={"tags/index.md": "d2"},
                         assets=["x.png"], nav=[{"title": "标签", "path": "tags/index.md"}])
    made["inputs"] = {"b": 2, "a": "é"}
    build = {**made, "mirror": {**made, "prefix": "hant"}, "search_pending": True}
    entry = '{"page": 7, "revision": 3, "sha256": "d1"}'
    body = ('"assets": ["x.png"], "attachments": {}, "generated": {"tags/index.md": {"sha256": "d2"}}, '
            '"inputs": {"a": "é", "b": 2}, "nav": [{"path": "tags/index.md", "title": "标签"}], '
            f'"pages": {{"a/b.md": {entry}}}, "version": 1')
    assert manifest.dumps(made) == ("{" + body + "}\n").encode()
    assert manifest.dumps(build) == (json.dumps(build, ensure_ascii=False, sort_keys=True) + "\n").encode()
    with pytest.raises(TypeError):
        made["pages"]["c.md"] = {}


def test_an_approval_encodes_the_entry_of_the_page_it_changed_once_for_every_manifest_it_writes(
        settings, programme, monkeypatch):
    stories = [make_story(programme, title=title, slug=slug) for title, slug in [("李四光", "li-siguang"),
                                                                                 ("华罗庚", "hua-luogeng")]]
    publish()
    stories[0].title = "李四光（地质学家）"
    stories[0].save_revision().publish()
    encoded = []

    def dumps(value, **kwargs):  # the page entries encoded: one alone, or a section of them
        if isinstance(value, dict):
            entries = value.get("pages", value)
            if "revision" in entries:
                encoded.append(entries["page"])
            else:
                encoded.extend(entry["page"] for entry in entries.values()
                               if isinstance(entry, dict) and "revision" in entry)
        return json.dumps(value, **kwargs)

    monkeypatch.setattr(manifest, "json", types.SimpleNamespace(dumps=dumps, loads=json.loads))
    part = manifest._part

    def entry_part(key, value):  # a page entry's text made without json.dumps
        if isinstance(value, dict) and "revision" in value:
            encoded.append(value["page"])
        return part(key, value)

    monkeypatch.setattr(manifest, "_part", entry_part)
    before = json.loads((swap.live().dir / "manifest.json").read_text("utf-8"))
    result = publish()
    assert result.incremental and not result.search_pending
    live = json.loads((swap.live().dir / "manifest.json").read_text("utf-8"))
    # content/'s manifest, the pages build's and the index build's: the entries of the pages changed
    # (the story, the pages that list its title), each once; the other pages' entries are the text
    # the last publish made of them.
    changed = manifest.diff(before, live).changed
    assert sorted(encoded) == sorted(live["pages"][path]["page"] for path in changed)
    assert stories[0].pk in encoded and stories[1].pk not in encoded and len(changed) < len(live["pages"])
    content = json.loads((settings.KEPU_CONTENT_DIR / ".manifest.json").read_text("utf-8"))
    assert content["pages"] == live["pages"]
    stories[1].title = "华罗庚（数学家）"
    stories[1].save_revision().publish()
    encoded.clear()
    publish()
    before, live = live, json.loads((swap.live().dir / "manifest.json").read_text("utf-8"))
    assert sorted(encoded) == sorted(live["pages"][path]["page"] for path in manifest.diff(before, live).changed)
    assert stories[1].pk in encoded and stories[0].pk not in encoded
    assert live == json.loads(json.dumps(live, ensure_ascii=False, sort_keys=True))
    assert (swap.live().dir / "manifest.json").read_bytes() == (
        json.dumps(live, ensure_ascii=False, sort_keys=True) + "\n").encode()


def test_a_sections_entries_are_written_as_json_writes_them_without_its_encoder():
    """A section's text is made entry by entry without json.dumps (manifest._part) where an entry is a
    flat dict of strings, numbers, true, false and null, else by json.dumps: the bytes are the same."""
    entries = {
        "a/b.md": {"page": 7, "revision": 3, "sha256": "d1"},
        "程序/故事 1.md": {"sha256": "e2", "valid_until": "2026-12-31T00:00:00+08:00", "page": 8, "revision": 9,
                        "noindex": True},
        'q"uo\\te/\x01\u2028\U0001f600.md': {"sha256": 'x"\\\n\t\x7f', "flag": False, "none": None, "big": 10**30},
        "negative.md": {"page": -1, "revision": 0},
        "nested.md": {"sha256": "f", "more": {"a": [1, 2]}},  # (json.dumps: not a flat entry)
        "float.md": {"sha256": "f", "ratio": 0.5},
        "list.md": ["not", "a", "dict"],
        "empty.md": {},
    }
    section = manifest.Section(entries)
    assert section.text() == json.dumps(entries, ensure_ascii=False, sort_keys=True)
    assert json.loads(section.text()) == entries
