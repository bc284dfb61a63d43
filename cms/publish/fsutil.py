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


def write_file(path, data):
    """Write a new file (bytes or text in UTF-8), 0644 whatever the umask. A file already at ``path``
    is unlinked first, never written into: in a build folder it may be a hard link shared with the
    live build or an older one."""
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


@dataclass
class Survey:
    """What one walk of a tree found (``survey``)."""

    files: set  # relative paths ("a/b.html") of the files listed
    keys: dict  # {relative path: [inode, size, mtime_ns]} of the files listed whose name ends with ``keyed``
    unreadable: list  # as ``unreadable``: sorted, folders with a trailing "/"
    inodes: dict = None  # {relative path: inode} of the files (listed or not, not keyed, no links) found readable
    stats: int = 0  # how many entries were stat'ed


def survey(root, *, keyed=None, unlisted=frozenset(), known=None):
    """Walk ``root`` once, a ``stat`` per entry (``os.scandir``): every file's relative path, the
    identity of those whose name ends with ``keyed`` (inode, size, mtime: the same file, as a hard
    link, has the same), and what a web server running as another user could not read (everything,
    followed through symbolic links as a web server would). ``unlisted``: relative paths of folders
    whose files are checked for readability but not listed.

    ``known``: inodes (a set) of files of the same file system found readable by an earlier survey
    and, as far as the caller knows, still linked there since (so not free to be taken by a new
    file): a file that is not a symbolic link and has one of them (its directory entry says, no
    stat) is a file found then, at whatever path, and is not stat'ed again. Its mode is taken to be
    the one found then: a ``chmod`` of that file since is not seen (a survey without ``known`` sees
    it). Folders, keyed files and symbolic links are stat'ed whatever ``known`` holds."""
    root = os.fspath(root)
    files, keys, found, inodes = set(), {}, [], {}
    known = known or frozenset()
    stats = 0
    stack = [(root, "", False)]
    while stack:
        folder, rel, hidden = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
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
                        stack.append((entry.path, path + "/", hidden or path in unlisted))
                    continue
                if not mode & 0o004:
                    found.append(path)
                elif not entry.is_symlink() and (keyed is None or not path.endswith(keyed)):
                    inodes[path] = info.st_ino
                if not hidden:
                    files.add(path)
                    if keyed is not None and path.endswith(keyed):
                        keys[path] = [info.st_ino, info.st_size, info.st_mtime_ns]
    if os.path.isdir(root) and os.stat(root).st_mode & 0o005 != 0o005:
        found.append("./")
    return Survey(files, keys, sorted(found), inodes, stats)


def atomic_write(target, data):
    """Write bytes to a new file and rename it over ``target``: readers see old or new, never half.

    Never truncates the existing file in place, so a hard link to the old file keeps its content.
    """
    target = Path(target)
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
    for rel in rel_paths:
        path = root / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
            parents.add(path.parent)
    for folder in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
