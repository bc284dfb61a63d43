"""A shard made from its previous version when only some of its slots changed (a page's record
changed, a page added, removed or moved: notes.slots numbers pages so that the others keep their
numbers): byte for byte the shard ``shard.write_shard`` makes from scratch, at the cost of the
changed pages.

What changes in a shard's postings when the page in slot i changes: the postings of the terms the
slot's page had or has now whose level differs (every term of a page added or removed), and, since
the shard's average length moved, the postings of other pages' terms whose count now quantises to
another level (rare: the shard's notes hold each page's length and distinct counts, so those pages
are found without reading them). Only those terms' postings are decoded and encoded again, within
the segments of the buckets they fall in (the other terms' bytes copied); the other segments and the
other pages' records (hard links) are the previous shard's.
"""

import bisect
import json
import os
import re
import struct
from pathlib import Path

from cms.publish import fsutil
from cms.sitesearch.notes import Note
from cms.sitesearch.postings import decode, encode, levels, pack_segments, read_varint, term_hash, unpack_segments
from cms.sitesearch.shard import NAMES_FILE, PAGES_FILE, SEGMENTS, names_of, page_file, pages_json

# Patched when at most this share of a shard's slots changed (more: made from its pages' counts).
MOST = 0.25
_EMPTY = ({}, {})


def _average(notes, kind):
    return sum(note.lengths[kind] for note in notes.values()) / max(1, len(notes))


def _changes(kind, old, new, changed, old_counts, counts_of):
    """{term: {slot: level, or None where the slot's page no longer has it}} of one kind (0 grams,
    1 chars). ``old``, ``new``: {slot: Note} before and after; ``changed``: the slots whose page or
    record differs."""
    old_average, average = _average(old, kind), _average(new, kind)
    table = {}
    for slot in changed:
        before_counts = old_counts[slot][kind]
        after_counts = counts_of(slot)[kind] if slot in new else {}
        was = levels(set(before_counts.values()), old[slot].lengths[kind], old_average) if slot in old else {}
        now = levels(set(after_counts.values()), new[slot].lengths[kind], average) if slot in new else {}
        for term in before_counts.keys() | after_counts.keys():
            before = was[before_counts[term]] if term in before_counts else None
            after = now[after_counts[term]] if term in after_counts else None
            if before != after:
                table.setdefault(term, {})[slot] = after
    if average != old_average:
        for slot, note in new.items():
            if slot in changed:
                continue
            length, counts = note.lengths[kind], note.distinct[kind]
            was, now = levels(counts, length, old_average), levels(counts, length, average)
            if was == now:
                continue
            for term, count in counts_of(slot)[kind].items():
                if was[count] != now[count]:
                    table.setdefault(term, {})[slot] = now[count]
    return table


# A byte that ends a varint (postings._varint): with their positions, a term's postings are skipped
# without being decoded.
_LAST_BYTE = re.compile(rb"[\x00-\x7f]")


def _patched(segment, changes):
    """The segment with the postings of the terms in ``changes`` ({term: {page: level, or None}})
    made again; the other terms' entries are copied as they are, their postings never decoded."""
    data = bytes(segment)
    ends = [match.start() for match in _LAST_BYTE.finditer(data)]
    pending = sorted(changes)
    out = bytearray()

    def put(term, entries):
        for page, found in changes[term].items():
            if found is None:
                entries.pop(page, None)
            else:
                entries[page] = found
        if entries:
            out.extend(encode([(term, sorted(entries.items()))]))

    at = waiting = 0
    while at < len(data):
        start = at
        length, at = read_varint(data, at)
        term = data[at : at + length].decode("utf-8")
        count, at = read_varint(data, at + length)
        end = ends[bisect.bisect_left(ends, at) + count - 1] + 1
        while waiting < len(pending) and pending[waiting] < term:  # terms new to the segment
            put(pending[waiting], {})
            waiting += 1
        if waiting < len(pending) and pending[waiting] == term:
            put(term, dict(decode(data[start:end])[term]))
            waiting += 1
        else:
            out.extend(data[start:end])
        at = end
    for term in pending[waiting:]:
        put(term, {})
    return bytes(out)


