"""The render cache on disk: what a worker rendered survives a restart, checked, not trusted.

One SQLite file (``render.sqlite3`` in ``KEPU_STATE_DIR``, default ``<KEPU_BUILDS_DIR>/.state/``)
holds one row per page: its cache entry (render.Entry: the document, its key and what it was made
from) and the sha256 of the document's bytes. A header names the format and a digest of the code
that renders (every module of cms/, the page types' templates, the versions of the libraries they
render with); a file written by other code is discarded whole. Each row carries an HMAC keyed by
``SECRET_KEY`` and that digest, checked before the entry is read (pickle: tuples, datetimes and
bytes come back exactly as they were kept); a row whose document no longer hashes to its sha256 is
dropped. What loads goes into the cache as an entry like any other: the plan's ``lookup`` checks it
against today's rows and objects before anything is reused. A file that cannot be read is moved
aside and reported; the publish renders what it lacks.

Beside the documents, the file keeps other memos of a worker (table ``memo``: kind, key, a pickled
value, its HMAC), checked by their owners before use: the Traditional mirror's converted documents
and files (mirror_site.Converted, each with the mirror's fingerprint and its source's sha256).

Written after the swap, in one transaction: the rows of the pages rendered, and the memo rows
changed, since the last save.
"""

import hashlib
import hmac
import importlib.metadata
import logging
import os
import pickle
import sqlite3
import zlib
from contextlib import closing
from pathlib import Path

from django.conf import settings

import cms

from . import write

FORMAT = "2"
NAME = "render.sqlite3"
LIBRARIES = ("Django", "wagtail", "beautifulsoup4", "markdownify", "bleach", "nh3", "lxml", "Pillow", "segno", "opencc")

logger = logging.getLogger("kepu.publish")


def path():
    base = getattr(settings, "KEPU_STATE_DIR", None) or Path(settings.KEPU_BUILDS_DIR) / ".state"
    return Path(base) / NAME


def _code_digest(root):
    digest = hashlib.sha256(FORMAT.encode())
    for file in sorted(Path(root).rglob("*")):
        if file.suffix in (".py", ".html", ".txt") and not {"tests", "migrations", "__pycache__"} & set(file.parts):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


# Read when this module is imported (~15 ms): the code this process runs, not what a deploy later puts on disk.
CODE = _code_digest(Path(cms.__file__).parent)


def code_digest():
    """What the documents were rendered by: cms/'s code and templates, library versions, settings."""
    rendering = (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.MEDIA_URL,
                 getattr(settings, "KEPU_PAGE_QR_CODE", None))
    return hashlib.sha256(f"{CODE}{rendering!r}".encode()).hexdigest()


def _mac(code, name, digest, blob):
    """The row's HMAC: (page id, document sha256) of a rendered row, (kind, key) of a memo's."""
    key = hashlib.sha256(f"kepu.publish.render_store\0{settings.SECRET_KEY}\0{code}".encode()).digest()
    return hmac.new(key, f"{name}\0{digest}\0".encode() + blob, hashlib.sha256).digest()


def _doc_sha(entry):
    return write.sha256(write.serialise(entry.meta, entry.body))


def discard(reason=None):
    """Move the file aside (``render.sqlite3.discarded``), saying why; the next save starts anew."""
    file = path()
    if reason:
        logger.warning("渲染缓存文件 %s 未使用：%s。本次发布会重新渲染它缺少的页面。", file, reason)
    for suffix in ("", "-wal", "-shm"):
        try:
            os.replace(f"{file}{suffix}", f"{file}.discarded{suffix}")
        except FileNotFoundError:
            pass


def load():
    """({page id: render.Entry}, {kind: {key: value}}) from the file, each row checked (see the module
    docstring); ({}, {}) without one. The second holds the other memos a worker keeps (``save``'s ``memos``)."""
    file = path()
    if not file.is_file():
        return {}, {}
    code, entries, memos, dropped = code_digest(), {}, {}, 0
    try:
        with closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as db:
            header = dict(db.execute("SELECT name, value FROM header"))
            if header != {"format": FORMAT, "code": code}:
                discard("它由另一版本的代码写成")
                return {}, {}
            for page_id, doc_sha, blob, mac in db.execute("SELECT page_id, doc_sha, entry, mac FROM rendered"):
                if not hmac.compare_digest(bytes(mac), _mac(code, page_id, doc_sha, bytes(blob))):
                    dropped += 1
                    continue
                entry = pickle.loads(zlib.decompress(blob))
                if _doc_sha(entry) != doc_sha:
                    dropped += 1
                    continue
                entries[page_id] = entry
            for kind, key, blob, mac in db.execute("SELECT kind, key, value, mac FROM memo"):
                if hmac.compare_digest(bytes(mac), _mac(code, kind, key, bytes(blob))):
                    memos.setdefault(kind, {})[key] = pickle.loads(zlib.decompress(blob))
                else:
                    dropped += 1
    except (sqlite3.Error, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as error:
        discard(f"文件无法读取（{error}）")
        return {}, {}
    if dropped:
        logger.warning("渲染缓存文件 %s 中有 %d 条记录未通过校验，已忽略；这些页面会重新渲染。", file, dropped)
    return entries, memos


SCHEMA = (
    "CREATE TABLE IF NOT EXISTS header (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rendered (page_id INTEGER PRIMARY KEY, doc_sha TEXT NOT NULL, entry BLOB NOT NULL,"
    " mac BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS memo (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, mac BLOB NOT NULL,"
    " PRIMARY KEY (kind, key))",
)


def save(entries, changed, memos=None):
    """Write the rows of ``changed`` (page ids) from ``entries`` ({page id: render.Entry}); all of
    them when the file is missing or was written by other code. ``memos``: {kind: {key: value, or
    None to delete}}, what other memos changed (each value a pickle of plain data, checked like a
    row of entries; the memo's owner checks what it means before use)."""
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
            _save(db, code, entries, changed, memos or {})
        except sqlite3.DatabaseError as error:
            db.close()
            discard(f"文件无法写入（{error}）")
            with closing(sqlite3.connect(file)) as fresh:
                _save(fresh, code, entries, changed, memos or {})


def _blob(value):
    return zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)


def _save(db, code, entries, changed, memos):
    with db:
        for statement in SCHEMA:
            db.execute(statement)
        if dict(db.execute("SELECT name, value FROM header")) != {"format": FORMAT, "code": code}:
            for table in ("rendered", "memo", "header"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (the names above)
            db.executemany("INSERT INTO header VALUES (?, ?)", [("format", FORMAT), ("code", code)])
            changed = entries.keys()
        rows = []
        for page_id in changed:
            entry = entries.get(page_id)
            if entry is not None and entry.source is not None:
                blob, doc_sha = _blob(entry), _doc_sha(entry)
                rows.append((page_id, doc_sha, blob, _mac(code, page_id, doc_sha, blob)))
        db.executemany("INSERT OR REPLACE INTO rendered VALUES (?, ?, ?, ?)", rows)
        for kind, values in memos.items():
            kept = [(kind, key, _blob(value)) for key, value in values.items() if value is not None]
            db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)",
                           [(*row, _mac(code, *row)) for row in kept])
            db.executemany("DELETE FROM memo WHERE kind = ? AND key = ?",
                           [(kind, key) for key, value in values.items() if value is None])
