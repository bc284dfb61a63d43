"""Bring content/ in line with the documents: write only files whose bytes change, delete the rest.

Front matter is JSON, which is YAML: any generator's YAML parser reads it, and json's C encoder
writes it far faster than PyYAML's Python representer (bench/README, "Measurements"). Characters
YAML does not accept raw (C1 controls, DEL, BOM, non-characters) or reads as line breaks (U+2028,
U+2029) are written as \\u escapes, which mean the same in both.
"""

import hashlib
import io
import json
import os
import pickle
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from . import fsutil, manifest, render_store

MANIFEST_NAME = ".manifest.json"
WRITING = ".writing"  # there while a write is under way: a write killed leaves it (``write``)
KEEP = {"README.md", MANIFEST_NAME, WRITING}
FULL_CHECK_EVERY = 10
"""One write in this many (per folder and process) checks every file it did not write against what
the last write left there (``WrittenFiles.check_due``); the others look only at what they write."""
LEFT = "/left"
"""The key of the row of ``WrittenFiles.rows`` that says what the last write left (never a content path):
(content folder, identity of the manifest file written, asset paths) (``WrittenRows``)."""
_NOT_YAML_SAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def serialise(meta, body):
    """The bytes of a document: JSON front matter on one line, then the Markdown body."""
    front = json.dumps(meta, ensure_ascii=False, separators=(", ", ": "))  # one line: json's C encoder
    front = _NOT_YAML_SAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", front)
    body = re.sub(r"\n{3,}", "\n\n", body.strip())
    return f"---\n{front}\n---\n\n{body}\n".encode()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def document_key(content_dir, meta, body):
    """A digest of a document's front matter and body in a content folder, cheaper than ``serialise``
    + sha256 (bench/README, "Measurements behind the code"): pickle without its memo, so equal values
    give equal bytes however they share objects (values that differ only in sharing or interning still
    match; any other difference gives another digest, and the document is serialised again, never
    wrongly kept)."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump((content_dir, meta, body))
    return hashlib.sha256(out.getbuffer()).digest()[:16]


class WrittenRows(render_store.SavedMemo):
    """``WrittenFiles.rows``: {path: (key, sha256, size, mtime_ns)}, and the LEFT row once a write has
    finished. Rows read back from the render store (``restore``, a new process) are checked against
    the disk before anything takes them: with a LEFT row, each file by one ``lstat`` (a row whose
    file is gone, of another size or mtime, or no longer a regular file of its own is dropped, so the
    next write serialises its document and compares it with the file) and each asset (one that is no
    longer a regular file of its own is not among the assets it says were left); what passed is
    ``checked``: (content folder, manifest identity, the paths that write left, the assets found as
    left), taken by the next write into that folder (``WrittenFiles.resume``). Without a LEFT row,
    the rows are taken unchecked and the next write checks every file (``check_due``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked = None

    def restore(self, rows):
        left, kept, self.checked = rows.get(LEFT), rows, None
        if _is_left(left):
            folder, identity, assets = left
            paths = [path for path in rows if path != LEFT]
            moved = set(_moved(folder, rows, paths))
            kept = {path: row for path, row in rows.items() if path not in moved}
            found = frozenset(path for path in assets if _regular_file(folder, path))
            self.checked = (folder, identity, frozenset(paths) | frozenset(assets), found)
        for key, value in rows.items():  # (a row dropped is deleted by the next save, unless written again)
            self.saved[key] = value
        self.touched.update(rows.keys() - kept.keys())
        for key, value in kept.items():
            dict.setdefault(self, key, value)

    def clear(self):
        super().clear()
        self.checked = None


def _is_left(value):
    return (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[2], tuple)
            and all(isinstance(path, str) for path in value[2]))


