"""The render cache on disk: what a worker rendered survives a restart, checked, not trusted.

One SQLite file (``render.sqlite3`` in ``KEPU_STATE_DIR``, default ``<KEPU_BUILDS_DIR>/.state/``)
holds one row per page: its cache entry (render.Entry: the document, its key and what it was made
from) and the sha256 of the row's bytes. A header names the format and a digest of the code
that renders (every module of cms/, the page types' templates, the versions of the libraries they
render with); a file written by other code is discarded whole. Each row carries an HMAC keyed by
``SECRET_KEY`` and that digest, checked before the entry is read (pickle: tuples, datetimes and
bytes come back exactly as they were kept); a row whose bytes no longer hash to its sha256 is
dropped. What loads goes into the cache as an entry like any other: the plan's ``lookup`` checks it
against today's rows and objects before anything is reused. A file that cannot be read is moved
aside and reported; the publish renders what it lacks.

Beside the documents, the file keeps a worker's other memos (table ``memo``: kind, key, a pickled
value, its HMAC), each checked by its owner before use (PublishState.memos):

- ``written`` / ``written-hant``: what was written into content/ and content-hant/ (write.WrittenFiles:
  a digest of the document, its sha256, the file's size and mtime, and what the last write left;
  checked against the disk as they are read back: write.WrittenRows);
- ``records`` / ``records-hant``: search record digests by document sha256 (cms/sitesearch: a
  function of the document's bytes and the code, which the header names);
- ``hant``: the Traditional mirror's converted documents and files (mirror_site.Converted, each
  with the mirror's fingerprint and its source's sha256; a document pickled by itself, unpickled
  when read: mirror_site.Stored);
- ``qr``: the generated pages' QR codes (render.QRCodes, by QR function and URL).

Written after the swap, in one transaction: the rows that changed since the last save, found by
``SavedMemo`` (each memo is one), and the deletion of the rows of what the site no longer has (each
owner prunes its memo as it publishes). The header's ``last_save`` says how many were written.
"""

import errno
import gc
import hashlib
import hmac
import importlib.metadata
import json
import logging
import os
import pickle
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings

import cms

FORMAT = "4"
NAME = "render.sqlite3"
LIBRARIES = ("Django", "wagtail", "beautifulsoup4", "markdownify", "bleach", "nh3", "lxml", "Pillow", "segno", "opencc")

logger = logging.getLogger("kepu.publish")


def path():
    base = getattr(settings, "KEPU_STATE_DIR", None) or Path(settings.KEPU_BUILDS_DIR) / ".state"
    return Path(base) / NAME


CODE_SUFFIXES = (".py", ".html", ".txt", ".mo")  # what a render reads besides the database (.mo: type names)


def _code_digest(root):
    digest = hashlib.sha256(FORMAT.encode())
    for file in sorted(Path(root).rglob("*")):
        if file.suffix in CODE_SUFFIXES and not {"tests", "migrations", "__pycache__"} & set(file.parts):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


# Read when this module is imported: the code this process runs, not what a deploy later puts on disk.
CODE = _code_digest(Path(cms.__file__).parent)


def code_digest():
    """What the documents were rendered by: cms/'s code and templates, library versions, settings."""
    rendering = (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.MEDIA_URL,
                 getattr(settings, "KEPU_PAGE_QR_CODE", None))
    return hashlib.sha256(f"{CODE}{rendering!r}".encode()).hexdigest()


def _signer(code):
    """The rows' HMAC: of (page id, sha256) of a rendered row, of (kind, key) of a memo's, and the blob."""
    key = hashlib.sha256(f"kepu.publish.render_store\0{settings.SECRET_KEY}\0{code}".encode()).digest()
    return lambda name, digest, blob: hmac.digest(key, f"{name}\0{digest}\0".encode() + blob, "sha256")


def _mac(code, name, digest, blob):
    return _signer(code)(name, digest, blob)


def _blob_sha(blob):
    return hashlib.sha256(blob).hexdigest()


