"""The real Chinese prose the benchmark fills the CMS with: ../shared/testdata/content/.

Wikipedia paragraphs (CMRC2018 and DRCD, CC BY-SA) for stories and column articles, scientific
paper abstracts (CSL, Apache-2.0) for resources. Every record keeps its attribution line, which
the generator puts into the piece that uses it.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Record:
    title: str
    text: str
    attribution: str
    url: str


def testdata_dir():
    return Path(os.environ.get("KEPU_TESTDATA") or Path(settings.BASE_DIR).parent / "shared" / "testdata")


def _lines(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load():
    """(wikipedia paragraphs, paper abstracts) as lists of Record, in a fixed order."""
    content = testdata_dir() / "content"
    wiki_path, csl_path = content / "zhwiki_paragraphs_all.jsonl", content / "csl_science_abstracts_sample.jsonl"
    if not wiki_path.is_file() or not csl_path.is_file():
        raise FileNotFoundError(f"找不到共享测试数据 {content}：仓库旁应有 shared/testdata/，或用 KEPU_TESTDATA 指定。")
    wiki = _lines(wiki_path)
    # Simplified-script paragraphs first (the site is zh-Hans); science and biographies before the rest.
    rank = {"scientist_bio": 0, "science": 1}
    wiki.sort(key=lambda r: (r["script"] != "zh-Hans", rank.get(r["kind"], 2)))
    paragraphs = [
        Record(
            r["title"].strip() or r["text"][:12], r["text"], f"{r['attribution']}，{r['licence']}", r["wikipedia_url"]
        )
        for r in wiki
    ]
    abstracts = [
        Record(
            r["title"],
            r["abstract"],
            f"《{r['title']}》摘要，{r['dataset']}，{r['licence']}",
            "https://github.com/ydli-ai/CSL",
        )
        for r in _lines(csl_path)
    ]
    return paragraphs, abstracts
