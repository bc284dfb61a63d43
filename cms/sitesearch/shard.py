"""One shard of the index: its pages' weighted terms into postings segments by bucket (merged with
the other shards' into the bucket files a browser fetches, index.py), their records, and the tags
and programmes its pages name (what a query with no result suggests).

Field weights: a term in the title counts TITLE_WEIGHT times, in a name (scientist, tag, honour,
discipline, institution, institute, kind …) NAME_WEIGHT times, in the text once; the postings hold
each page's BM25 term-frequency level of the weighted count (postings.levels).
"""

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

from cms.publish import fsutil
from cms.publish.paths import page_url, tag_path
from cms.sitesearch import postings
from cms.sitesearch.normalise import normalise
from cms.sitesearch.terms import han_chars, name_terms, pinyin_terms, text_terms

TITLE_WEIGHT = 6
NAME_WEIGHT = 4
PAGES_FILE = "pages.json"
NAMES_FILE = "names.json"
# The shard's postings of pairs and words ("g") and of single characters ("c"), by bucket.
SEGMENTS = {"g": "g.seg", "c": "c.seg"}
# What a record carries for building only (not shown with a result).
_BUILD_ONLY = ("tags", "programme_slug")


def bucket_counts(docs):
    """(grams, chars) buckets for a shard of ``docs`` pages (the index has this many per shard)."""
    grams = 1 << max(6, math.ceil(math.log2(max(1, docs) * 0.8)))
    return grams, max(16, grams // 8)


def page_terms(record):
    """(Counter of pairs and words, Counter of single characters), weighted by field."""
    grams, chars = Counter(), Counter()
    for text, weight, terms in (
        (record["title"], TITLE_WEIGHT, name_terms),
        *((name, NAME_WEIGHT, name_terms) for name in record.get("names", ())),
        (record.get("programme", ""), 1, text_terms),
        (record["text"], 1, text_terms),
    ):
        text = normalise(text)
        if weight == 1:
            grams.update(terms(text, normalised=True))
            chars.update(han_chars(text, normalised=True))
            continue
        for term in terms(text, normalised=True):
            grams[term] += weight
        for char in han_chars(text, normalised=True):
            chars[char] += weight
    return grams, chars


def _postings(numbers, counters):
    """{term: [(page, level)]} of [Counter] in the order of their page ``numbers`` (ascending), BM25
    levels against the shard's average."""
    lengths = [sum(counter.values()) for counter in counters]
    average = sum(lengths) / max(1, len(lengths))
    table = defaultdict(list)
    for page, counter, length in zip(numbers, counters, lengths, strict=True):
        # count → level, for this page's length (most counts are 1, 2 or a field weight)
        levels = postings.levels(set(counter.values()), length, average)
        for term, count in counter.items():
            table[term].append((page, levels[count]))
    return table


def _write_segments(path, table, buckets):
    files = [[] for _ in range(buckets)]
    for term in table:
        files[postings.term_hash(term) % buckets].append(term)
    segments = [postings.encode([(name, table[name]) for name in sorted(names)]) for names in files]
    fsutil.write_file(path, postings.pack_segments(segments))


def suggestion(name, url):
    """[name, url, pinyin, initials] of a tag or programme (the browser compares a query with these)."""
    return [name, url, *(pinyin_terms(name) if name else [])]


def names_of(records):
    """Tags and programmes the pages of a shard name, for the suggestions of a query with no result."""
    tags, programmes = {}, {}
    for record in records:
        for tag in record.get("tags", ()):
            tags.setdefault(tag, suggestion(tag, page_url(tag_path(tag))))
        if record.get("programme") and record.get("programme_slug"):
            programmes.setdefault(record["programme"],
                                  suggestion(record["programme"], page_url(f"{record['programme_slug']}/index.md")))
    return {"tags": [tags[t] for t in sorted(tags)], "programmes": [programmes[p] for p in sorted(programmes)]}


def page_file(url, record):
    """The bytes of ``d/<n>.json``: what a result shows of the page."""
    shown = {"url": url, **{k: v for k, v in record.items() if k not in _BUILD_ONLY}}
    return json.dumps(shown, ensure_ascii=False).encode("utf-8")


def pages_json(urls):
    """The bytes of ``pages.json``: {page number: url} as a list, null where no page is."""
    listed = [None] * (max(urls, default=-1) + 1)
    for number, url in urls.items():
        listed[number] = url
    return json.dumps(listed, ensure_ascii=False).encode("utf-8")


def write_shard(folder, pages, buckets, counts=None):
    """Write one shard into the empty ``folder``: ``pages`` is [(page number, url, record)] by number
    (notes.slots), its postings by ``buckets``, (grams, chars) of the whole index
    (index.index_buckets). ``counts``: the pages' (grams, chars) of ``page_terms`` if known."""
    folder = Path(folder)
    fsutil.make_dir(folder / "d")
    grams, chars = [], []
    for index, (number, url, record) in enumerate(pages):
        page_grams, page_chars = counts[index] if counts is not None else page_terms(record)
        grams.append(page_grams)
        chars.append(page_chars)
        fsutil.write_file(folder / "d" / f"{number}.json", page_file(url, record))
    numbers = [number for number, _, _ in pages]
    gram_files, char_files = buckets
    _write_segments(folder / SEGMENTS["g"], _postings(numbers, grams), gram_files)
    _write_segments(folder / SEGMENTS["c"], _postings(numbers, chars), char_files)
    fsutil.write_file(folder / PAGES_FILE, pages_json({number: url for number, url, _ in pages}))
    fsutil.write_file(folder / NAMES_FILE, json.dumps(names_of(r for _, _, r in pages), ensure_ascii=False))
