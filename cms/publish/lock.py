"""Advisory file locks the kernel releases when the process dies.

- The publish lock: one publish (or rollback) at a time, whichever worker or command runs it.
- A job's claim: the process running a publish job holds the lock ``.jobs/<claim>.lock`` for as long
  as it runs, and takes it *before* it marks the job running. So a job marked running whose lock is
  free was left by a dead process (see ``PublishJob.recover_interrupted``): no timeout to wait out.
  Like the publish lock, this only tells about processes of this machine (``this_host``).
"""

import fcntl
import os
import socket
import uuid
from contextlib import contextmanager

from .swap import builds_dir


class PublishLocked(Exception):
    pass


@contextmanager
def _flock(path, *, wait=True):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise PublishLocked("另一个发布正在进行。") from None
        yield
    finally:
        os.close(fd)


def publish_lock(*, wait=True):
    return _flock(builds_dir() / ".lock", wait=wait)


def _claim_path(claim):
    return builds_dir() / ".jobs" / f"{claim}.lock"


def new_claim():
    """A fresh claim: this machine and process (shown in 发布记录) and a name for its lock."""
    return f"{this_host()}:{os.getpid()}", uuid.uuid4().hex


def this_host():
    return socket.gethostname()


@contextmanager
def job_lock(claim):
    """Held while a job runs; its file is removed when the job ends. Raises OSError when the builds
    folder cannot be written (read-only, full): then no publish could run either."""
    path = _claim_path(claim)
    path.parent.mkdir(exist_ok=True)
    with _flock(path):
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def job_alive(claim):
    """Is a process of this machine still holding this claim's lock? False once the job has ended or
    its process died."""
    path = _claim_path(claim)
    try:
        fd = os.open(path, os.O_RDONLY)  # (read-only: works on a builds folder remounted read-only)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    try:
        path.unlink(missing_ok=True)  # left behind by a killed process
    except OSError:
        pass
    return False
