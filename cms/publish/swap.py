"""Builds and the atomic swap.

Each verified build is a complete folder ``<builds>/<id>/`` holding ``site/`` (the web root),
``manifest.json`` and ``mkdocs.yml``. The public folder (KEPU_SITE_DIR) is a symbolic link to the
live build's ``site/``; going live is one ``rename(2)`` of a new link over the old one, so a reader
or a web server sees either the old site or the new one, whole. A killed publish leaves at most an
unfinished ``.staging-*`` folder, which the next publish removes. An old build is renamed
``.deleting-*`` before it is deleted, so a kill mid-delete leaves nothing that looks like a build;
``cleanup`` removes such leftovers (and build folders without a manifest, left by older versions).
The deleting itself (tens of thousands of folders at 10,000 pieces) is done by a thread of its own,
after the rename, so that neither the publish that retired the build nor the next one waits for it.
"""

import json
import os
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cms.sitesearch.index import SEARCH_DIR

from . import fsutil, manifest


def builds_dir():
    path = Path(settings.KEPU_BUILDS_DIR)
    fsutil.make_dir(path, exist_ok=True)
    return path


def site_link():
    return Path(settings.KEPU_SITE_DIR)


def new_build_id():
    """Sortable by time (to the nanosecond): rollback's "previous build" is the next older id."""
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000_000))
    return f"{stamp}.{now % 1_000_000_000:09d}-{secrets.token_hex(2)}"


def staging_dir(build_id):
    return builds_dir() / f".staging-{build_id}"


def list_builds():
    """Complete builds, oldest first."""
    return sorted(
        p.name for p in builds_dir().iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").is_file() and (p / "site").is_dir()
    )


def live_build():
    """The id of the build site/ points to, or None."""
    link = site_link()
    if not link.is_symlink():
        return None
    target = Path(os.path.realpath(link))
    builds = Path(os.path.realpath(builds_dir()))
    if target.name == "site" and target.parent.parent == builds:
        return target.parent.name
    return None


@dataclass(frozen=True)
class Build:
    """A complete build: its id, its folder and the manifest it was built from."""

    id: str
    dir: Path
    manifest: dict

    @property
    def search_dir(self):
        return self.dir / "site" / SEARCH_DIR


def live():
    """The live build, or None (none yet, or one without a readable manifest)."""
    build_id = live_build()
    if build_id is None:
        return None
    found = manifest.read_manifest(builds_dir() / build_id / "manifest.json")
    return Build(build_id, builds_dir() / build_id, found) if found is not None else None


def live_damage():
    """If site/ points at a build whose manifest.json cannot be read (truncated, corrupt, missing):
    a Chinese line saying so and what the publish does about it; else ""."""
    build_id = live_build()
    if build_id is None:
        return ""
    path = builds_dir() / build_id / "manifest.json"
    if manifest.read_manifest(path) is not None:
        return ""
    state = "不存在" if not path.exists() else "已损坏（无法解析，可能被截断）"
    return f"上线构建 {build_id} 的 manifest.json {state}，无法据此增量发布：本次已完整重建全部页面。"


def discard(staging):
    """Remove a staging folder that will not go live."""
    _delete(Path(staging))


def promote(staging, build_id):
    """Turn a verified staging folder into a complete build (an atomic rename)."""
    final = builds_dir() / build_id
    os.chmod(staging, fsutil.DIR_MODE)  # the web server's user goes through it to site/
    os.rename(staging, final)
    fsutil.fsync_dir(builds_dir())
    return final


def activate(build_id):
    """Point site/ at a build, atomically."""
    link = site_link()
    fsutil.make_dir(link.parent, exist_ok=True)
    target = os.path.relpath(builds_dir() / build_id / "site", link.parent)
    temporary = link.parent / f".{link.name}.{build_id}.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(target, temporary)
    if link.exists() and not link.is_symlink():
        # The first publish: site/ is still a plain folder (e.g. only its README). Keep it aside.
        os.rename(link, builds_dir() / f".replaced-{build_id}")
    os.replace(temporary, link)
    fsutil.fsync_dir(link.parent)


SPARE = ".spare-"


def retire(build_id):
    """Keep a build that was a step of a publish (its pages, before their search index) as the
    spare: the next publish brings it up to date in place instead of copying the live build
    (bench/README, "Measurements")."""
    if build_id != live_build():
        for path in builds_dir().glob(f"{SPARE}*"):
            _delete(path)
        os.rename(builds_dir() / build_id, builds_dir() / f"{SPARE}{build_id}")


def keep_spare(staging, build_id):
    """Keep a staging folder that will not go live but holds the live build's files but for what its
    journal (``write_journal``, parent: the live build) names, as the spare, in place of any other."""
    for path in builds_dir().glob(f"{SPARE}*"):
        _delete(path)
    os.rename(staging, builds_dir() / f"{SPARE}{build_id}")


