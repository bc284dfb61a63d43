"""A shard made from its previous version when only some of its pages' records changed (the same
pages in the same order): byte for byte the shard ``shard.write_shard`` makes from scratch, at the
cost of the changed pages.

What changes in a shard's postings when page i's record changes: the postings of the terms page i
had or has now whose level differs, and, since the shard's average length moved, the postings of
other pages' terms whose count now quantises to another level (rare: the shard's notes hold each
page's length and distinct counts, so those pages are found without reading them). Only the
segments of the buckets those terms fall in are decoded and encoded again; the other segments,
the other pages' records (hard links) and the page list are the previous shard's.
"""

import json
import os
import struct
from pathlib import Path

from cms.publish import fsutil
from cms.sitesearch.postings import decode, encode, levels, pack_segments, term_hash, unpack_segments
from cms.sitesearch.shard import NAMES_FILE, PAGES_FILE, SEGMENTS, names_of, page_file, page_note

# A notes row: path, record digest, then shard.page_note: grams length, chars length, distinct gram
# counts, distinct char counts, names.
_LENGTH, _DISTINCT, _NAMES = 2, 4, 6


def _changes(kind, old_rows, rows, changed, old_counts, counts_of):
    """{term: {page: level, or None where the page no longer has it}} of one kind (0 grams, 1 chars)."""
    old_average = sum(row[_LENGTH + kind] for row in old_rows) / max(1, len(old_rows))
    average = sum(row[_LENGTH + kind] for row in rows) / max(1, len(rows))
    table = {}
    for page in changed:
        old, new = old_counts[page][kind], counts_of(page)[kind]
        was = levels(set(old.values()), old_rows[page][_LENGTH + kind], old_average)
        now = levels(set(new.values()), rows[page][_LENGTH + kind], average)
        for term in old.keys() | new.keys():
            before = was[old[term]] if term in old else None
            after = now[new[term]] if term in new else None
            if before != after:
                table.setdefault(term, {})[page] = after
    if average != old_average:
        for page, row in enumerate(rows):
            if page in changed:
                continue
            length, counts = row[_LENGTH + kind], row[_DISTINCT + kind]
            was, now = levels(counts, length, old_average), levels(counts, length, average)
            if was == now:
                continue
            for term, count in counts_of(page)[kind].items():
                if was[count] != now[count]:
                    table.setdefault(term, {})[page] = now[count]
    return table


def _patched(segment, changes):
    table = decode(bytes(segment))
    for term, pages in changes.items():
        entries = dict(table.get(term, ()))
        for page, found in pages.items():
            if found is None:
                entries.pop(page, None)
            else:
                entries[page] = found
        if entries:
            table[term] = sorted(entries.items())
        else:
            table.pop(term, None)
    return encode([(term, table[term]) for term in sorted(table)])


def patch_shard(folder, old_folder, old_rows, entries, buckets, *, record_of, counts_of, old_counts_of):
    """Write into the empty ``folder`` the shard of ``entries`` ([(path, url, record digest)] in page
    order) from ``old_folder``, whose notes are ``old_rows`` (termcache.TermCache.notes).
    ``record_of(page)``, ``counts_of(page)``: a page's record and (grams, chars) counts;
    ``old_counts_of(digest)``: the kept counts of an earlier record, or None.

    Returns (notes rows, ({gram buckets}, {char buckets}) whose segments changed), or None, having
    written nothing, when the shard cannot be patched (pages added, removed or moved; counts of a
    changed page's earlier record not kept; the previous shard of other buckets)."""
    if old_folder is None or old_rows is None or [row[0] for row in old_rows] != [path for path, _, _ in entries]:
        return None
    changed = {page for page, (row, entry) in enumerate(zip(old_rows, entries, strict=True)) if row[1] != entry[2]}
    old_counts = {page: old_counts_of(old_rows[page][1]) for page in changed}
    if any(found is None for found in old_counts.values()):
        return None
    try:
        segments = [unpack_segments((Path(old_folder) / name).read_bytes()) for name in SEGMENTS.values()]
    except (OSError, struct.error):  # (the last shard's files not there or cut short: made from scratch)
        return None
    if [len(found) for found in segments] != list(buckets):
        return None
    rows = [list(row) for row in old_rows]
    for page in changed:
        path, _url, digest = entries[page]
        rows[page] = [path, digest, *page_note(*counts_of(page), record_of(page))]

    touched = []
    for kind, count in enumerate(buckets):
        by_bucket = {}
        for term, pages in _changes(kind, old_rows, rows, changed, old_counts, counts_of).items():
            by_bucket.setdefault(term_hash(term) % count, {})[term] = pages
        for bucket, changes in by_bucket.items():
            segments[kind][bucket] = _patched(segments[kind][bucket], changes)
        touched.append(set(by_bucket))
    folder = Path(folder)
    fsutil.make_dir(folder / "d")
    for kind, name in enumerate(SEGMENTS.values()):
        fsutil.write_file(folder / name, pack_segments(segments[kind]))
    for page, (_path, url, _digest) in enumerate(entries):
        if page in changed:
            fsutil.write_file(folder / "d" / f"{page}.json", page_file(url, record_of(page)))
        else:
            os.link(Path(old_folder) / "d" / f"{page}.json", folder / "d" / f"{page}.json")
    os.link(Path(old_folder) / PAGES_FILE, folder / PAGES_FILE)
    fsutil.write_file(folder / NAMES_FILE, _names_json(rows))
    return rows, tuple(touched)


def _names_json(rows):
    return json.dumps(names_of(row[_NAMES] for row in rows), ensure_ascii=False)
