"""The pages of one MkDocs build split across processes (``KEPU_BUILD_PROCESSES``).

The build process reads the configuration, lists the files and makes the navigation once; then
(the plugin's ``on_nav``) it forks the other processes, and each process, itself included, reads,
renders and writes only its share of the pages to build (page *i* of the list goes to process
*i* mod *n*). The others stay in ``files`` as excluded pages, as in an incremental build: links to
them are written as usual, and nothing of theirs is held or written by this process. The build
process (shard 0) alone copies the static files, writes the theme's static templates and runs
``on_post_build``, so no file is written by two processes.

A process of its own costs a fork and the copy-on-write faults of what it touches afterwards, and
saves half the pages it takes over: a build shares out only ``PAGES_PER_PROCESS`` pages or more a
process (an approval's incremental build, a preview, stays in one process).

A forked process never returns to its caller: ``build.run_mkdocs`` calls ``exit`` once MkDocs is
done or has failed, which sends what it logged and wrote (JSON, through a pipe) and ends it with
``os._exit``. The build process reads each one's report and reaps it (``gather``: a failure or a
process that died fails the build), or kills and reaps them all when its own share failed
(``stop``). A forked process whose parent has gone stops at its next page.

A whole build run in a forked process beside another (the Traditional mirror's beside the Simplified
one: build.run_jobs) stops at its next page if the process that started it has gone (``Shards(parent=…)``).
"""

import json
import os
import signal

from mkdocs.structure.files import InclusionLevel

from ..forks import died, forked

PAGES_PER_PROCESS = 100


class ShardFailed(Exception):
    """Another process's share of the build failed (the message is its error, or how it died)."""


class Shards:
    def __init__(self, processes=1, warnings=None, parent=None):
        """``parent``: in a build run beside another in a forked process (build.run_jobs), the pid of
        the process that started it."""
        self.processes = max(1, int(processes))
        self.warnings = warnings if warnings is not None else []  # this process's logged warnings (a list it shares)
        self.index, self.count = 0, 1  # this process's share, of how many
        self.children = {}  # pid → read end of its pipe (in the build process)
        self._out = None  # write end of the pipe to the build process (in a forked one)
        self._parent = os.getpid()
        self._watched = parent  # the process whose end stops this one (check_parent)

    @property
    def forked(self):
        """This is a process the build forked (its share only; never returns to the caller)."""
        return self._out is not None

    @property
    def primary(self):
        return self.index == 0

    def share(self, pages):
        """Fork the processes for ``pages`` (the pages this build reads and writes) and mark every page
        not of this process's share excluded."""
        count = max(1, min(self.processes, len(pages) // PAGES_PER_PROCESS))
        for index in range(1, count):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                forked()
                os.close(read)
                for other in self.children.values():
                    os.close(other)
                self.children, self._out, self.index, self._watched = {}, write, index, self._parent
                self.warnings.clear()  # the build process's own, already counted there
                break
            os.close(write)
            self.children[pid] = read
        self.count = count
        for number, file in enumerate(pages):
            if number % count != self.index:
                file.inclusion = InclusionLevel.EXCLUDED

    def check_parent(self):
        """In a forked process: stop if the build process (or the process a build beside it was started
        by) has gone (killed: its staging folder is not for anyone to write into any more)."""
        if self._watched is not None and os.getppid() != self._watched:
            os._exit(1)

    def exit(self, written, error=None):
        """In a forked process: report to the build process and end. Never returns."""
        status = 1 if error is not None else 0
        try:
            report = {"warnings": self.warnings, "written": written, "error": None if error is None else str(error)}
            data = json.dumps(report, ensure_ascii=False).encode("utf-8")
            with os.fdopen(self._out, "wb") as out:
                out.write(data)
        finally:
            os._exit(status)

    def gather(self):
        """In the build process: wait for every forked process; returns (warnings, written) of them all,
        in the order of their shares. Raises ShardFailed (the first failure) once all are reaped."""
        warnings, written, failures = [], [], []
        for pid, read in list(self.children.items()):
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            del self.children[pid]
            _, status = os.waitpid(pid, 0)
            try:
                report = json.loads(data)
            except ValueError:
                failures.append("构建" + died(status))
                continue
            if report["error"] is not None:
                failures.append(report["error"])
            warnings += report["warnings"]
            written += report["written"]
        if failures:
            raise ShardFailed(failures[0])
        return warnings, written

    def stop(self):
        """In the build process, when its own share failed: kill and reap the forked processes."""
        for pid, read in list(self.children.items()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.close(read)
            os.waitpid(pid, 0)
            del self.children[pid]

