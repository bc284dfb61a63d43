"""Run a command and measure it: wall time and peak memory of its whole process tree."""

import os
import subprocess
import threading
import time
from pathlib import Path


def _children_map():
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def _rss(pid):
    """The process's proportional set size (PSS, /proc/<pid>/smaps_rollup): pages shared with its
    forked children (the MkDocs build's processes) count once across the tree, not once per process
    as resident size would; resident size where the kernel has no smaps_rollup."""
    return _kib(f"/proc/{pid}/smaps_rollup", "Pss:") or _kib(f"/proc/{pid}/status", "VmRSS:")


def _kib(path, field):
    """The bytes of a ``field: N kB`` line of a /proc file, or 0 (no such file or line)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root):
    """Memory of ``root`` and all its descendants (summed PSS, see ``_rss``), in bytes."""
    children, total, todo = _children_map(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss(pid)
        todo += children.get(pid, [])
    return total


class PeakSampler(threading.Thread):
    """Samples the tree's resident memory every ``interval`` seconds, or less often when a sample is
    costly; ``peak`` is the largest sum seen.

    A sample reads each process's smaps_rollup, for which the kernel walks its page tables: its cost
    grows with the memory sampled, and sampled too often it slows what it measures (bench/README,
    session 12). Waiting ``SPARE`` times a sample's own CPU time between samples keeps the sampler
    under 1/``SPARE`` of a core."""

    SPARE = 20

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()

    def run(self):
        while not self._done.is_set():
            started = time.thread_time()
            self.peak = max(self.peak, tree_rss(self.pid))
            self._done.wait(max(self.interval, self.SPARE * (time.thread_time() - started)))

    def stop(self):
        self._done.set()
        self.join()


def measure(command, *, env=None, cwd=None, log=None):
    """Run ``command``; returns (seconds, peak bytes, stdout text). Raises on a non-zero exit.

    Peak memory is the larger of the sampled sum over the process tree and the kernel's own
    maximum resident size of the command and its waited-for children (wait4).
    """
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = PeakSampler(process.pid)
    sampler.start()
    output = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    sampler.stop()
    reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    text = (output[0] if output else b"").decode("utf-8", "replace")
    if log is not None:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"$ {' '.join(map(str, command))}\n{text}\n")
    if process.returncode != 0:
        raise RuntimeError(f"命令失败（退出码 {process.returncode}）：{' '.join(map(str, command))}\n{text[-3000:]}")
    return seconds, max(sampler.peak, usage.ru_maxrss * 1024), text
