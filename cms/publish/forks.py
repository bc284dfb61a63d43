"""Work shared out to forked processes, so a full publish uses every core (``KEPU_BUILD_PROCESSES``):
``map`` for a pure function over many items (the mirror's conversion, verification's page scans);
what every forked process does first (``forked``) and how a dead one is named (``died``), which the
MkDocs build's own sharing uses too (mkdocs_plugin/shards.py).
"""

import contextlib
import gc
import os
import pickle
import signal

from .errors import BuildError, ExportError, VerificationError

TOLD = (BuildError, ExportError, VerificationError)  # errors whose message is already for an editor


class ForkFailed(Exception):
    """A forked process's share failed: the message is its error (``TOLD`` errors' own message, others'
    with their type) or, with ``died``, how it ended."""

    def __init__(self, message, *, died=False):
        super().__init__(message)
        self.died = died


def map(function, items, processes, *, per_process):  # noqa: A001 (the builtin's meaning, over processes)
    """``[function(item) for item in items]``, in order, computed by up to ``processes`` processes:
    this one and processes forked from it, item *i* going to process *i* mod *n*, with at least
    ``per_process`` items a process (fewer items: this process alone, nothing forked). Each forked
    process sends its results back pickled through a pipe and ends. ``function`` must be pure: the
    same result in any process, and nothing it changes is seen here.

    A forked process that fails or dies raises ForkFailed once every forked process is reaped; an
    error in this process's own share stops and reaps the others before it propagates. A forked
    process whose parent has gone (killed) stops at its next item."""
    count = max(1, min(int(processes), len(items) // max(1, per_process)))
    if count == 1:
        return [function(item) for item in items]
    children, parent = {}, os.getpid()
    try:
        for index in range(1, count):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # (never returns)
                os.close(read)
                for _pid, other in children.values():
                    os.close(other)
                _share(function, items[index::count], write, parent)
            os.close(write)
            children[index] = (pid, read)
        results = [None] * len(items)
        results[0::count] = [function(item) for item in items[0::count]]
        failures = []
        for index in list(children):
            pid, read = children.pop(index)
            try:
                with os.fdopen(read, "rb") as pipe:
                    data = pipe.read()
            finally:
                _, status = os.waitpid(pid, 0)
            try:
                ok, value = pickle.loads(data)
            except Exception:  # (nothing, or part of a result: it died)
                ok, value = None, died(status)
            if ok:
                results[index::count] = value
            else:
                failures.append((value, ok is None))
        if failures:
            raise ForkFailed(failures[0][0], died=failures[0][1])
        return results
    finally:
        for pid, read in children.values():  # (this process's share failed: the others are stopped)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.close(read)
            os.waitpid(pid, 0)


def _share(function, items, out, parent):
    """In a forked process: compute ``items``, send (ok, results or the error) through ``out``, end."""
    status = 1
    try:
        forked()
        results = []
        for item in items:
            if os.getppid() != parent:  # (the publish was killed: nobody reads what this would send)
                os._exit(1)
            results.append(function(item))
        data, status = pickle.dumps((True, results), pickle.HIGHEST_PROTOCOL), 0
    except BaseException as error:  # (reported to the parent, which raises)
        data = pickle.dumps((False, str(error) if isinstance(error, TOLD) else f"{type(error).__name__}: {error}"))
    try:
        with os.fdopen(out, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(status)


def forked():
    """First thing in a forked process: the collector leaves what it inherited alone (not traversed,
    so not copied page by page; the process ends with ``os._exit``), a signal to stop ends it whatever
    handlers the publishing process has (the publish worker's), and its copies of the lock files'
    descriptors are closed (``*.lock``: cms/publish/lock.py), so that if the publishing process dies
    the locks are free at once, not when the forked ones end (closing a copy releases nothing: the
    publishing process holds them)."""
    gc.freeze()
    for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").endswith(".lock"):
                os.close(int(name))
        except OSError:  # (the listing's own descriptor, closed by now)
            pass


def died(status):
    """How a forked process ended (its wait status), in Chinese."""
    if os.WIFSIGNALED(status):
        return f"子进程被信号 {os.WTERMSIG(status)} 终止"
    return f"子进程异常退出（退出码 {os.waitstatus_to_exitcode(status)}）"
