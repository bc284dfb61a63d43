"""Round trips with real prose: the 2,000 Traditional paragraphs of Chinese Wikipedia (DRCD, Taiwan) in
../shared/testdata/content/zhwiki_paragraphs_all.jsonl (field ``script``), and its 1,104 Simplified ones.

Measured with OpenCC 1.4.2 (figures in docs/traditional-mirror.md): Traditional → Simplified (t2s) →
the mirror (s2tw) gives back the Wikipedia text with a character error rate of 0.35 %, nearly all of it
a choice between variants of one character (台/臺, 布/佈, 占/佔, 里/裡: both read as the same
Simplified character); 0.017 % are other characters (畫/劃 in 計畫, 了/瞭). The mirror's text read back
into Simplified (t2s) differs from the Simplified text in 12 characters of 880,179.
"""

import json
import os
from pathlib import Path

import pytest

from cms.hant.mirror import Mirror
from cms.hant.profiles import opencc_converter

# Test data written elsewhere lives beside the repository, in ../shared/testdata/ (or $KEPU_TESTDATA).
TESTDATA = Path(os.environ.get("KEPU_TESTDATA") or Path(__file__).resolve().parents[3] / "shared" / "testdata")
PARAGRAPHS = TESTDATA / "content" / "zhwiki_paragraphs_all.jsonl"


@pytest.fixture(scope="module")
def paragraphs():
    rows = [json.loads(line) for line in PARAGRAPHS.read_text("utf-8").splitlines()]
    return {
        "hant": [row["text"] for row in rows if row["script"].startswith("zh-Hant")],
        "hans": [row["text"] for row in rows if row["script"] == "zh-Hans"],
    }


def differing(originals, results):
    """(character in the original, character in the result) wherever they differ (same lengths)."""
    return [(a, b) for original, result in zip(originals, results, strict=True)
            for a, b in zip(original, result, strict=True) if a != b]


def test_taiwan_paragraphs_come_back_from_simplified_through_the_taiwan_profile(paragraphs):
    to_simplified = opencc_converter("t2s")
    traditional = paragraphs["hant"]
    assert len(traditional) == 2000
    simplified = [to_simplified.convert(text) for text in traditional]
    mirrored = Mirror.build("s2tw").converter.convert_many(simplified)

    # A character-level profile writes one character for one: no paragraph changes length.
    assert [len(text) for text in mirrored] == [len(text) for text in traditional]
    chars = sum(map(len, traditional))
    wrong = differing(traditional, mirrored)
    assert len(wrong) / chars < 0.005  # measured 0.353 %
    # Nearly all of it: another Traditional variant of the same character (both read back alike).
    other = [(a, b) for a, b in wrong if to_simplified.convert(a) != to_simplified.convert(b)]
    assert len(other) / chars < 0.0003  # measured 0.017 %
    # Read back into Simplified, the mirror is the Simplified text.
    back = [to_simplified.convert(text) for text in mirrored]
    assert len(differing(simplified, back)) / chars < 0.0001  # measured 12 characters of 880,179


@pytest.mark.parametrize(("profile", "bound"), [("s2hk", 0.001), ("s2tw", 0.001)])  # measured 0.048 %, 0.035 %
def test_simplified_paragraphs_survive_simplified_to_traditional_to_simplified(paragraphs, profile, bound):
    simplified = paragraphs["hans"]
    mirrored = Mirror.build(profile).converter.convert_many(simplified)
    assert [len(text) for text in mirrored] == [len(text) for text in simplified]
    assert mirrored != simplified
    back = [opencc_converter("t2s").convert(text) for text in mirrored]
    assert len(differing(simplified, back)) / sum(map(len, simplified)) < bound


def test_protected_names_survive_the_round_trip_inside_real_paragraphs(paragraphs):
    names = ["周干峙", "范长江", "吴征镒"]
    mirror = Mirror.build("s2hk", names=names)
    texts = [f"{name}{text[:60]}" for name, text in zip(names * 20, paragraphs["hans"], strict=False)]
    for text, converted in zip(texts, mirror.converter.convert_many(texts), strict=True):
        name = next(n for n in names if text.startswith(n))
        assert converted.startswith({"周干峙": "周干峙", "范长江": "范長江", "吴征镒": "吳征鎰"}[name])