def _moved(folder, rows, paths):
    """Those of ``paths`` whose file in ``folder`` is no longer as its row ({path: (key, sha256, size,
    mtime_ns)}) says it was written: gone, of another size or mtime, or not a regular file of its own
    (a symbolic link put in its place: ``lstat``). One ``lstat`` a path."""
    lstat, base, out = os.lstat, os.path.join(folder, ""), []
    for path in paths:
        row = rows[path]
        try:
            info = lstat(base + path)
        except OSError:
            out.append(path)
            continue
        if info.st_size != row[2] or info.st_mtime_ns != row[3] or not S_ISREG(info.st_mode):
            out.append(path)
    return out


def _regular_file(folder, path):
    """Whether ``path`` in ``folder`` is a regular file of its own (``lstat``), nothing removed."""
    try:
        return S_ISREG(os.lstat(os.path.join(folder, path)).st_mode)
    except OSError:
        return False


class WrittenFiles:
    """What the last publish wrote into which content folder, so that a document whose front matter
    and body are the same as then is not serialised again, nor its file read back; nor a file of
    bytes (a feed, a QR code: ``raw``) the same as then.

    ``files``: {path: (meta, body) or bytes} written there by this process (compared by identity,
    then equality: cheap); ``rows``: {path: (key, sha256, size, mtime_ns)} (``key``: of the content
    folder, meta and body; None for bytes),
    saved with the render cache (``WrittenRows``, memo "written" / "written-hant") and, in a new
    process, taken for a document whose ``key`` is the same (no serialising). A row is trusted only
    while its file is still there with that size and mtime (``write``; in a new process checked as
    the rows are read back: ``WrittenRows.restore``); otherwise the document is serialised and
    compared with the file's bytes.

    ``left``: (content folder, identity of the manifest file written, frozenset of the paths)
    of the last write of this process that finished, or None: what ``write`` takes the stale files
    from instead of walking the folder (``left_as_written``). ``entries``: the manifest's sections
    the last write made ({name: manifest.Section}), whose entries and their text the next one
    takes where they are the same (``manifest.make``).

    A document or file whose objects are the very ones this process last wrote at its path costs a
    lookup (``documents``, ``raws``): its file is not looked at, except by a write that checks every
    file (``check_due``: one ``lstat`` a file, ``moved``), which writes again each one no longer there
    as written. ``assets``: the asset paths the last write of this process left in the folder (a
    write that does not check every file looks only at the assets not among them).

    ``writes``: the writes of this process into the folder since the last that checked every file."""

    def __init__(self):
        self.dir, self.files, self.rows, self.left = None, {}, WrittenRows(), None
        self.entries = {}  # the manifest's sections of the last write ({name: manifest.Section}: ``manifest.make``)
        self.assets, self.writes = frozenset(), None

    def clear(self):
        self.dir, self.left = None, None
        self.files.clear()
        self.rows.clear()
        self.entries = {}
        self.assets, self.writes = frozenset(), None

    def check_next(self):
        """Make the next write check every file (``check_due``), whatever the count says."""
        self.writes = None

    def check_due(self, left):
        """Whether this write checks every file in the folder (``moved``) and every asset: the first
        write of this process (or since ``clear``) but one that resumes from rows checked as they were
        read back (``resume``), one in ``FULL_CHECK_EVERY``, and any write into a folder that is not as
        the last write (of this process, or the one whose rows were read back) left it (``left`` is
        None: a write failed or was killed, in any process, or its manifest file was changed by anyone
        else)."""
        return left is None or self.writes is None or self.writes + 1 >= FULL_CHECK_EVERY

    def resume(self, key):
        """The first write of a process into ``key`` (a content folder) takes what the rows read back
        say the last write left there (``WrittenRows.checked``: every file and asset just checked
        against the disk), as if this process had made that write and checked every file since: the
        folder is then as it left it when its manifest file is the very one it wrote
        (``left_as_written``)."""
        checked, self.rows.checked = self.rows.checked, None
        if self.left is None and self.writes is None and checked is not None and checked[0] == key:
            self.left = (key, checked[1], checked[2] - {LEFT})
            self.assets, self.writes = checked[3], 0

    def _enter(self, content_dir):
        if self.dir != content_dir:
            self.dir, self.files, self.entries = content_dir, {}, {}

    def documents(self, content_dir, pages, todo, keys=None):
        """{path: sha256} of ``pages`` ({path: (meta, body)}), as ``serialised`` gives each, the bytes
        of those to write put in ``todo`` ({path: bytes}): a page whose meta and body are the very
        objects this process last wrote there is taken from its row at the cost of a lookup. ``keys``:
        {path: the page's key} where its maker knows one (``serialised``): a page of the key of its
        row is taken from it without being read (a page may be a sequence that reads itself back
        only when indexed: mirror_site.Stored), and kept as the very object at its path."""
        self._enter(content_dir)
        files, rows, out, keys = self.files, self.rows, {}, keys or {}
        for path, page in pages.items():
            last = files.get(path)
            if last is not None and (last is page or last[0] is page[0] and last[1] is page[1]):
                out[path] = rows[path][1]
                continue
            key, row = keys.get(path), rows.get(path)
            if last is None and key is not None and row is not None and row[0] == key:  # (``page`` not read)
                files[path], out[path] = page, row[1]
                continue
            out[path], data = self.serialised(content_dir, path, *page, key=key)
            if data is not None:
                todo[path] = data
        return out

    def raws(self, content_dir, files, todo):
        """{path: sha256} of ``files`` ({path: bytes}), as ``raw`` gives each, those to write put in ``todo``."""
        self._enter(content_dir)
        last_of, rows, out = self.files, self.rows, {}
        for path, data in files.items():
            if last_of.get(path) is data:
                out[path] = rows[path][1]
            else:
                out[path], data = self.raw(content_dir, path, data)
                if data is not None:
                    todo[path] = data
        return out

    def left_as_written(self, content_dir, key):
        """The paths the folder holds (frozenset) when it is as the last write of this process left
        it, else None: that write finished here (``left``), no write began since in any process (none
        left the marker WRITING, which a write makes before it changes anything and removes once its
        manifest is written), and the manifest file is the very one it wrote (inode, size, times)."""
        self.resume(key)
        if self.left is None or self.left[0] != key or os.path.lexists(os.path.join(content_dir, WRITING)):
            return None
        return self.left[2] if _identity(os.path.join(content_dir, MANIFEST_NAME)) == self.left[1] else None

    def serialised(self, content_dir, path, meta, body, key=None):
        """(sha256, bytes or None) of a document: None when the last publish wrote exactly this there.
        ``key``: what the document's maker says determines its bytes in ``content_dir`` (16 bytes, of
        another domain than ``document_key``'s, content_dir among what it digests), taken instead of
        ``document_key``: a row of the same key is as good as a row of the same document."""
        if self.dir != content_dir:
            self.dir, self.files = content_dir, {}
        last, row = self.files.get(path), self.rows.get(path)
        if row is not None:
            if last is not None and last[1] == body and last[0] == meta:
                self.files[path] = (meta, body)  # (these objects: ``sha`` finds them)
                return row[1], None
            if (last is None or key is not None) and row[0] == (
                    key if key is not None else document_key(content_dir, meta, body)):  # as written before
                self.files[path] = (meta, body)
                return row[1], None
        data = serialise(meta, body)
        digest = sha256(data)
        self.files[path] = (meta, body)
        self.rows[path] = (key if key is not None else document_key(content_dir, meta, body), digest, len(data), None)
        return digest, data

    def raw(self, content_dir, path, data):
        """(sha256, bytes or None) of a file's ``data`` (a feed, a QR code beside a page): None when
        the last publish wrote these bytes there (the same object or equal bytes in this process; in
        a new one, a row of the same sha256). As ``serialised``, trusted only while the file is in place."""
        self._enter(content_dir)
        last, row = self.files.get(path), self.rows.get(path)
        self.files[path] = data
        if row is not None and last is not None and (last is data or last == data):
            return row[1], None
        digest = sha256(data)
        if row is not None and row[1] == digest:
            return digest, None
        self.rows[path] = (None, digest, len(data), None)
        return digest, data

    def sha(self, path, meta, body):
        """The sha256 of the document this publish gave ``serialised`` for ``path`` as these very
        objects ``meta`` and ``body``, or None."""
        last = self.files.get(path)
        if last is not None and last[0] is meta and last[1] is body:
            return self.rows[path][1]
        return None

    def in_place(self, content_dir, path):
        """Whether the file the last publish wrote for ``path`` is still there as written (size, mtime)."""
        return not self.moved(content_dir, [path])

    def moved(self, content_dir, paths):
        """Those of ``paths`` whose file is no longer there as the last publish wrote it: gone, of
        another size or mtime, or no longer a regular file of its own (a symbolic link put in its
        place: ``lstat``). One ``lstat`` a path."""
        return _moved(content_dir, self.rows, paths)

    def placed(self, content_dir, path):
        """The file of ``path`` now holds the document (``write``): note its mtime."""
        row = self.rows.get(path)
        if row is not None:
            self.rows[path] = (*row[:3], os.stat(os.path.join(content_dir, path)).st_mtime_ns)

    def finished(self, content_dir, key, paths, assets, checked):
        """A write left the folder holding ``paths`` and its manifest (``left_as_written``), and the
        asset paths ``assets``; ``checked``: it checked every file (``check_due``)."""
        self.left = (key, _identity(os.path.join(content_dir, MANIFEST_NAME)), frozenset(paths))
        self.assets = frozenset(assets)
        self.writes = 0 if checked else self.writes + 1
        self.rows[LEFT] = (key, self.left[1], tuple(sorted(self.assets)))  # (saved: ``WrittenRows``)

    def prune(self, paths):
        """Forget the documents not among ``paths`` (deleted from the folder)."""
        self.rows.prune(paths | {LEFT})
        for path in self.files.keys() - paths:
            del self.files[path]