def take_spare(staging):
    """Move the spare build (if any) to ``staging``, with nothing but its ``site/`` left in it (as
    ``take_expiring``). Returns its id, or None. A spare is a folder with a manifest.json file and a
    site/ folder (``retire`` and ``keep_spare`` rename it into place whole); its manifest is not read:
    what is taken from it is its site/, which the caller brings in line and verifies."""
    for path in sorted(builds_dir().glob(f"{SPARE}*"), reverse=True):
        os.rename(path, staging)
        if (staging / "manifest.json").is_file() and (staging / "site").is_dir():
            _strip(staging)
            return path.name[len(SPARE):]
        _delete(staging)
    return None


def take_expiring(staging, keep=None):
    """Move to ``staging`` the oldest complete build that the cleanup after one more build would
    delete (beyond the newest ``keep``, never the live one), with nothing but its ``site/`` left in it:
    a build to bring up to date in place (fsutil.relink_tree) instead of linking a whole new copy.
    Returns its id, or None."""
    keep = settings.KEPU_KEEP_BUILDS if keep is None else keep
    live = live_build()
    others = [b for b in list_builds() if b != live]
    expiring = others[: max(0, len(others) - max(0, keep - 1))]
    if not expiring:
        return None
    os.rename(builds_dir() / expiring[0], staging)
    _strip(staging)
    return expiring[0]


def _strip(staging):
    for path in Path(staging).iterdir():
        if path.name != "site":
            _delete(path) if path.is_dir() else path.unlink()


def cleanup(keep=None, *, spare=True):
    """Remove unfinished staging folders and stale links, and all but the newest ``keep`` builds;
    the spare too unless ``spare`` (a full build shares no files with it: it would save nothing).

    Call only while holding the publish lock. Never removes the live build.
    """
    keep = settings.KEPU_KEEP_BUILDS if keep is None else keep
    builds = builds_dir()
    live = live_build()
    complete = list_builds()
    for path in builds.iterdir():
        if (path.name.startswith((".staging-", DELETING)) or (not spare and path.name.startswith(SPARE))
                or (path.is_dir() and not path.name.startswith(".") and path.name not in complete
                    and path.name != live)):  # half deleted
            _delete(path)
    link = site_link()
    for path in link.parent.glob(f".{link.name}.*.tmp"):
        path.unlink(missing_ok=True)
    for build_id in complete[: max(0, len(complete) - keep)]:
        if build_id != live:
            _delete(builds / build_id)
    wanted = _journals_wanted()
    for path in journal_dir().iterdir():  # (a spool left by a killed publish; journals no chain needs)
        if path.suffix != ".json" or path.stem not in wanted:
            path.unlink(missing_ok=True)


def _journals_wanted():
    """The ids whose journals a chain from a build still held (complete, or the spare) back to the
    oldest held one may pass through: each held build's and its parents', down to the oldest held id
    (ids sort by time). A build taken as the spare, then made into the next build, is gone from the
    folder but its journal links that build to the older ones; a killed build's is on no chain."""
    held = set(list_builds()) | {path.name[len(SPARE):] for path in builds_dir().glob(f"{SPARE}*")}
    if not held:
        return set()
    oldest, wanted = min(held), set()
    for build_id in held:
        at = build_id
        while at and at >= oldest and at not in wanted:
            wanted.add(at)
            found = read_journal(at)
            at = found and found.get("parent")
    return wanted


DELETING = ".deleting-"


def _delete(path):
    """Delete a folder of the builds folder: first renamed out of the builds' names (one rename, at
    once), so that a kill while deleting leaves a ``.deleting-*`` folder the next cleanup removes; then
    deleted by the deleting thread."""
    if not path.name.startswith(DELETING):
        hidden = path.with_name(f"{DELETING}{path.name.lstrip('.')}")
        try:
            os.rename(path, hidden)
        except FileNotFoundError:  # (a staging folder that was never made)
            return
        path = hidden
    _DELETER.add(path)


