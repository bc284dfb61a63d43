"""Small file-system helpers: atomic writes, tree hashing."""

import hashlib
import os
import tempfile
from pathlib import Path


def atomic_write(target, data):
    """Write bytes to a new file and rename it over ``target``: readers see old or new, never half.

    Never truncates the existing file in place, so a hard link to the old file keeps its content.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
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
    """
    source, target = Path(source), Path(target)
    for folder, _dirs, files in os.walk(source):
        here = Path(folder)
        out = target / here.relative_to(source)
        out.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(here / name, out / name)


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
