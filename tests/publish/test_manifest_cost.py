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


def test_an_approval_encodes_its_pages_once_for_every_manifest_it_writes(settings, programme, monkeypatch):
    stories = [make_story(programme, title=title, slug=slug) for title, slug in [("李四光", "li-siguang"),
                                                                                 ("华罗庚", "hua-luogeng")]]
    publish()
    stories[0].title = "李四光（地质学家）"
    stories[0].save_revision().publish()
    encoded = []

    def dumps(value, **kwargs):
        if isinstance(value, dict) and any(isinstance(entry, dict) and "revision" in entry
                                           for entry in value.get("pages", value).values()):
            encoded.append(sorted(value.get("pages", value)))
        return json.dumps(value, **kwargs)

    monkeypatch.setattr(manifest, "json", types.SimpleNamespace(dumps=dumps, loads=json.loads))
    result = publish()
    assert result.incremental and not result.search_pending
    assert len(encoded) == 1  # content/'s manifest, the pages build's and the index build's: one encoding
    live = json.loads((swap.live().dir / "manifest.json").read_text("utf-8"))
    assert encoded[0] == sorted(live["pages"]) and any(path.endswith("li-siguang.md") for path in live["pages"])
    content = json.loads((settings.KEPU_CONTENT_DIR / ".manifest.json").read_text("utf-8"))
    assert content["pages"] == live["pages"]