class _Deleter:
    """One thread per process deleting renamed folders in the order given, started when there is
    something to delete and ended when there is nothing left. Not a daemon: a command that
    published waits for it before its process exits (a killed one leaves ``.deleting-*`` folders)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.paths = []
        self.thread = None

    def add(self, path):
        with self.lock:
            if path not in self.paths:
                self.paths.append(path)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="kepu-delete-builds")
                self.thread.start()

    def _run(self):
        try:
            while True:
                with self.lock:
                    if not self.paths:
                        self.thread = None  # (in the same hold as the check: an add after it starts a thread)
                        return
                    path = self.paths[0]
                try:
                    shutil.rmtree(path, ignore_errors=True)
                finally:
                    with self.lock:
                        self.paths.remove(path)
        except BaseException:  # the next add starts a thread again; a folder left is the next cleanup's
            with self.lock:
                self.thread = None
            raise

    def wait(self):
        """Until every folder handed over so far is deleted (or its deleting failed)."""
        while True:
            with self.lock:
                thread = self.thread
            if thread is None:
                return
            thread.join()


_DELETER = _Deleter()


def wait_deleted():
    """Wait until the old builds this process retired are deleted (tests; a command's end)."""
    _DELETER.wait()


def previous_build(before=None):
    """The newest complete build older than ``before`` (default: the live one)."""
    before = before or live_build()
    older = [b for b in list_builds() if before is None or b < before]
    return older[-1] if older else None


# The journal: what each build changed under site/ against the build it was made from (its parent,
# the live build then), so that a copy of an older build is brought in line with the live one (and a
# build's files surveyed) by looking at those paths only (staging.py, verify.py). One file per build,
# ``<builds>/.journal/<id>.json``: outside the builds, so that ``retire``, ``take_spare`` and
# ``take_expiring`` (which rename builds and strip all but site/) keep it. Written whole (atomic_write)
# before the build is promoted: a kill before that leaves none, and a build without one breaks the
# chain (the full walk, fsutil.relink_tree / fsutil.survey).

JOURNALS = ".journal"


def journal_dir():
    path = builds_dir() / JOURNALS
    fsutil.make_dir(path, exist_ok=True)
    return path


def journal_spool(build_id):
    """The file a build's writers note their paths in while it is made (fsutil.journal)."""
    return journal_dir() / f"{build_id}.spool"


def write_journal(build_id, *, parent, files=(), trees=(), full=False):
    """Save a build's journal: ``parent``, the build it was made from (None for a full build, which
    breaks the chain), and the relative paths under site/ it wrote, replaced or removed (``files``) or
    whose whole folder may differ (``trees``). ``complete`` comes last.

    Written two steps of the file clock (fsutil.CLOCK_STEP_NS) after this call began, so that its time
    (``journal_written``) is at least one step later than every change the build made: the index
    staging's racy rule (staging._changed_since_journal) then takes none of them for another hand's."""
    time.sleep(max(0, 2 * fsutil.CLOCK_STEP_NS) / 1e9)
    data = {"parent": None if full else parent, "full": full, "files": sorted(files), "trees": sorted(trees),
            "complete": True}
    fsutil.atomic_write(journal_dir() / f"{build_id}.json", json.dumps(data, ensure_ascii=False).encode())
    journal_spool(build_id).unlink(missing_ok=True)


def journal_written(build_id):
    """When build ``build_id``'s journal was written (``st_mtime_ns``), or None: Kepu changes nothing
    under a build's site/ after that, so a folder there changed later was changed by another hand."""
    try:
        return os.stat(builds_dir() / JOURNALS / f"{build_id}.json").st_mtime_ns
    except OSError:
        return None


def read_journal(build_id):
    """A build's journal (as ``write_journal`` saved it), or None (none, damaged or not complete)."""
    try:
        data = json.loads((builds_dir() / JOURNALS / f"{build_id}.json").read_bytes())
        if data.get("complete") is not True or not isinstance(data["files"], list) \
                or not isinstance(data["trees"], list):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return data


def journal_since(base, head):
    """(files, trees): what may differ between build ``base``'s site/ and build ``head``'s, the union
    of the journals from ``head`` back through their parents to ``base``; None when that chain is not
    there whole: a journal missing or incomplete, a full build in between, ``base`` not reached within
    ``2 × KEPU_KEEP_BUILDS + 4`` journals or passed (ids sort by time), or ``head`` not the newest build
    (a rollback made an older build live: its journals say nothing of the newer builds). ``base == head``: nothing.
    A ``base`` made from ``head`` (an index build kept as the spare, never promoted): its own journal."""
    if base is None or head is None:
        return None
    files, trees = set(), set()
    if base == head:
        return files, trees
    builds = list_builds()
    if not builds or builds[-1] != head:
        return None
    own = read_journal(base)  # a spare made from ``head`` (pipeline._keep_as_spare): its own journal alone
    if own is not None and not own.get("full") and own.get("parent") == head:
        return set(own["files"]), set(own["trees"])
    at = head
    for _ in range(2 * settings.KEPU_KEEP_BUILDS + 4):  # (two builds a publish whose index follows its pages)
        found = read_journal(at)
        if found is None or found.get("full") or not found.get("parent") or found["parent"] < base:
            return None
        files.update(found["files"])
        trees.update(found["trees"])
        if found["parent"] == base:
            return files, trees
        at = found["parent"]
    return None

