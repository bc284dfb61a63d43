"""What a publish raises when it stops before going live (the site stays as it was), and how a
failure is told to people: in Chinese, naming the file and what to do (``explain``)."""

import errno
import logging
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


def explain(error):
    """One Chinese sentence for a failure: for a file-system error, what went wrong, with which file,
    and what to do; otherwise the error's own text."""
    if isinstance(error, OSError) and error.errno in _OS_ERRORS:
        what, todo = _OS_ERRORS[error.errno]
        where = f"：{error.filename}" if error.filename else ""
        return f"{what}{where}（{error.strerror or error}）。{todo}，之后再次发布。"
    return str(error) or type(error).__name__


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
