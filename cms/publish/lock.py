"""Advisory file locks the kernel releases when the process dies.

- The publish lock: one publish (or rollback) at a time, whichever worker or command runs it.
- A job's lock: held by the process running that publish job for as long as it runs, so anyone can
  tell a running job from one whose process was killed (see ``PublishJob.recover_interrupted``).
"""

import fcntl
import os
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


def _job_path(job_id):
    folder = builds_dir() / ".jobs"
    folder.mkdir(exist_ok=True)
    return folder / f"{job_id}.lock"


@contextmanager
def job_lock(job_id):
    """Held while a job runs; its file is removed when the job ends."""
    path = _job_path(job_id)
    with _flock(path):
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def job_alive(job_id):
    """Is a process still holding this job's lock? False once the job has ended or its process died."""
    path = _job_path(job_id)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)  # left behind by a killed process
    return False