def patch_shard(folder, old_folder, old_notes, entries, buckets, *, record_of, counts_of, old_counts_of):
    """Write into the empty ``folder`` the shard of ``entries`` ({slot: (path, url, record digest)})
    from ``old_folder``, whose notes are ``old_notes`` ([Note], termcache.TermCache.notes).
    ``record_of(slot)``, ``counts_of(slot)``: a page's record and (grams, chars) counts;
    ``old_counts_of(digest)``: the kept counts of an earlier record, or None.

    ``folder`` may be ``old_folder`` itself (a build's own copy of the last shard, renamed to a
    temporary name, index.py): then it is patched in place, the files whose bytes change replaced
    (unlinked, then written: never written into, as they may be hard links into the live build), the
    records of slots left empty removed and the other files left as they are (the same files, with
    the same inodes: pages.json, names.json or a segment file whose bytes did not change too).

    Returns (the shard's notes, ({gram buckets}, {char buckets}) whose segments changed), or None,
    having written nothing, when the shard is better made again or cannot be patched (more than
    MOST of its slots changed; counts of a changed slot's earlier record not kept; the previous
    shard of other buckets)."""
    if old_folder is None or old_notes is None:
        return None
    old = {note.slot: note for note in old_notes}
    kept = {slot for slot, (path, _url, digest) in entries.items()
            if slot in old and (old[slot].path, old[slot].digest) == (path, digest)}
    changed = (old.keys() | entries.keys()) - kept
    if len(changed) > MOST * max(len(entries), len(old)):
        return None
    old_counts = {slot: old_counts_of(old[slot].digest) if slot in old else _EMPTY for slot in changed}
    if any(found is None for found in old_counts.values()):
        return None
    try:
        segments = [unpack_segments((Path(old_folder) / name).read_bytes()) for name in SEGMENTS.values()]
    except (OSError, struct.error):  # (the last shard's files not there or cut short: made from scratch)
        return None
    if [len(found) for found in segments] != list(buckets):
        return None
    new = {slot: old[slot] if slot in kept else Note.of(slot, path, digest, counts_of(slot), record_of(slot))
           for slot, (path, _url, digest) in sorted(entries.items())}

    touched = []
    for kind, count in enumerate(buckets):
        by_bucket = {}
        for term, pages in _changes(kind, old, new, changed, old_counts, counts_of).items():
            by_bucket.setdefault(term_hash(term) % count, {})[term] = pages
        for bucket, changes in by_bucket.items():
            segments[kind][bucket] = _patched(segments[kind][bucket], changes)
        touched.append(set(by_bucket))
    folder = Path(folder)
    in_place = folder == Path(old_folder)
    fsutil.make_dir(folder / "d", exist_ok=in_place)
    for kind, name in enumerate(SEGMENTS.values()):
        _write_changed(folder / name, pack_segments(segments[kind]))
    for slot, (_path, url, _digest) in entries.items():
        if slot not in kept:
            _write_changed(folder / "d" / f"{slot}.json", page_file(url, record_of(slot)))
        elif not in_place:
            os.link(Path(old_folder) / "d" / f"{slot}.json", folder / "d" / f"{slot}.json")
    if in_place:
        for slot in old.keys() - entries.keys():
            (folder / "d" / f"{slot}.json").unlink(missing_ok=True)
    _write_changed(folder / PAGES_FILE, pages_json({slot: url for slot, (_path, url, _digest) in entries.items()}))
    names = names_of(note.names for note in new.values())
    _write_changed(folder / NAMES_FILE, json.dumps(names, ensure_ascii=False))
    return list(new.values()), tuple(touched)


def _write_changed(path, data):
    """Write ``data`` to ``path`` (fsutil.write_file: a new file) unless the file there already holds
    these very bytes: then it stays the same file (a hard link shared with earlier builds), which
    copies of the build that compare by inode (fsutil.relink_tree, rsync) need not copy again."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not fsutil.holds(path, data):
        fsutil.write_file(path, data)