def _identity(path):
    """What tells one file from another at ``path``, and from itself once changed, or None."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns


@dataclass
class Written:
    manifest: dict  # what content/ now holds (also written to content/.manifest.json)
    written: list  # content paths written
    deleted: list  # content paths deleted
    mirror: object = None  # the Traditional mirror's Written (content-hant/), when it is on
    checked: bool = True  # every file in the folder was checked, not only what changed (``WrittenFiles.check_due``)


def write(content_dir, documents, generated, assets, memo, *, checkpoint=None, progress=None, keys=None):
    """Write the documents (``generated.pages``), the generated listings and files, the files beside
    documents (``generated.attachments``), and the assets
    (``{path: writer}``) into ``content_dir``, remembering in ``memo`` (WrittenFiles) what was written.
    Files not among them are deleted. Calls ``checkpoint("export-write")`` after each file written.
    ``keys``: {path: key} of documents whose maker knows what determines their bytes
    (``WrittenFiles.serialised``).

    What changed since the last write of this process is compared with the file there and written
    when it differs or is not a regular file of its own (a symbolic link is replaced, whatever it
    leads to). What did not change is looked at only by a write that checks every file
    (``WrittenFiles.check_due``), the navigation's pages (``nav_paths``) by every write: a file gone,
    of another size or mtime, or no longer a regular file of its own is then written again. In a new
    process, the rows read back were checked as they were read (``WrittenRows``), and its first write
    checks every file only when they say nothing of the folder or it is not as they say the last write
    left it. An asset is made by its writer when its path holds no regular file of its own (``lstat``:
    a link or a folder there is removed first); a write that does not check every file looks only at
    the assets the last one did not leave.

    The files to delete: when the folder is as the last write (of this process, or the one whose rows
    were read back) left it (``WrittenFiles.left_as_written``), those that write left and this one does
    not (their folders go too once empty); otherwise every file found walking the folder that is not
    among them (and every empty folder): after a write that failed or was killed (in any process),
    when the manifest file was changed by anyone else, or in a new process without such rows."""
    checkpoint = checkpoint or (lambda name: None)
    progress = progress or (lambda stage, done=None, total=None: None)
    content_dir = Path(content_dir)
    key = str(content_dir.resolve())
    todo = {}  # {path: the bytes to write there, or None: those the last publish wrote}
    files = memo.documents(key, generated.pages, todo, keys)
    made = memo.raws(key, generated.files, todo)
    made.update(memo.documents(key, generated.listings, todo, keys))
    beside = memo.raws(key, generated.attachments or {}, todo)
    every = {**files, **made, **beside}  # {path: sha256}

    def data_of(path):
        if path in generated.pages or path in generated.listings:
            return serialise(*(generated.pages.get(path) or generated.listings[path]))
        return generated.files[path] if path in generated.files else generated.attachments[path]

    fsutil.make_dir(content_dir, exist_ok=True)
    left = memo.left_as_written(content_dir, key)
    checked = memo.check_due(left)
    memo.left = None
    (content_dir / WRITING).touch()  # (removed once the manifest is written: a write killed leaves it)
    written, deleted = [], []
    total = len(every) + len(assets)
    if checked:  # what the last publish wrote here, written again if it is no longer there as written
        todo.update((path, None) for path in memo.moved(key, [path for path in every if path not in todo]))
    else:  # the navigation's pages: an incremental build makes them again when their file is newer than its output
        nav = [path for path in nav_paths(generated.nav) if path in every and path not in todo]
        todo.update((path, None) for path in memo.moved(key, nav))
    for done, path in enumerate(sorted(todo), 1):
        data = todo[path]
        if data is None:
            data = data_of(path)
        target = content_dir / path
        progress("write", done, total)
        if target.is_symlink() or not fsutil.holds(target, data):  # (a link is replaced, whatever it leads to)
            fsutil.atomic_write(target, data)
            written.append(path)
            checkpoint("export-write")
        memo.placed(content_dir, path)
    looked_at = assets if checked else assets.keys() - memo.assets
    for done, path in enumerate(sorted(path for path in looked_at if not _regular(key, path)), len(todo) + 1):
        progress("write", done, total)
        assets[path](content_dir / path)
        written.append(path)
        checkpoint("export-write")

    memo.prune(every.keys())
    expected = set(every) | set(assets) | KEEP
    if left is not None:
        deleted = sorted(left - expected)
        fsutil.remove_and_prune(content_dir, deleted)
    else:
        deleted = _walk_out(content_dir, expected)

    made_manifest = manifest.make(documents, pages=files, generated=made, assets=assets, nav=generated.nav,
                                  attachments=beside, previous=memo.entries)
    memo.entries = {name: made_manifest[name] for name in manifest.SECTIONS}
    manifest.write_manifest(content_dir / MANIFEST_NAME, made_manifest)
    memo.finished(content_dir, key, expected - KEEP, assets, checked)
    os.unlink(content_dir / WRITING)
    return Written(manifest=made_manifest, written=written, deleted=sorted(deleted), checked=checked)


def nav_paths(nav):
    """The document paths of the navigation (``Generated.nav``) and the home page: what an incremental
    build reads whatever changed (build.mkdocs_config: its ``nav``)."""
    return ["index.md", *(item["path"] for item in nav or ())]


def _regular(content_dir, path):
    """Whether ``path`` in ``content_dir`` is a regular file of its own (not a link to one); what else
    is there (a link, a folder) is removed."""
    target = os.path.join(content_dir, path)
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return False
    if S_ISREG(mode):
        return True
    if S_ISDIR(mode):
        shutil.rmtree(target)
    else:
        os.unlink(target)
    return False


def _walk_out(content_dir, expected):
    """Delete every file under ``content_dir`` whose relative path is not in ``expected``, and every
    folder left empty. Returns the paths deleted."""
    deleted = []
    top = len(str(content_dir)) + 1
    for folder, _dirs, names in os.walk(content_dir, topdown=False):
        base = folder[top:].replace(os.sep, "/") or "."  # (os.walk joins onto content_dir as given)
        for name in names:
            rel = name if base == "." else f"{base}/{name}"
            if rel not in expected:
                os.unlink(os.path.join(folder, name))
                deleted.append(rel.replace(os.sep, "/"))
        if base != "." and not os.listdir(folder):
            os.rmdir(folder)
    return deleted
