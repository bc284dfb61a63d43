"""One publish at a time: an advisory file lock the kernel releases when the process dies."""

import fcntl
import os
from contextlib import contextmanager

from .swap import builds_dir


class PublishLocked(Exception):
    pass


@contextmanager
def publish_lock(*, wait=True):
    path = builds_dir() / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise PublishLocked("另一个发布正在进行。") from None
        yield
    finally:
        os.close(fd)