class SavedMemo(dict):
    """A memo a worker keeps and saves in this file ({key: value}, a dict: ``get``, ``memo[key] =
    value``, ``del``): what changed since the last save is what differs, by identity, from what the
    file holds (``saved``), so the memo's owner, or a library it lends the memo to (the search's
    record digests), updates it as any dict and nothing has to remember to mark a change. Only the
    keys put or deleted since the last save are compared (every way a dict is changed notes its keys:
    ``touched``), so a save costs what changed, not the memo's size. Values are never None (None is a
    deleted row in ``save``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved = {}  # {key: value} as the file holds it (read, or written by the last save)
        self.touched = set(self)  # the keys put or deleted since the last save (a superset of ``changed``)

    def __setitem__(self, key, value):
        self.touched.add(key)
        super().__setitem__(key, value)

    def __delitem__(self, key):
        super().__delitem__(key)
        self.touched.add(key)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key, *default):
        self.touched.add(key)
        return super().pop(key, *default)

    def popitem(self):
        key, value = super().popitem()
        self.touched.add(key)
        return key, value

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other):
        self.update(other)
        return self

    def restore(self, rows):
        """Take the rows read from the file where nothing newer is held (a newer value was put, so
        its key is touched already)."""
        for key, value in rows.items():
            dict.setdefault(self, key, value)
            self.saved[key] = value

    def changed(self):
        """The keys put, replaced or deleted since the last save."""
        missing = object()
        return {key for key in self.touched if self.saved.get(key, missing) is not self.get(key, missing)}

    def take_unsaved(self, everything=False):
        """{key: value, or None (deleted)} changed since the last call (all of them with
        ``everything``), for ``save``; from now on the file is taken to hold what the memo holds."""
        if everything:
            rows, self.saved = dict(self), dict(self)
        else:
            rows = {key: self.get(key) for key in self.changed()}
            for key, value in rows.items():
                if value is None:
                    self.saved.pop(key, None)
                else:
                    self.saved[key] = value
        self.touched = set()
        return rows

    def prune(self, keep):
        """Drop the keys not in ``keep`` (a set): what the site no longer has; the next save deletes their rows."""
        for key in self.keys() - keep:
            del self[key]

    def clear(self):
        """Empty the memo; the file still holds what it held, so the next save deletes those rows."""
        self.touched.update(self.keys(), self.saved.keys())
        super().clear()


def discard(reason=None):
    """Move the file aside (``render.sqlite3.discarded``), saying why; the next save starts anew."""
    file = path()
    if reason:
        logger.warning("渲染缓存文件 %s 未使用：%s。本次发布会重新渲染它缺少的页面。", file, reason)
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.replace(f"{file}{suffix}", f"{file}.discarded{suffix}")
        except FileNotFoundError:
            pass


def _current(header, code):
    return header.get("format") == FORMAT and header.get("code") == code


@contextmanager
def collector_paused():
    """The cyclic garbage collector off for the block (as it was after): what is read back is millions
    of new containers, none garbage, over which each of its full passes would walk again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load():
    """({page id: render.Entry}, {kind: {key: value}}) from the file, each row checked (see the module
    docstring); ({}, {}) without one. The second holds the other memos a worker keeps (``save``'s ``memos``)."""
    file = path()
    if not file.is_file():
        return {}, {}
    code, entries, memos, dropped = code_digest(), {}, {}, 0
    sign = _signer(code)
    try:
        # Read-write: SQLite rolls back what a save killed mid-way left in
        # its journal, which a read-only connection cannot; the file is then as the save before.
        with closing(sqlite3.connect(file)) as db, collector_paused():
            if not _current(dict(db.execute("SELECT name, value FROM header")), code):
                discard("它由另一版本的代码写成")
                return {}, {}
            for page_id, sha, blob, mac in db.execute("SELECT page_id, doc_sha, entry, mac FROM rendered"):
                if hmac.compare_digest(mac, sign(page_id, sha, blob)) and _blob_sha(blob) == sha:
                    entries[page_id] = pickle.loads(blob)
                else:
                    dropped += 1
            for kind, key, blob, mac in db.execute("SELECT kind, key, value, mac FROM memo"):
                if hmac.compare_digest(mac, sign(kind, key, blob)):
                    memos.setdefault(kind, {})[key] = pickle.loads(blob)
                else:
                    dropped += 1
    except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as error:
        discard(f"文件无法读取（{error}）")
        return {}, {}
    if dropped:
        logger.warning("渲染缓存文件 %s 中有 %d 条记录未通过校验，已忽略；这些页面会重新渲染。", file, dropped)
    return entries, memos


def last_save(file=None):
    """What the last save wrote: {"rendered": rows written, "deleted": rows deleted, "memo": {kind:
    rows written or deleted}} (the header's ``last_save``), or None without a file. A worker's first
    save after a restart shows what it had to render again: ``rendered`` counts the pages rendered
    since the last save (an entry read from the file and still good is not written again).
    ``file``: another deployment's (default: this one's, ``path()``)."""
    file = Path(file) if file else path()
    if not file.is_file():
        return None
    with closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as db:
        found = db.execute("SELECT value FROM header WHERE name = 'last_save'").fetchone()
    return json.loads(found[0]) if found else None


