"""What a page contributes to search, read from its exported document (front matter and Markdown):
its title, the names a reader searches it by (the scientist, tags, honours, discipline,
institution, a resource's institute, kind, audiences and subjects, authors), its text (description
and body) and what a result shows (programme, date). Records are cached by the sha256 of their
document, so an unchanged page is never read or tokenised again."""

import hashlib
import html
import json
import os
import re
import time
from pathlib import Path

import yaml

from cms.publish import fsutil

# Bump when what goes into a record or a shard changes: cached records and shards are rebuilt.
FORMAT = 2
# Front matter keys whose values are names a reader types (strings, lists of strings, or of
# {"title": …, "year": …} as honours are).
NAME_KEYS = ("scientist", "tags", "honours", "discipline", "institution", "institute", "resource_kind_label",
             "audiences", "subjects", "authors")

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_MARKDOWN = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → their alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"\{[^{}\n]*\}"), " "),  # attribute lists { srcset=… width=… }
    (re.compile(r"<[^<>]*>"), " "),  # raw HTML tags (figures, captions, embeds)
    (re.compile(r"[*_`#>|~\\]+"), " "),  # emphasis, headings, quotes, tables, escapes
]


def split_document(data):
    """(front matter dict, Markdown body) of an exported document."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = json.loads(match.group(1))  # what the export writes; any other YAML is read as YAML
    except ValueError:
        meta = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return meta, text[match.end() :]


# A backslash escape (md_text's ``\{`` ``\*`` …) is the character itself: kept out of the patterns'
# way as a private-use code point for the one character, then put back.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~])")
_HIDDEN = 0xF0000
_UNHIDE = re.compile("[\U000F0000-\U000F007F]")


def plain_text(markdown):
    r"""Readable text of a Markdown body: link and image text kept, markup and URLs dropped; what is
    escaped in it (``\{x\}``) reads as the characters (``{x}``)."""
    markdown = _ESCAPED.sub(lambda match: chr(_HIDDEN + ord(match.group(1))), markdown)
    for pattern, replacement in _MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    markdown = _UNHIDE.sub(lambda match: chr(ord(match.group()) - _HIDDEN), markdown)
    return " ".join(html.unescape(markdown).split())


def _names(value):
    if isinstance(value, dict):
        return [" ".join(str(v) for v in (value.get("title"), value.get("year")) if v)]
    if isinstance(value, (list, tuple)):
        return [name for item in value for name in _names(item)]
    return [str(value)] if value not in (None, "") else []


def make_record(data):
    """The search record of a document: title, names, programme (and its slug), date, text."""
    meta, body = split_document(data)
    if meta.get("noindex"):  # a retracted piece: built (its tombstone), but found by no search
        return {"title": "", "text": ""}
    record = {"title": str(meta.get("title") or "")}
    names = []
    for key in NAME_KEYS:
        names.extend(name for name in _names(meta.get(key)) if name not in names and name != record["title"])
    if names:
        record["names"] = names
    if meta.get("tags"):
        record["tags"] = [str(tag) for tag in meta["tags"]]
    for key, name in (("programme_title", "programme"), ("programme", "programme_slug"), ("date", "date")):
        if meta.get(key):
            record[name] = str(meta[key])
    parts = (str(meta.get("description") or ""), plain_text(body))
    record["text"] = "\n".join(part for part in parts if part)
    return record


def record_text(record):
    """Everything a search runs over, as one text: title, names and text."""
    return "\n".join([record["title"], *record.get("names", ()), record["text"]])


class RecordCache:
    """Records by the sha256 of their document, so an unchanged page is never read or tokenised again."""

    def __init__(self, root, digests=None):
        self.root = Path(root) if root else None
        self.digests = {} if digests is None else digests  # document sha256 → digest of its record
        self.used = set()  # the keys of ``digests`` this build looked up (digests_of): what ``prune`` keeps

    def _path(self, sha):
        return self.root / sha[:2] / f"{sha}.json"

    def get(self, sha, load):
        if self.root is not None:
            try:
                cached = json.loads(self._path(sha).read_bytes())
                if cached.get("format") == FORMAT and cached.get("sha256") == sha:  # not another document's
                    return cached["record"]
            except (OSError, ValueError, KeyError, AttributeError):
                pass
        record = make_record(load())
        if self.root is not None:
            data = json.dumps({"format": FORMAT, "sha256": sha, "record": record}, ensure_ascii=False).encode("utf-8")
            fsutil.atomic_write(self._path(sha), data)
        return record

    def digest(self, sha, load):
        """A digest of the record of the document with this sha256 (remembered in ``digests``)."""
        key = f"{FORMAT}:{sha}"
        if key not in self.digests:
            record = json.dumps(self.get(sha, load), ensure_ascii=False, sort_keys=True).encode("utf-8")
            self.digests[key] = hashlib.sha256(record).hexdigest()[:16]
        return self.digests[key]

    def digests_of(self, shas, load):
        """{path: record digest} of ``shas`` ({path: document sha256}), from the memo (a dict
        look-up a page); ``load(path)``: the document's bytes, read only for a record not known."""
        prefix, memo, used = f"{FORMAT}:", self.digests, self.used
        found = {}
        for path, sha in shas.items():
            key = prefix + sha
            digest = memo.get(key)
            found[path] = digest if digest is not None else self.digest(sha, lambda path=path: load(path))
            used.add(key)
        return found

    def prune(self, *, sweep=None):
        """Forget the records of documents this build did not look up (``digests_of``): no longer
        published. ``sweep``: None to list every file of the cache and remove those of other
        documents; else (a long-lived caller's memo knows what left) remove the files of what left
        the memo, and list only the cache's folder named ``sweep`` (two hex digits: what a killed
        process wrote and no memo remembers goes within a few hundred builds)."""
        departed = self.digests.keys() - self.used
        for key in departed:
            del self.digests[key]
        if self.root is None or not self.root.is_dir():
            return
        if sweep is None:
            prune_files(self.root.glob("*/*.json"), {key.partition(":")[2] + ".json" for key in self.used}.__contains__)
            return
        for key in departed:
            sha = key.partition(":")[2]
            if f"{FORMAT}:{sha}" not in self.used:
                self._path(sha).unlink(missing_ok=True)
        prune_files(scan(self.root / sweep), lambda name: f"{FORMAT}:{name.removesuffix('.json')}" in self.used)


def scan(folder):
    """The files in ``folder`` (none if it is not there), as paths."""
    try:
        with os.scandir(folder) as entries:
            return [Path(entry.path) for entry in entries if entry.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return []


# Another process's file being written (fsutil.atomic_write's temporary name) is left alone this long.
TEMP_GRACE = 60


def prune_files(paths, keep):
    """Remove the files of ``paths`` whose name ``keep(name)`` does not keep, but a temporary file
    (another process may be writing it) only once it is older than TEMP_GRACE seconds."""
    now = time.time()
    for path in paths:
        if keep(path.name):
            continue
        try:
            if path.name.startswith(".tmp-") and now - path.stat().st_mtime < TEMP_GRACE:
                continue
            path.unlink()
        except FileNotFoundError:
            pass
