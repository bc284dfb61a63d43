"""Throughput of the Traditional mirror's converter (cms/hant), in characters per second.

    python bench/hant_convert.py                 # all four profiles, 3 runs each
    python bench/hant_convert.py --profiles s2hk --runs 5

Input: the 3,104 Chinese Wikipedia paragraphs (1.45 M characters, both scripts, the Traditional ones
first read into Simplified with OpenCC's t2s, as the site's text is Simplified) in
../shared/testdata/content/zhwiki_paragraphs_all.jsonl. Measured for each profile, with 1,000
protected names (surname × given names, as many as a large expert directory) and 50 fixed pairs:

- text: every paragraph as its own string, all through one ``convert_many`` call;
- documents: the paragraphs as published Markdown documents (JSON front matter with title,
  description, tags, tag links, a JSON-LD object; a body of eight paragraphs with a heading, a
  link to a Chinese address, a figure with alt text and an attribute list, inline code), each
  through ``Mirror.convert_document`` as the publish step would call it; characters counted are
  those of the serialised document.

Each figure is the median of ``--runs`` runs; CPU time beside wall time, and the machine's load
average (1 minute) before and after, because other processes share the cores.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TESTDATA = Path(os.environ.get("KEPU_TESTDATA") or ROOT.parent / "shared" / "testdata")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈钟范"
GIVEN = "学森三强稼先干峙征镒南山扬光亚敏永怀淦昌九章芳允大年仁东呦呦隆平"
PAIRS = [(f"示例术语{i:02d}", f"示例術語{i:02d}號", "") for i in range(49)] + [("信息", "資訊", "hk")]


def paragraphs():
    from cms.hant.profiles import opencc_converter

    t2s = opencc_converter("t2s")
    rows = [json.loads(line) for line in (TESTDATA / "content" / "zhwiki_paragraphs_all.jsonl").open(encoding="utf-8")]
    return [t2s.convert(row["text"]) if row["script"].startswith("zh-Hant") else row["text"] for row in rows], rows


def names(count=1000):
    """``count`` distinct names: every surname with one given character, then with two."""
    two = [s + g for g in GIVEN for s in SURNAMES]
    three = [s + g + h for h in GIVEN for g in GIVEN for s in SURNAMES if g != h]
    return sorted(set(two[: count // 2] + three[: count - count // 2]))


def documents(texts, rows):
    """(meta, body) pairs shaped like the exporter's, eight paragraphs a document."""
    made = []
    for start in range(0, len(texts), 8):
        chunk, row = texts[start:start + 8], rows[start]
        tags = sorted({rows[i]["title"][:4] for i in range(start, min(start + 3, len(rows)))})
        meta = {
            "title": row["title"], "description": chunk[0][:80], "kind": "story", "programme": "gezhi-lundao",
            "canonical": f"/gezhi-lundao/piece-{start}/", "tags": tags,
            "tag_links": [{"title": tag, "url": f"/tags/{tag}/"} for tag in tags],
            "structured_data": [{"@context": "https://schema.org", "@type": "Article", "headline": row["title"],
                                 "url": f"https://kepu.example/gezhi-lundao/piece-{start}/"}],
        }
        body = (f"{chunk[0]}\n\n## {row['title']}\n\n" + "\n\n".join(chunk[1:])
                + f"\n\n<figure markdown=\"span\">\n  ![{row['title']}的示意图](../media/images/{start}-w960.webp)"
                  '{ srcset="a.webp 480w" loading="lazy" }\n</figure>\n\n'
                  f"参见 [{row['title']}](https://zh.wikipedia.org/wiki/{row['title']}) 与 `code 代码`。")
        made.append((meta, body))
    return made


def timed(function, runs):
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=["s2hk", "s2hkp", "s2tw", "s2twp"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    from cms.hant.mirror import Mirror
    from cms.hant.profiles import opencc_converter

    load_before = os.getloadavg()[0]
    texts, rows = paragraphs()
    docs = documents(texts, rows)
    text_chars = sum(map(len, texts))
    doc_chars = sum(len(json.dumps(meta, ensure_ascii=False)) + len(body) for meta, body in docs)
    protected = names()
    print(f"{len(texts)} paragraphs, {text_chars:,} characters; {len(docs)} documents, {doc_chars:,} characters; "
          f"{len(protected)} protected names, {len(PAIRS)} pairs; {args.runs} runs, median\n")
    print("| profile | load (ms) | text chars/s | text chars/CPU-s | documents chars/s | documents chars/CPU-s "
          "| ms/document |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for profile in args.profiles:
        started = time.perf_counter()
        opencc_converter.cache_clear()
        mirror = Mirror.build(profile, pairs=PAIRS, names=protected)
        made_ms = (time.perf_counter() - started) * 1000
        text_wall, text_cpu = timed(lambda m=mirror: m.converter.convert_many(texts), args.runs)
        doc_wall, doc_cpu = timed(lambda m=mirror: [m.convert_document(meta, body) for meta, body in docs], args.runs)
        print(f"| {profile} | {made_ms:.0f} | {text_chars / text_wall:,.0f} | {text_chars / text_cpu:,.0f} | "
              f"{doc_chars / doc_wall:,.0f} | {doc_chars / doc_cpu:,.0f} | {doc_wall / len(docs) * 1000:.2f} |")
    print(f"\nload average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
          f"{os.cpu_count()} cores; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
