"""The scans of the last build that went live, on disk (ScanStore): what verification read from its
pages (verify.Scans) and its survey, kept in one SQLite file of the builds folder so that the next
verification, in this process or a new one, parses and stats only what changed."""

import collections
import contextlib
import json
import os
import sqlite3
from pathlib import Path

from .verify import Scans


class ScanStore:
    """The scans of the last build that went live, shared by every build: one SQLite file in the
    builds folder (``STORE``), a row per page, written only where a page's scan changed.

    Only the scans of a build that passed are kept (``keep``, after its swap): a row reused stands
    for a page that passed every check. A row is keyed by the page's path and holds the file's
    identity, so it serves any build whose page is that very file (hard links: the live build, the
    build of its search index, the next incremental build, a build rolled back to), and a kill at
    any point leaves rows that are true of their files. The rows say which build they were last
    brought in line with; the scans of the last build kept stay in memory too, so the next publish
    of this process reads nothing back (bench/README, "Measurements")."""

    STORE = ".scans.sqlite"

    def __init__(self):
        self.build, self.scans = None, None  # (the build's folder, as a string; its Scans)
        self.ids = None  # {(url, target): its number in the store's ``pairs`` table}, when known

    def clear(self):
        self.build, self.scans, self.ids = None, None, None

    def get(self, build_dir):
        """The scans to start a verification of a build made from ``build_dir`` from: Scans, whose rows
        ``verify`` reuses for the very same files only (empty if none were saved)."""
        build_dir = os.fspath(Path(build_dir).absolute())
        if self.build == build_dir:
            self.scans.site = os.path.join(build_dir, "site")
            return self.scans
        try:
            with contextlib.closing(self._connect(Path(build_dir).parent, create=False)) as db:
                described = _described(db)
                rows = db.execute("SELECT rel, entry FROM scans").fetchall()
                table = _read_pairs(db)
                survey = _read_survey(db) if described == build_dir else None
            pairs = {pair: pair for pair in table.values()}
            scans = Scans((rel, _read_entry(entry, pairs, table)) for rel, entry in rows)
        except (sqlite3.Error, ValueError, KeyError, TypeError, IndexError):  # (no store yet, or a damaged
            # one or row: every page verified, all rows rewritten)
            return Scans()
        scans.pairs = pairs
        self.ids = {pair: number for number, pair in table.items()}
        if survey is not None and survey[1].keys() == scans.keys():
            _take_survey(scans, survey)
            scans.site = os.path.join(build_dir, "site")
        self.build, self.scans = described, scans  # what the file holds, to write only what changes
        return scans

    def keep(self, build_dir, scans):
        """Save a build's scans (once it is live): the rows of the pages whose scan is not the one saved,
        and the removal of those of pages gone; all of them when what is saved is not known here."""
        build_dir = Path(build_dir).absolute()
        try:
            self._write(build_dir, scans)
        except sqlite3.DatabaseError as error:  # not a database (damaged): a new one
            if isinstance(error, sqlite3.OperationalError):  # (a full or read-only disk, a lock: the file is fine)
                raise
            (build_dir.parent / self.STORE).unlink(missing_ok=True)
            self.scans = None
            self._write(build_dir, scans)
        self.build, self.scans = os.fspath(build_dir), scans

    def _write(self, build_dir, scans):
        with contextlib.closing(self._connect(build_dir.parent)) as db:
            db.execute("BEGIN IMMEDIATE")
            if self.scans is not None and self.build == _described(db):
                held = self.scans
                db.executemany("DELETE FROM scans WHERE rel = ?", [(rel,) for rel in held if rel not in scans])
                ids = self.ids if self.ids is not None else {pair: n for n, pair in _read_pairs(db).items()}
            else:
                held, ids = {}, {}
                db.execute("DELETE FROM scans")
                db.execute("DELETE FROM pairs")
            self.ids = None  # (until committed)
            added = []

            def number(pair):
                found = ids.get(pair)
                if found is None:
                    found = ids[pair] = len(ids) + 1
                    added.append((found, *pair))
                return found

            rows = [(rel, json.dumps({**entry, "targets": [number(pair) for pair in entry["targets"]]},
                                     ensure_ascii=False, sort_keys=True))
                    for rel, entry in scans.items() if held.get(rel) is not entry]
            db.executemany("INSERT INTO pairs (id, url, target) VALUES (?, ?, ?)", added)
            db.executemany("INSERT OR REPLACE INTO scans (rel, entry) VALUES (?, ?)", rows)
            _write_survey(db, scans, held if isinstance(held, Scans) else None)
            db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('build', ?)", (os.fspath(build_dir),))
            db.execute("COMMIT")
            self.ids = ids

    def share(self, build_dir, from_build_dir):
        """A build whose pages are the very files of another build (hard links) has its scans too."""
        build_dir, from_build_dir = os.fspath(Path(build_dir).absolute()), os.fspath(Path(from_build_dir).absolute())
        with contextlib.suppress(sqlite3.Error):  # (then the next keep writes every row: slower, as true)
            with contextlib.closing(self._connect(Path(build_dir).parent)) as db:
                db.execute("BEGIN IMMEDIATE")
                if _described(db) == from_build_dir:
                    db.execute("UPDATE meta SET value = ? WHERE name = 'build'", (build_dir,))
                db.execute("COMMIT")
        if self.build == from_build_dir:
            self.build = build_dir

    def _connect(self, builds, create=True):
        path = Path(builds) / self.STORE
        if not create and not path.is_file():
            raise sqlite3.OperationalError("no store")
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS scans (rel TEXT PRIMARY KEY, entry TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS folders (rel TEXT PRIMARY KEY, entry TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS pairs (id INTEGER PRIMARY KEY, url TEXT NOT NULL, target TEXT NOT NULL)")
        return db


def _read_entry(entry, pairs=None, table=None):
    """A scan entry read back from JSON (text or decoded): its targets as tuples again, as ``_scan_page``
    makes them (a pair in a list costs 16 bytes more, and a page has tens of links), each pair the one
    ``pairs`` (a dict, filled here) holds when given: the same links on every page held once. A target
    saved as a number is the pair ``table`` ({number: pair}, ``_read_pairs``) holds. KeyError or
    TypeError: not an entry (a damaged row)."""
    entry = json.loads(entry) if isinstance(entry, str) else entry
    targets = entry["targets"]
    if table is not None and targets and type(targets[0]) is int:
        entry["targets"] = list(map(table.__getitem__, targets))  # (a pair there in a list: TypeError)
    elif pairs is None:
        entry["targets"] = [tuple(pair) for pair in targets]
    else:
        held = pairs.setdefault
        entry["targets"] = [held(pair, pair) for pair in map(tuple, targets)]
    entry["file"], entry["safe"]  # noqa: B018 (what verify reads of every entry: there, or the row is damaged)
    return entry


def _read_pairs(db):
    """{number: (url, target)}: the link pairs the store's rows name by number (each saved once)."""
    return {number: (url, target) for number, url, target in db.execute("SELECT id, url, target FROM pairs")}


# The survey as saved: a row per folder, [inode, ctime_ns, [[name, code], …]]; a name's code says what
# the survey held of it: an inode > 0, a listed file in ``inodes``; < 0 (minus the inode), a file of an
# unlisted folder in ``inodes``; 0, a listed file not in ``inodes`` (a page, a symbolic link); None,
# anything else (a folder, a symbolic link to one).
def _write_survey(db, scans, held):
    """Bring the saved survey in line with ``scans``' (only the folders that changed since ``held``,
    the Scans the rows were last written from, when it has a survey saved), or remove it (no survey)."""
    if scans.folders is None or scans.names is None or scans.surveyed is None:
        db.execute("DELETE FROM folders")
        db.execute("DELETE FROM meta WHERE name = 'survey'")
        return
    saved = db.execute("SELECT value FROM meta WHERE name = 'survey'").fetchone()
    if held is not None and saved is not None and held.folders is not None and held.names is not None:
        # (a folder of the same identity holds the same names: fsutil.Survey.folders)
        changed = {rel for rel, _identity in scans.folders.items() - held.folders.items()}
        # (a folder recorded without its ctime, fsutil's racy rule, may hold other names all the same)
        changed.update(rel for rel, (_inode, ctime, _count) in scans.folders.items() if ctime is None)
        gone = held.folders.keys() - scans.folders.keys()
        db.executemany("DELETE FROM folders WHERE rel = ?", [(rel,) for rel in gone])
    else:
        changed = scans.folders.keys()
        db.execute("DELETE FROM folders")
    files, inodes = scans.files, scans.inodes
    rows = []
    for rel in changed:
        prefix = rel + "/" if rel else ""
        codes = []
        for name in scans.names[rel]:
            path = prefix + name
            inode = inodes.get(path)
            listed = path in files
            codes.append([name, (inode if listed else -inode) if inode is not None else (0 if listed else None)])
        inode, ctime, _count = scans.folders[rel]
        rows.append((rel, json.dumps([inode, ctime, codes], ensure_ascii=False)))
    db.executemany("INSERT OR REPLACE INTO folders (rel, entry) VALUES (?, ?)", rows)
    db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('survey', ?)",
               (json.dumps({"surveyed": scans.surveyed, "partial": scans.partial}),))


def _read_survey(db):
    """(surveyed, {page: None} of the pages the survey lists, files, inodes, folders, names) of the
    survey saved with the rows, or None if none is. ValueError, KeyError or TypeError: a damaged one."""
    saved = db.execute("SELECT value FROM meta WHERE name = 'survey'").fetchone()
    if saved is None:
        return None
    about = json.loads(saved[0])
    files, inodes, folders, names, pages = set(), {}, {}, {}, {}
    for rel, entry in db.execute("SELECT rel, entry FROM folders"):
        inode, ctime, codes = json.loads(entry)
        folders[rel] = (int(inode), None if ctime is None else int(ctime), len(codes))
        names[rel] = tuple(name for name, _code in codes)
        prefix = rel + "/" if rel else ""
        for name, code in codes:
            if code is None:
                continue
            path = prefix + name
            if code >= 0:
                files.add(path)
                if code:
                    inodes[path] = int(code)
                elif path.endswith(".html"):
                    pages[path] = None
            else:
                inodes[path] = -int(code)
    if "" not in folders:
        raise ValueError("no root folder")
    return (str(about["surveyed"]), int(about["partial"])), pages, files, inodes, folders, names


def _take_survey(scans, survey):
    """Give Scans read back from the store the survey saved with them (``_read_survey``)."""
    (scans.surveyed, scans.partial), _pages, scans.files, scans.inodes, scans.folders, scans.names = survey
    scans.counts = collections.Counter(target for entry in scans.values() for _url, target in entry["targets"])


def _described(db):
    """The build (its folder) the store's rows were last brought in line with, or None."""
    row = db.execute("SELECT value FROM meta WHERE name = 'build'").fetchone()
    return row[0] if row else None
