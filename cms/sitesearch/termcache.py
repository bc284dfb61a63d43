"""What a build of the index keeps beside the record cache (records.py), so that a publish that
changed one page tokenises that page only:

- a page's term counts (``shard.page_terms`` of its record), by the record's digest: a page whose
  text did not change is never tokenised again (``terms/c/<xx>/<digest>.json``);
- a shard's notes, by its folder name: its pages (path, record digest), their weighted lengths, the
  distinct counts of their terms and the tags and programmes they name, what patching the shard
  instead of building it again needs (patch.py) (``terms/s/<folder>.json``).

Every file is checked, not trusted: its first line names what it holds, the rule it was made under
(record format, terms, field weights, the Traditional → Simplified table, pypinyin's version) and
the sha256 of the rest. A file of another rule is stale and made again; one that is corrupt or
names another key is ignored, made again and counted (``index.build_index`` logs a warning).
"""

import functools
import hashlib
import json
import unicodedata
from importlib import metadata
from pathlib import Path

from cms.publish import fsutil
from cms.sitesearch import postings, records, shard
from cms.sitesearch.normalise import fold_name

# Bump when terms.py or shard.page_terms change the terms a page gives.
TERMS = 1


@functools.cache
def rule():
    return (f"records {records.FORMAT} terms {TERMS} weights {shard.TITLE_WEIGHT} {shard.NAME_WEIGHT} "
            f"bm25 {postings.K1} {postings.B} {postings.LEVELS} {fold_name()} pypinyin {metadata.version('pypinyin')} "
            f"unicode {unicodedata.unidata_version}")


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def pack(kind, key, payload):
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
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
    return json.loads(body)


def _is_counts(value):
    return isinstance(value, dict) and all(isinstance(count, int) for count in value.values())


def _is_note(row):
    """[path, record digest, grams length, chars length, [distinct counts], [distinct counts], {names}]"""
    return (isinstance(row, list) and len(row) == 7 and isinstance(row[0], str) and isinstance(row[1], str)
            and all(isinstance(value, int) for value in row[2:4])
            and all(isinstance(counts, list) and all(isinstance(c, int) for c in counts) for counts in row[4:6])
            and isinstance(row[6], dict))


class TermCache:
    """Term counts by record digest and shard notes by folder name, under ``root`` (None: nothing kept)."""

    def __init__(self, root):
        self.root = Path(root) / "terms" if root else None  # beside the records, out of their prune's way
        self.rejected = 0  # corrupt or foreign files met (stale ones are not counted)

    def _read(self, path, kind, key):
        if self.root is None:
            return None
        try:
            return unpack(path.read_bytes(), kind, key)
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
        return self.root / "c" / digest[:2] / f"{digest}.json"

    def cached_counts(self, digest):
        """(grams, chars) of the record with this digest, if kept and sound, else None."""
        if self.root is None:
            return None
        found = self._read(self._counts_path(digest), "terms", digest)
        if isinstance(found, list) and len(found) == 2 and all(map(_is_counts, found)):
            return found[0], found[1]
        return None

    def counts(self, digest, record):
        """(grams, chars) of a record: kept ones, or its terms counted now (and kept)."""
        found = self.cached_counts(digest)
        if found is None:
            found = shard.page_terms(record() if callable(record) else record)
            self._write(self._counts_path(digest), "terms", digest, [dict(found[0]), dict(found[1])])
        return found

    def notes(self, name):
        """A shard's notes (``shard.page_note`` rows with the path and record digest first), or None."""
        if self.root is None:
            return None
        found = self._read(self.root / "s" / f"{name}.json", "shard", name)
        if isinstance(found, list) and all(map(_is_note, found)):
            return found
        if found is not None:
            self.rejected += 1
        return None

    def write_notes(self, name, rows):
        if self.root is not None:
            self._write(self.root / "s" / f"{name}.json", "shard", name, rows)

    def prune(self, digests, names):
        """Forget counts of records and notes of shards no longer in the index."""
        if self.root is None:
            return
        for path in self.root.glob("c/*/*.json"):
            if path.stem not in digests:
                path.unlink(missing_ok=True)
        for path in self.root.glob("s/*.json"):
            if path.stem not in names:
                path.unlink(missing_ok=True)
