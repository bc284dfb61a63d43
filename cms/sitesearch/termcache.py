"""What a build of the index keeps beside the record cache (records.py), so that a publish that
changed one page tokenises that page only:

- a page's term counts (``shard.page_terms`` of its record), by the record's digest: a page whose
  text did not change is never tokenised again (``terms/c/<xx>/<digest>.bin``: each kind's terms,
  sorted, one a line, then their counts as unsigned integers of the width the largest needs, the
  whole compressed; a few KB a page);
- a shard's notes, by its folder name: its pages' slots, paths and record digests, weighted lengths,
  distinct counts and the tags and programmes they name (notes.Note), what patching the shard
  instead of building it again needs (patch.py) (``terms/s/<folder>.z``: JSON, compressed).

Every file is checked, not trusted: its first line names what it holds, the rule it was made under
(record format, terms, field weights, the Traditional → Simplified table, pypinyin's version) and
the sha256 of the rest. A file of another rule is stale and made again; one that is corrupt or
names another key is ignored, made again and counted (``index.build_index`` logs a warning).
"""

import functools
import hashlib
import json
import struct
import unicodedata
import zlib
from importlib import metadata
from pathlib import Path

from cms.publish import fsutil
from cms.sitesearch import postings, records, shard
from cms.sitesearch.normalise import fold_name
from cms.sitesearch.notes import Note

# Bump when terms.py or shard.page_terms change the terms a page gives.
TERMS = 1
COUNTS, NOTES = ".bin", ".z"


@functools.cache
def rule():
    return (f"records {records.FORMAT} terms {TERMS} weights {shard.TITLE_WEIGHT} {shard.NAME_WEIGHT} "
            f"bm25 {postings.K1} {postings.B} {postings.LEVELS} {fold_name()} pypinyin {metadata.version('pypinyin')} "
            f"unicode {unicodedata.unidata_version}")


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def pack(kind, key, payload):
    """A cache file: a JSON line naming what it holds, then ``payload`` (bytes) compressed."""
    body = zlib.compress(payload, 6)
    head = json.dumps({"kind": kind, "key": key, "rule": rule(), "sha256": _sha(body)})
    return head.encode("utf-8") + b"\n" + body


class Stale(ValueError):
    """A cache file made under another rule: made again, no warning."""


def unpack(data, kind, key):
    """The payload of ``pack``'s file; ValueError if it is not the file of (kind, key) it should be."""
    head, _, body = data.partition(b"\n")
    head = json.loads(head)
    if not isinstance(head, dict) or head.get("kind") != kind or head.get("key") != key:
        raise ValueError("foreign")
    if head.get("sha256") != _sha(body):
        raise ValueError("corrupt")
    if head.get("rule") != rule():
        raise Stale(head.get("rule"))
    try:
        return zlib.decompress(body)
    except zlib.error as error:
        raise ValueError("corrupt") from error


def _width(values):
    top = max(values, default=0)
    return "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"


def pack_counts(counts):
    """(grams, chars) as bytes: per kind, its width, term count and text length, the terms, the counts."""
    parts = []
    for counter in counts:
        terms = sorted(counter)
        values = [counter[term] for term in terms]
        text = "\n".join(terms).encode("utf-8")
        width = _width(values)
        parts += [struct.pack("<cII", width.encode(), len(terms), len(text)), text,
                  struct.pack(f"<{len(values)}{width}", *values)]
    return b"".join(parts)


def unpack_counts(data):
    """``pack_counts``' (grams, chars); ValueError if ``data`` is not that."""
    found, at = [], 0
    try:
        for _kind in range(2):
            width, count, length = struct.unpack_from("<cII", data, at)
            at += 9
            terms = data[at : at + length].decode("utf-8").split("\n") if count else []
            at += length
            values = struct.unpack_from(f"<{count}{width.decode()}", data, at)
            at += struct.calcsize(f"<{count}{width.decode()}")
            if len(terms) != count or width not in (b"B", b"H", b"I"):
                raise ValueError("corrupt")
            found.append(dict(zip(terms, values, strict=True)))
    except (struct.error, UnicodeDecodeError) as error:
        raise ValueError("corrupt") from error
    if at != len(data):
        raise ValueError("corrupt")
    return found[0], found[1]


class TermCache:
    """Term counts by record digest and shard notes by folder name, under ``root`` (None: nothing kept)."""

    def __init__(self, root):
        self.root = Path(root) / "terms" if root else None  # beside the records, out of their prune's way
        self.rejected = 0  # corrupt or foreign files met (stale ones are not counted)

    def _read(self, path, kind, key, parse):
        if self.root is None:
            return None
        try:
            return parse(unpack(path.read_bytes(), kind, key))
        except FileNotFoundError:
            return None
        except Stale:
            return None
        except (OSError, ValueError, UnicodeDecodeError):
            self.rejected += 1
            return None

    def _write(self, path, kind, key, payload):
        if self.root is not None:
            fsutil.atomic_write(path, pack(kind, key, payload))

    def _counts_path(self, digest):
        return self.root / "c" / digest[:2] / f"{digest}{COUNTS}"

    def cached_counts(self, digest):
        """(grams, chars) of the record with this digest, if kept and sound, else None."""
        if self.root is None:
            return None
        return self._read(self._counts_path(digest), "terms", digest, unpack_counts)

    def counts(self, digest, record):
        """(grams, chars) of a record: kept ones, or its terms counted now (and kept)."""
        found = self.cached_counts(digest)
        if found is None:
            found = shard.page_terms(record() if callable(record) else record)
            self._write(self._counts_path(digest), "terms", digest, pack_counts(found))
        return found

    def notes(self, name):
        """A shard's notes ([notes.Note] by slot), or None."""
        if self.root is None:
            return None
        found = self._read(self.root / "s" / f"{name}{NOTES}", "shard", name, json.loads)
        notes = [Note.parse(row) for row in found] if isinstance(found, list) else None
        if notes is not None and None not in notes:
            return notes
        if found is not None:
            self.rejected += 1
        return None

    def write_notes(self, name, notes):
        if self.root is not None:
            payload = json.dumps(notes, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            self._write(self.root / "s" / f"{name}{NOTES}", "shard", name, payload)

    def prune(self, kept, names, *, departed=(), sweep=None):
        """Forget counts of records and notes of shards no longer in the index (and files of an
        earlier format). ``kept(digest)``: whether a record digest is still the index's; ``names``:
        its shards' folders. ``sweep``: None to list every file; else remove the counts of the
        records in ``departed`` that are no longer kept, and list only the folder of counts named
        ``sweep`` (as records.RecordCache.prune)."""
        if self.root is None:
            return
        records.prune_files(records.scan(self.root / "s"), lambda name: _stem(name, NOTES) in names)

        def counted(name):
            digest = _stem(name, COUNTS)
            return digest is not None and kept(digest)

        if sweep is None:
            records.prune_files(self.root.glob("c/*/*"), counted)
            return
        for digest in departed:
            if not kept(digest):
                self._counts_path(digest).unlink(missing_ok=True)
        records.prune_files(records.scan(self.root / "c" / sweep), counted)


def _stem(name, suffix):
    """``name`` without ``suffix``, or None if it does not end so."""
    return name[: -len(suffix)] if name.endswith(suffix) else None