def counts(file=None):
    """{"rendered": rows, kind: rows of that memo …}: how many rows the file holds (``file``: as in ``last_save``)."""
    with closing(sqlite3.connect(f"file:{file or path()}?mode=ro", uri=True)) as db:
        return {"rendered": db.execute("SELECT count(*) FROM rendered").fetchone()[0],
                **dict(db.execute("SELECT kind, count(*) FROM memo GROUP BY kind"))}


SCHEMA = (
    "CREATE TABLE IF NOT EXISTS header (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rendered (page_id INTEGER PRIMARY KEY, doc_sha TEXT NOT NULL, entry BLOB NOT NULL,"
    " mac BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS memo (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, mac BLOB NOT NULL,"
    " PRIMARY KEY (kind, key))",
)


def save(take, *, replace=False, more=False):
    """Write the rows that changed since the last save, in one transaction. ``take(everything)`` gives
    them: ({page id: render.Entry, or None to delete}, {kind: {key: value, or None to delete}})
    (SavedMemo.take_unsaved; each memo value plain data its owner checks before use); with
    ``everything`` (``replace``, or the file is missing, unreadable or written by other code) every
    row there is, and nothing else is kept. Records what it wrote in the header (``last_save``);
    ``more``: a further save of the same publish (after its index build), whose counts are added to
    the last save's, so that ``last_save`` says what the publish wrote."""
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    code = code_digest()
    try:
        db = sqlite3.connect(file)
    except sqlite3.Error:
        discard("文件无法打开")
        db = sqlite3.connect(file)
    with closing(db):
        try:
            _save(db, code, take, replace, more)
        except sqlite3.DatabaseError as error:
            _raise_as_os_error(error, file)  # a full or read-only disk: said as such, the file kept
            db.close()
            discard(f"文件无法写入（{error}）")
            with closing(sqlite3.connect(file)) as fresh:
                _save(fresh, code, take, True)


def _added(before, stats):
    """Two saves' ``last_save`` counts, added."""
    memo = dict(before.get("memo", {}))
    for kind, count in stats["memo"].items():
        memo[kind] = memo.get(kind, 0) + count
    return {"rendered": before.get("rendered", 0) + stats["rendered"],
            "deleted": before.get("deleted", 0) + stats["deleted"], "memo": memo}


# SQLite's result codes for a disk that refuses writes, and what the system would have said (errors.explain)
_DISK_ERRORS = {13: (errno.ENOSPC, "No space left on device"), 8: (errno.EROFS, "Read-only file system")}


def _raise_as_os_error(error, file):
    """SQLITE_FULL / SQLITE_READONLY are the disk's fault, not the file's: raise them as the OSError
    they are (with the file's name), so the publish says 磁盘空间不足 … and nothing is thrown away."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _DISK_ERRORS:
        number, text = _DISK_ERRORS[code & 0xFF]
        raise OSError(number, text, str(file)) from error


def _blob(value):
    """A row's bytes: the value pickled, not compressed (a new worker reads every row back: decompressing
    would cost it more than reading twice the bytes)."""
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _save(db, code, take, replace, more=False):
    sign = _signer(code)
    with db:
        for statement in SCHEMA:
            db.execute(statement)
        header = dict(db.execute("SELECT name, value FROM header"))
        replace = replace or not _current(header, code)
        rendered, memos = take(replace)
        if replace:
            for table in ("rendered", "memo", "header"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (the names above)
            db.executemany("INSERT INTO header VALUES (?, ?)", [("format", FORMAT), ("code", code)])
        rows, gone = [], []
        for page_id, entry in rendered.items():
            if entry is None or entry.source is None:  # (an entry without its fields' digest is not kept)
                gone.append((page_id,))
            else:
                blob = _blob(entry)
                sha = _blob_sha(blob)
                rows.append((page_id, sha, blob, sign(page_id, sha, blob)))
        db.executemany("INSERT OR REPLACE INTO rendered VALUES (?, ?, ?, ?)", rows)
        db.executemany("DELETE FROM rendered WHERE page_id = ?", gone)
        stats = {"rendered": len(rows), "deleted": len(gone), "memo": {}}
        for kind, values in memos.items():
            if values is None:  # (the memo's owner is gone: the mirror was turned off)
                db.execute("DELETE FROM memo WHERE kind = ?", (kind,))
                continue
            kept = [(kind, key, _blob(value)) for key, value in values.items() if value is not None]
            db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)", [(*row, sign(*row)) for row in kept])
            db.executemany("DELETE FROM memo WHERE kind = ? AND key = ?",
                           [(kind, key) for key, value in values.items() if value is None])
            if values:
                stats["memo"][kind] = len(values)
        if more and not replace and "last_save" in header:
            stats = _added(json.loads(header["last_save"]), stats)
        db.execute("INSERT OR REPLACE INTO header VALUES ('last_save', ?)", (json.dumps(stats),))
