"""What a publish raises when it stops before going live (the site stays as it was), and how a
failure is told to people: in Chinese, naming the file and what to do (``explain``)."""

import errno
import logging
import os
from contextlib import contextmanager

logger = logging.getLogger("kepu.publish")


class ExportError(Exception):
    """The pages cannot be laid out as files: a reserved or duplicate path, a clash with a generated page."""


class BuildError(Exception):
    """MkDocs failed, or warned where a warning means a broken page."""


class VerificationError(Exception):
    """The staging build is not fit to go live; ``problems`` says why, in Chinese, one line each."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("；".join(problems[:10]) + (f"；……共 {len(problems)} 个问题" if len(problems) > 10 else ""))


_PERMISSIONS = "请让运行发布的系统用户（publish_site 与发布进程的用户）可以读写它，例如用 chown 或 chmod"
_OS_ERRORS = {
    errno.ENOSPC: ("磁盘空间不足", "请清理该磁盘（例如用 publish_rollback --list 查看旧构建，或扩大磁盘）"),
    errno.EDQUOT: ("磁盘配额已用完", "请清理该磁盘或提高配额"),
    errno.EROFS: ("文件系统是只读的", "请把它重新挂载为可写"),
    errno.EACCES: ("权限不足", _PERMISSIONS),
    errno.EPERM: ("操作不被允许", _PERMISSIONS),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "请检查 KEPU_BUILDS_DIR、KEPU_SITE_DIR、KEPU_CONTENT_DIR 的设置和该路径"),
    errno.EIO: ("磁盘读写出错", "请检查磁盘"),
}


_WRITING = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}  # the file written is at fault: a copy's target


def explain(error):
    """One Chinese sentence for a failure: for a file-system error, what went wrong, with which file,
    and what to do; otherwise the error's own text. A file-system error wrapped by another (MkDocs's
    build raising it as a BuildError, say) is told as the file-system error it is."""
    cause = _os_error(error)
    if cause is None:
        return str(error) or type(error).__name__
    what, todo = _OS_ERRORS[cause.errno]
    path = cause.filename2 if cause.errno in _WRITING and cause.filename2 else cause.filename
    if path is None and cause.errno in _WRITING:  # a write on an open file: its name is not told
        path = _folder_at_fault(cause.errno)
    where = f"：{path}" if path else ""
    return f"{what}{where}（{cause.strerror or cause}）。{todo}，之后再次发布。"


def _folder_at_fault(code):
    """Which of the folders a publish writes (builds, content) is read-only or, for a full disk, on
    the disk with the least space left (the one that just ran out), or None."""
    from django.conf import settings

    found = {}
    for folder in (settings.KEPU_BUILDS_DIR, settings.KEPU_CONTENT_DIR):
        try:
            stat = os.statvfs(folder)
        except OSError:
            continue
        if code != errno.EROFS:
            found[stat.f_bavail * stat.f_frsize] = folder
        elif stat.f_flag & os.ST_RDONLY:
            return str(folder)
    return str(found[min(found)]) if found else None


def _os_error(error):
    """The file-system error of ``error`` or of what it was raised from, or None."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OSError) and error.errno in _OS_ERRORS:
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


class Unfinished:
    """What failed after the new build went live (the pages are live either way): each ``step`` runs
    one piece of work after the swap and, if it fails, notes what is not done instead of failing the
    publish, which would tell the editor the site had not changed."""

    def __init__(self):
        self.problems = {}  # step key → Chinese line

    @contextmanager
    def step(self, key, what):
        try:
            yield
        except Exception as error:
            logger.exception("发布上线后%s", what)
            self.problems[key] = f"{what}：{explain(error)}"

    def __contains__(self, key):
        return key in self.problems

    def __bool__(self):
        return bool(self.problems)

    def lines(self):
        return list(self.problems.values())
