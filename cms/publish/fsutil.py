"""Small file-system helpers: atomic writes, tree hashing, the modes of what a build writes.

Everything a publish writes is for a web server that runs as another user (nginx's ``www-data``):
files are 0644 and folders 0755 whatever the process's umask (``FILE_MODE``, ``DIR_MODE``;
``readable_umask`` while a publish runs, explicit modes where a temporary name is made, whose
helpers ignore the umask), and ``unreadable`` lists what a web server could not read.
"""

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FILE_MODE = 0o644
DIR_MODE = 0o755
PUBLISH_UMASK = 0o022


@contextmanager
def readable_umask():
    """Create files 0644 and folders 0755 meanwhile (the umask is the process's: one publish at a
    time runs in a publish worker). MkDocs and its plugins create files with the umask."""
    previous = os.umask(PUBLISH_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def make_dir(path, *, exist_ok=False):
    """``mkdir -p`` whose new folders are 0755 whatever the umask."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=exist_ok)
    for folder in missing:
        os.chmod(folder, DIR_MODE)


def make_temp_dir(parent, prefix):
    """A new empty folder under ``parent`` (``tempfile.mkdtemp`` makes it 0700): 0755."""
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
    os.chmod(folder, DIR_MODE)
    return folder


JOURNAL_FILE, JOURNAL_ROOT = "KEPU_JOURNAL_FILE", "KEPU_JOURNAL_ROOT"


@contextmanager
def journal(root, spool):
    """Meanwhile, what this process and the processes it forks write, replace or remove under ``root``
    (a build's site/ folder) through ``write_file``, ``atomic_write``, ``remove_and_prune`` and ``record``
    is noted in ``spool`` (a file, a line appended per path: ``recorded`` reads it). Kept in the
    environment, so a forked process (a shard of a build, the mirror's build) notes into the same file.
    Whatever changes a file under ``root`` otherwise (``os.link``, ``os.rename``) must ``record`` it."""
    saved = {name: os.environ.get(name) for name in (JOURNAL_FILE, JOURNAL_ROOT)}
    os.environ[JOURNAL_FILE], os.environ[JOURNAL_ROOT] = os.fspath(spool), os.path.abspath(root)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def journal_check():
    """Whether every journal-driven step is checked against the full walk (``KEPU_JOURNAL_CHECK=1`` in
    the environment: the tests' settings set it); a difference raises JournalMismatch."""
    return os.environ.get("KEPU_JOURNAL_CHECK") == "1"


class JournalMismatch(AssertionError):
    """What the journals said differs from what the full walk found (a writer that notes nothing)."""


def record(paths, *, tree=False, base=None):
    """Note ``paths`` (files, or with ``tree`` folders whose whole content may have changed; relative
    to ``base`` if given) in the open ``journal``, those under its root; nothing if none is open."""
    spool = os.environ.get(JOURNAL_FILE)
    if not spool:
        return
    root = os.environ[JOURNAL_ROOT] + os.sep
    lines = []
    for path in [paths] if isinstance(paths, str | os.PathLike) else paths:
        path = os.path.abspath(os.path.join(base, path) if base is not None else path)
        if path.startswith(root):
            lines.append(("t " if tree else "f ") + path[len(root):].replace(os.sep, "/") + "\n")
    if lines:
        with open(spool, "a", encoding="utf-8") as handle:  # (O_APPEND: whole lines from any process)
            handle.write("".join(lines))


def recorded(spool):
    """(files, trees): the relative paths noted in ``spool`` by ``record`` (sets; empty if none)."""
    files, trees = set(), set()
    with contextlib.suppress(FileNotFoundError), open(spool, encoding="utf-8") as handle:
        for line in handle:
            kind, _, rel = line.rstrip("\n").partition(" ")
            (trees if kind == "t" else files).add(rel)
    return files, trees


def write_file(path, data):
    """Write a new file (bytes or text in UTF-8), 0644 whatever the umask. A file already at ``path``
    is unlinked first, never written into: in a build folder it may be a hard link shared with the
    live build or an older one."""
    record(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with naming(path), os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)
        handle.write(data)


def holds(path, data):
    """Whether the file at ``path`` holds exactly ``data`` (bytes; False when it is not there)."""
    try:
        return os.stat(path).st_size == len(data) and Path(path).read_bytes() == data
    except OSError:
        return False


@contextmanager
def naming(path):
    """Give an OSError raised on an open file (a write or close failing with ENOSPC, say, which the
    system reports without a name) the file's path, so that errors.explain can say which one."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            error.filename = str(path)
        raise


def unreadable(root):
    """Paths under ``root`` (relative, sorted) that a web server running as another user could not
    read: a file without read permission for others, a folder without read and search for them."""
    return survey(root).unreadable


def _clock_step_ns():
    """The step of the clock the kernel dates files by (its coarse real-time clock: the tick), in ns;
    10 ms where it cannot be read (no such clock)."""
    try:
        return max(1, int(time.clock_getres(_CLOCK_REALTIME_COARSE) * 1_000_000_000))
    except (AttributeError, OSError):
        return 10_000_000


_CLOCK_REALTIME_COARSE = 5  # (Linux's clock id; Python names no constant for it)
# A file system's clock may be coarse (file times in steps of the kernel's tick before Linux 6.13): a
# name added to a folder within the same step as its last change leaves the folder's ctime as it was.
CLOCK_STEP_NS = _clock_step_ns()


def _folder_identity(info, trusted):
    """(inode, ctime_ns) of a folder as a survey records it; ctime None when later than ``trusted``
    (the survey's start less one clock step): a name added in the same step as the last change found
    would not move it (git's "racy" entries), so such a folder is listed again by the next resurvey."""
    return info.st_ino, info.st_ctime_ns if info.st_ctime_ns <= trusted else None


@dataclass
class Survey:
    """What one walk of a tree found (``survey``)."""

    files: set  # relative paths ("a/b.html") of the files listed
    keys: dict  # {relative path: [inode, size, mtime_ns]} of the files listed whose name ends with ``keyed``
    unreadable: list  # as ``unreadable``: sorted, folders with a trailing "/"
    inodes: dict = None  # {relative path: inode} of the files (listed or not, not keyed, no links) found readable
    stats: int = 0  # how many entries were stat'ed
    # {relative path ("" for the root): (inode, ctime_ns, number of entries)} of every folder walked (not
    # a symbolic link to one): a folder whose inode and ctime are the same later holds the same names
    # (ctime None: changed too close to the survey to tell, _folder_identity)
    folders: dict = None
    names: dict = None  # {relative path of a folder in ``folders``: tuple of the names it holds}


def survey(root, *, keyed=None, unlisted=frozenset(), known=None):
    """Walk ``root`` once, a ``stat`` per entry (``os.scandir``): every file's relative path, the
    identity of those whose name ends with ``keyed`` (inode, size, mtime: the same file, as a hard
    link, has the same), what a web server running as another user could not read (everything,
    followed through symbolic links as a web server would) and each folder's identity (``folders``).
    ``unlisted``: relative paths of folders whose files are checked for readability but not listed.

    ``known``: inodes (a set) of files of the same file system found readable by an earlier survey
    and, as far as the caller knows, still linked there since (so not free to be taken by a new
    file): a file that is not a symbolic link and has one of them (its directory entry says, no
    stat) is a file found then, at whatever path, and is not stat'ed again. Its mode is taken to be
    the one found then: a ``chmod`` of that file since is not seen (a survey without ``known`` sees
    it). Folders, keyed files and symbolic links are stat'ed whatever ``known`` holds."""
    root = os.fspath(root)
    files, keys, found, inodes, folders, names = set(), {}, [], {}, {}, {}
    known = known or frozenset()
    stats = 0
    trusted = time.time_ns() - CLOCK_STEP_NS
    top = os.stat(root)
    stack = [(root, "", False, _folder_identity(top, trusted))]
    while stack:
        folder, rel, hidden, identity = stack.pop()
        count = 0
        here = []
        with os.scandir(folder) as entries:
            for entry in entries:
                count += 1
                here.append(entry.name)
                path = rel + entry.name
                if entry.inode() in known and entry.is_file(follow_symlinks=False) and (
                        keyed is None or not path.endswith(keyed)):
                    if not hidden:
                        files.add(path)
                    inodes[path] = entry.inode()
                    continue
                info = entry.stat(follow_symlinks=True)
                stats += 1
                mode = info.st_mode
                if stat.S_ISDIR(mode):
                    if mode & 0o005 != 0o005:
                        found.append(path + "/")
                    if not entry.is_symlink():
                        stack.append((entry.path, path + "/", hidden or path in unlisted,
                                      _folder_identity(info, trusted)))
                    continue
                if not mode & 0o004:
                    found.append(path)
                elif not entry.is_symlink() and (keyed is None or not path.endswith(keyed)):
                    inodes[path] = info.st_ino
                if not hidden:
                    files.add(path)
                    if keyed is not None and path.endswith(keyed):
                        keys[path] = [info.st_ino, info.st_size, info.st_mtime_ns]
        folders[rel[:-1]] = (*identity, count)
        names[rel[:-1]] = tuple(here)
    if top.st_mode & 0o005 != 0o005:
        found.append("./")
    return Survey(files, keys, sorted(found), inodes, stats, folders, names)


def atomic_write(target, data):
    """Write bytes to a new file and rename it over ``target``: readers see old or new, never half.

    Never truncates the existing file in place, so a hard link to the old file keeps its content.
    """
    target = Path(target)
    record(target)
    make_dir(target.parent, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with naming(target), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def tree_digest(root):
    """sha256 over the relative paths and bytes of every file under ``root`` (sorted)."""
    root = Path(root)
    digest = hashlib.sha256()
    if not root.exists():
        return digest.hexdigest()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def link_tree(source, target):
    """A copy of ``source`` at ``target`` whose files are hard links (fast, no extra space).

    Whoever writes into ``target`` afterwards must replace files, never write into them: a write
    into a linked file would change the same bytes under ``source`` (see ``replace_on_write``).
    Folders are made 0755. Plain strings and ``os.scandir``: at 10,000 pieces a build holds ~180,000
    files, and pathlib's objects cost more than the links (bench/README, "Measurements").
    """
    make_dir(target, exist_ok=True)
    stack = [(os.fspath(source), os.fspath(target))]
    while stack:
        here, out = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                made = out + os.sep + entry.name
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(made, DIR_MODE)
                    os.chmod(made, DIR_MODE)  # (mkdir's mode is masked by the umask)
                    stack.append((entry.path, made))
                else:
                    os.link(entry.path, made)


def relink_tree(source, target, *, similar=None, checkpoint=None):
    """Bring ``target``, an older copy of ``source`` made by ``link_tree``, in line with it: the same
    names, every file a hard link to ``source``'s file of that name, nothing else. A file still linked
    to the same one (same device and inode) is left alone, so the cost is a stat per file and a link
    per file that changed, not a link per file. Returns the number of files linked.

    ``similar(rel, stale)``: for a folder of ``source`` (``rel``, its path relative to ``source``,
    with "/") that ``target`` lacks, the name of one of ``stale`` (the folders beside it in
    ``target`` that ``source`` lacks: real folders, never files, symlinks or hidden names such as
    ``.tmp-*``) holding much the same files, or None. That folder is renamed to the new name and
    brought in line (a folder named by a digest of its content, renamed whenever a file in it
    changes, so costs a stat per file rather than a link per file). Without it, or when it returns
    None or a name not among ``stale``, the folder is made and every file in it linked, and the
    stale folder removed. ``checkpoint("relink-renamed")`` is called after each such rename (tests
    stop the process there: a target left half in line is a staging folder, never promoted)."""
    linked = 0
    root = os.fspath(source)
    stack = [(root, os.fspath(target))]
    while stack:
        here, out = stack.pop()
        with os.scandir(out) as entries:
            old = {entry.name: entry for entry in entries}
        with os.scandir(here) as entries:
            entries = list(entries)
        stale = None
        for entry in entries:
            made = out + os.sep + entry.name
            have = old.pop(entry.name, None)
            if entry.is_dir(follow_symlinks=False):
                if have is not None and not have.is_dir(follow_symlinks=False):
                    os.unlink(made)
                    have = None
                if have is None and similar is not None:
                    if stale is None:
                        stale = _stale_folders(entries, old)
                    like = similar(entry.path[len(root) + 1:].replace(os.sep, "/"), list(stale)) if stale else None
                    if like is not None and like in stale:
                        os.rename(stale.pop(like).path, made)
                        del old[like]
                        have = True
                        if checkpoint is not None:
                            checkpoint("relink-renamed")
                if have is None:
                    os.mkdir(made, DIR_MODE)
                    os.chmod(made, DIR_MODE)
                stack.append((entry.path, made))
                continue
            if have is not None:
                mine, theirs = have.stat(follow_symlinks=False), entry.stat(follow_symlinks=False)
                if (mine.st_ino, mine.st_dev) == (theirs.st_ino, theirs.st_dev):
                    continue
                _remove(have)
            os.link(entry.path, made)
            linked += 1
        for entry in old.values():  # not in source
            _remove(entry)
    return linked


def _stale_folders(entries, old):
    """{name: entry} of the real folders in ``old`` (a target folder's entries) whose names none of
    ``entries`` (the source folder's) has, hidden ones (``.tmp-*``) left out, by name."""
    names = {entry.name for entry in entries}
    return {name: entry for name, entry in sorted(old.items())
            if name not in names and not name.startswith(".") and entry.is_dir(follow_symlinks=False)}


def _remove(entry):
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def remove_and_prune(root, rel_paths):
    """Delete files under ``root`` and then any folders the deletions left empty."""
    root = Path(root)
    parents = set()
    rel_paths = list(rel_paths)
    record(rel_paths, base=root)
    for rel in rel_paths:
        path = root / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
            parents.add(path.parent)
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def relink_paths(source, target, files, trees, *, similar=None, checkpoint=None):
    """``relink_tree`` of only what may differ: ``target``, a copy of an older ``source`` (made by
    ``link_tree``/``relink_tree``), brought in line with it where ``files`` (relative paths) and
    ``trees`` (relative folders, whole) may differ, the rest taken to be the same already (the journals
    of the builds between them say so: swap.journal_since). A path ``source`` lacks is removed from
    ``target`` with the folders that leaves empty and ``source`` lacks; a file is hard-linked unless
    it is already the same file; a folder (a tree, or a file become a folder) is brought in line by
    ``relink_tree`` (``similar`` given paths relative to ``source``). Returns the number of paths
    looked at (a stat each, at most a link each).

    A tree ``target`` lacks is made, as in ``relink_tree``, from a tree beside it that ``source``
    lacks when ``similar`` pairs them (the index's folders named by their content: renamed, then
    brought in line, rather than linked whole and the other removed)."""
    source, target = os.fspath(source), os.fspath(target)
    if similar is not None:
        _rename_similar(source, target, trees, similar, checkpoint)
    done = 0
    for rel in sorted(trees):
        _relink_path(source, target, rel, similar, checkpoint)
        done += 1
    under = tuple(rel + "/" for rel in trees)
    for rel in sorted(files):
        if not rel.startswith(under):
            _relink_path(source, target, rel, similar, checkpoint)
            done += 1
    return done


def _rename_similar(source, target, trees, similar, checkpoint):
    def real_dir(path):
        return os.path.isdir(path) and not os.path.islink(path)

    gone = {}  # {parent: [names]}: trees target holds and source does not
    for rel in sorted(trees):
        if real_dir(os.path.join(target, rel)) and not os.path.lexists(os.path.join(source, rel)):
            parent, _, name = rel.rpartition("/")
            if not name.startswith("."):
                gone.setdefault(parent, []).append(name)
    for rel in sorted(trees):
        parent, _, name = rel.rpartition("/")
        names = gone.get(parent)
        if not names or not real_dir(os.path.join(source, rel)) or os.path.lexists(os.path.join(target, rel)):
            continue
        like = similar(rel, list(names))
        if like in names:
            names.remove(like)
            os.rename(os.path.join(target, parent, like), os.path.join(target, rel))
            if checkpoint is not None:
                checkpoint("relink-renamed")


def _relink_path(source, target, rel, similar, checkpoint):
    mine, made = os.path.join(source, rel), os.path.join(target, rel)
    try:
        info = os.lstat(mine)
    except FileNotFoundError:
        info = None
    try:
        have = os.lstat(made)
    except FileNotFoundError:
        have = None
    except NotADirectoryError:  # (a parent is a file in target)
        have = None
    if info is None:
        if have is not None:
            shutil.rmtree(made) if stat.S_ISDIR(have.st_mode) else os.unlink(made)
        folder = os.path.dirname(made)
        while len(folder) > len(target) and os.path.isdir(folder) and not os.listdir(folder) \
                and not os.path.lexists(os.path.join(source, os.path.relpath(folder, target))):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
        return
    _make_parents(target, rel)
    if stat.S_ISDIR(info.st_mode):
        if have is not None and not stat.S_ISDIR(have.st_mode):
            os.unlink(made)
            have = None
        if have is None:
            os.mkdir(made, DIR_MODE)
            os.chmod(made, DIR_MODE)
        prefix = rel + "/"
        relink_tree(mine, made, checkpoint=checkpoint,
                    similar=None if similar is None else lambda sub, stale: similar(prefix + sub, stale))
        return
    if have is not None:
        if (have.st_ino, have.st_dev) == (info.st_ino, info.st_dev):
            return
        shutil.rmtree(made) if stat.S_ISDIR(have.st_mode) else os.unlink(made)
    os.link(mine, made)


def _make_parents(target, rel):
    """The folders of ``rel`` under ``target`` (0755), a file in their way removed."""
    folder = target
    for part in rel.split("/")[:-1]:
        folder = os.path.join(folder, part)
        try:
            if stat.S_ISDIR(os.lstat(folder).st_mode):
                continue
            os.unlink(folder)
        except FileNotFoundError:
            pass
        os.mkdir(folder, DIR_MODE)
        os.chmod(folder, DIR_MODE)


def tree_differences(source, target):
    """Relative paths (sorted; folders with a trailing "/") where ``target`` is not a copy of
    ``source`` made of hard links: a name one has and the other lacks, a folder against a file, a
    file that is not the same file (device and inode). Changes nothing (the journal's check)."""

    def walk(root):
        found, stack = {}, [(os.fspath(root), "")]
        while stack:
            folder, rel = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        found[rel + entry.name + "/"] = None
                        stack.append((entry.path, rel + entry.name + "/"))
                    else:
                        info = entry.stat(follow_symlinks=False)
                        found[rel + entry.name] = (info.st_ino, info.st_dev)
        return found

    mine, theirs = walk(source), walk(target)
    return sorted(rel for rel in mine.keys() | theirs.keys() if mine.get(rel, 0) != theirs.get(rel, 0))


def resurvey(root, previous, files, trees, *, keyed=None, unlisted=frozenset(), known=None):
    """``survey(root, keyed=…, unlisted=…)`` worked out from ``previous`` (a Survey of the build
    ``root`` was made from, with its ``inodes`` and ``folders``) and what changed since (``files``,
    ``trees``: the journals' relative paths, swap.journal_since): those paths are stat'ed (trees walked
    whole, with ``known`` as ``survey``'s), and so is every file ending with ``keyed`` (the pages: their
    identity and mode, whoever changed them) and every folder. A folder is listed (its names, no stat
    per name) when it holds a path the journals name or its inode or ctime is not the one ``previous``
    found (a name added, removed or replaced in it since, by any hand: the system sets a folder's ctime,
    no one can set it back; but a coarse file-system clock, before Linux 6.13, can give a change within
    the same few milliseconds as the previous one the same ctime). A listed folder's names must be the
    ones ``previous`` found, each the very file it found (its inode, from the folder) but for the paths
    the journals name and the folders made for them; anything else (a page or file added, removed or
    replaced behind the journals' back) and the whole tree is walked instead: the result is
    ``survey``'s (with ``journal_check()``, JournalMismatch is raised instead: in the tests, a writer
    of Kepu's that notes nothing). Not seen (as by a ``survey`` with ``known``): the mode of a file
    other than a page ``chmod``-ed since, or a file other than a page written into in place.

    A tree the journals name is brought in line the same way, the journals saying nothing of what is
    in it: each of its folders stat'ed, those whose identity changed (or that are new) listed and each
    of their names stat'ed, the others' names and files taken from ``previous``. ``known`` (a set, or a
    callable returning one) serves only the walk made instead."""
    if previous.folders is None or previous.names is None:
        return survey(root, keyed=keyed, unlisted=unlisted, known=known() if callable(known) else known)
    root = os.fspath(root)
    trusted = time.time_ns() - CLOCK_STEP_NS
    hidden_under = tuple(folder + "/" for folder in unlisted)
    touched = set(trees) | set(files)
    below = tuple(rel + "/" for rel in trees)

    def kept(rel):  # a path the journals do not name
        return rel not in touched and not rel.startswith(below)

    def walk_instead(folder):
        if journal_check():
            raise JournalMismatch(f"folder {folder or '.'!r} holds names the journals do not explain")
        return survey(root, keyed=keyed, unlisted=unlisted, known=known() if callable(known) else known)

    # (set and dict operations in C: these hold every file of the site)
    listed = previous.files - touched
    keys = previous.keys.copy()
    inodes = previous.inodes.copy()
    for rel in touched:
        keys.pop(rel, None)
        inodes.pop(rel, None)
    found = [rel for rel in previous.unreadable
             if not rel.endswith("/") and kept(rel) and rel not in keys]
    folders = {}  # {folder: (inode, ctime_ns, names)} of this tree
    names = {}  # {folder: its names}
    stats = 0
    above = {""} if touched else set()  # the folders holding a path the journals name
    fresh = set()  # keyed files stat'ed below
    named = {}  # {folder: how many of the names previous found in it the journals name}
    in_trees = set()  # the folders previous found in the trees
    moved = None  # {(inode, ctime_ns): folder} of the folders previous found in the trees (made when needed)

    def tree_folders(rel):  # the folders previous found at and below ``rel`` (from its names, top down)
        found_here, stack = [], [rel] if rel in previous.folders else []
        while stack:
            folder = stack.pop()
            found_here.append(folder)
            stack.extend(sub for sub in (folder + "/" + name for name in previous.names[folder])
                         if sub in previous.folders)
        return found_here

    def forget(before, same=frozenset()):  # drop what previous found in ``before``'s folders, but ``same``'s
        for folder in before:
            if folder not in same:
                for name in previous.names[folder]:
                    path = folder + "/" + name
                    listed.discard(path)
                    keys.pop(path, None)
                    inodes.pop(path, None)

    def tree(rel, info):
        """Bring the survey in line with tree ``rel`` (a real folder: ``info``), the journals saying
        nothing of what is in it: every folder stat'ed, one whose identity is the one previous found
        holds the names it found (the very files: a name replaced changes its folder's ctime); any
        other folder listed and each of its names stat'ed but for a file that is the very one
        previous found at that path (its inode, from the folder). Returns the stats made, or None (walk)."""
        before = tree_folders(rel)
        in_trees.update(before)
        inside = set()  # folders holding a path the journals name (listed)
        for path in touched:
            if path.startswith(rel + "/"):
                parent = path.rpartition("/")[0]
                while len(parent) > len(rel) and parent not in inside:
                    inside.add(parent)
                    parent = parent.rpartition("/")[0]
                inside.add(rel)
        nonlocal moved
        if moved is None:
            moved = {previous.folders[folder][:2]: folder for tree_rel in trees for folder in tree_folders(tree_rel)}
        made = 0
        same, add_listed, add_keys, add_inodes, add_found = set(), set(), {}, {}, []
        stack = [(rel, info)]
        while stack:
            folder, info = stack.pop()
            if info.st_mode & 0o005 != 0o005:
                add_found.append(folder + "/")
            was = previous.folders.get(folder)
            prefix = folder + "/"
            if was is not None and was[:2] == (info.st_ino, info.st_ctime_ns) and folder not in inside:
                same.add(folder)
                source = folder
            else:
                # A folder renamed whole (the index's folders are named by their content): the same
                # folder (inode) whose names did not change (ctime) holds what previous found in it.
                source = moved.get((info.st_ino, info.st_ctime_ns)) if folder not in inside else None
                if source is not None and (source == folder or folder.startswith(hidden_under) !=
                                           source.startswith(hidden_under) or any(
                                               each.startswith(source + "/") for each in previous.unreadable)):
                    source = None
            if source is not None:
                was = previous.folders[source]
                folders[folder], names[folder] = (*_folder_identity(info, trusted), was[2]), previous.names[source]
                for name in previous.names[source]:
                    old, path = source + "/" + name, prefix + name
                    if old in previous.folders:
                        try:
                            sub = os.lstat(root + "/" + path)
                        except OSError:
                            return None  # (gone from a folder whose names did not change: not a survey's)
                        made += 1
                        if not stat.S_ISDIR(sub.st_mode):
                            return None
                        stack.append((path, sub))
                    elif source != folder:
                        if old in previous.keys or (old not in previous.inodes and old not in previous.files):
                            return None  # (a page or a symbolic link: not moved here unseen)
                        if old in previous.inodes:
                            add_inodes[path] = previous.inodes[old]
                        if old in previous.files:
                            add_listed.add(path)
                continue
            here = []
            with os.scandir(root + "/" + folder) as entries:
                for entry in entries:
                    here.append(entry.name)
                    path = prefix + entry.name
                    if (inode := previous.inodes.get(path)) is not None and inode == entry.inode() and \
                            entry.is_file(follow_symlinks=False) and (keyed is None or not path.endswith(keyed)):
                        add_inodes[path] = inode  # (the very file found there, as ``_names_kept`` takes it)
                        if not path.startswith(hidden_under):
                            add_listed.add(path)
                        continue
                    found_info = entry.stat(follow_symlinks=True)
                    made += 1
                    mode = found_info.st_mode
                    if stat.S_ISDIR(mode):
                        if entry.is_symlink():
                            if mode & 0o005 != 0o005:
                                add_found.append(path + "/")
                        else:
                            stack.append((path, found_info))
                        continue
                    if not mode & 0o004:
                        add_found.append(path)
                    elif not entry.is_symlink() and (keyed is None or not path.endswith(keyed)):
                        add_inodes[path] = found_info.st_ino
                    if not path.startswith(hidden_under):
                        add_listed.add(path)
                        if keyed is not None and path.endswith(keyed):
                            add_keys[path] = [found_info.st_ino, found_info.st_size, found_info.st_mtime_ns]
            folders[folder], names[folder] = (*_folder_identity(info, trusted), len(here)), tuple(here)
        forget(before, same)
        found.extend(each for each in previous.unreadable if not each.endswith("/")
                     and each.rpartition("/")[0] in same and each not in touched)
        listed.update(add_listed)
        keys.update(add_keys)
        fresh.update(add_keys)
        inodes.update(add_inodes)
        found.extend(add_found)
        return made

    for rel in sorted(touched):
        if rel.startswith(below):
            continue
        parent = rel.rpartition("/")[0]
        if rel in previous.folders or rel in previous.files or rel in previous.inodes:
            named[parent] = named.get(parent, 0) + 1
        while parent and parent not in above:
            above.add(parent)
            parent = parent.rpartition("/")[0]
        path = os.path.join(root, rel)
        try:
            info = os.stat(path)
            link = os.path.islink(path)
        except (FileNotFoundError, NotADirectoryError):
            info = None
        if (info is None or link or not stat.S_ISDIR(info.st_mode)) and rel in trees:
            gone = tree_folders(rel)  # (what previous found in it is no longer there)
            in_trees.update(gone)
            forget(gone)
        if info is None:
            continue
        stats += 1
        hidden = rel.startswith(hidden_under)
        if stat.S_ISDIR(info.st_mode):
            if link:
                if info.st_mode & 0o005 != 0o005:
                    found.append(rel + "/")
                continue
            made = tree(rel, info)
            if made is None:
                return walk_instead(rel)
            stats += made
            continue
        if not info.st_mode & 0o004:
            found.append(rel)
        elif not link and (keyed is None or not rel.endswith(keyed)):
            inodes[rel] = info.st_ino
        if not hidden:
            listed.add(rel)
            if keyed is not None and rel.endswith(keyed):
                keys[rel] = [info.st_ino, info.st_size, info.st_mtime_ns]
                fresh.add(rel)
    for rel in [rel for rel in keys if rel not in fresh]:  # every page, whoever changed it
        try:
            info = os.stat(root + "/" + rel)
        except (FileNotFoundError, NotADirectoryError):
            listed.discard(rel)
            del keys[rel]
            continue
        stats += 1
        if not info.st_mode & 0o004:
            found.append(rel)
        keys[rel] = [info.st_ino, info.st_size, info.st_mtime_ns]
    # Every folder: stat'ed; listed when it changed or holds a path the journals name.
    changed = []
    candidates = previous.folders.keys() - touched - in_trees
    for folder in candidates | above:
        try:
            info = os.lstat(root + "/" + folder if folder else root)
        except (FileNotFoundError, NotADirectoryError):
            if folder in previous.folders and folder not in above:
                return walk_instead(folder)  # gone behind the journals' back
            parent = folder.rpartition("/")[0]  # (emptied of what the journals name, and pruned)
            named[parent] = named.get(parent, 0) + (folder in previous.folders)
            continue
        stats += 1
        if not stat.S_ISDIR(info.st_mode):
            return walk_instead(folder)
        if info.st_mode & 0o005 != 0o005:
            found.append(folder + "/" if folder else "./")
        was = previous.folders.get(folder)
        if folder in above or was is None or was[:2] != (info.st_ino, info.st_ctime_ns):
            changed.append((folder, info))
        else:
            folders[folder] = was
            names[folder] = previous.names[folder]
    for folder, info in changed:
        others = _names_kept(root, folder, previous, touched, above)
        expected = (previous.folders[folder][2] if folder in previous.folders else 0) - named.get(folder, 0)
        if others is None or others[0] != expected:
            return walk_instead(folder)
        folders[folder] = (*_folder_identity(info, trusted), len(others[1]))
        names[folder] = others[1]
    return Survey(listed, keys, sorted(set(found)), inodes, stats, folders, names)


def _names_kept(root, folder, previous, touched, above):
    """(how many of ``folder``'s names are ones ``previous`` found there and the journals do not name,
    the names it holds), or None if one is neither such a name, still the very file or folder
    found then, nor one the journals name (``touched``) or a folder made for one (``above``)."""
    prefix = folder + "/" if folder else ""
    kept = 0
    here = []
    with os.scandir(os.path.join(root, folder) if folder else root) as entries:
        for entry in entries:
            here.append(entry.name)
            rel = prefix + entry.name
            if rel in touched:
                continue
            if entry.is_dir(follow_symlinks=False):
                if rel in previous.folders:
                    kept += 1  # (stat'ed, and listed if changed, in its own right)
                elif rel not in above:
                    return None
                continue
            if not entry.is_file(follow_symlinks=False):
                return None  # a symbolic link, or anything else
            if rel in previous.keys:
                kept += 1  # (a page: stat'ed in any case)
            elif previous.inodes.get(rel) == entry.inode():
                kept += 1
            else:
                return None
    return kept, tuple(here)
