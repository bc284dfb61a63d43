"""What holds the memory of a full publish and of a warm worker: per pipeline step and per kept structure.

    KEPU_BENCH_DIR=/tmp/b1k-memory nice -n 19 python manage.py shell --settings=bench.settings -c \
        "from bench.memory_profile import main; main('rss', out='/tmp/mem-1k-rss.json')"
    ... main('trace', out='/tmp/mem-1k-trace.json')       # tracemalloc: slower, holders by file/line
    python -c "from bench.memory_profile import slopes; slopes('/tmp/mem-1k-trace.json', '/tmp/mem-3k-trace.json')"

One full publish in this process with nothing kept (as ``publish_site --full`` in a new process:
``PublishState(restored=True)``), its steps told apart by wrapping the functions ``pipeline.publish``
calls (plan.plan, render.render, generate.generate, write.write, mirror_site.export, build.run_jobs,
the two index builds, verify.verify, PublishState.save and .settle); what runs between them
(staging, writing the manifest, saving the verification scans, the swap) is counted as "between
steps". For each step: wall and CPU seconds, the peak resident size of this process during the step
(the kernel's VmHWM, reset as the step starts through /proc/self/clear_refs) and its size at the end,
and the largest resident size of the forked processes (the mirror's MkDocs build, verification's
shares: their RSS counts the pages they share with this process).

``trace`` adds tracemalloc (one frame): Python's own allocations at the end of each step (what the
step left held) and their peak during it, the largest holders at the end of each step grouped by
file and by file:line, and what each step added that was still held at its end.

Then, in both modes, the worker's kept state (what a warm worker holds for its next approval):
each part of the PublishState (and the module-level memos) measured by walking its objects
(gc.get_referents; an object reached from two parts is counted in the first; classes, modules and
functions are not counted), with the count of objects by type; in ``trace`` mode also what
tracemalloc says each part frees when it is dropped (in order, after a gc.collect()).

The JSON written to ``out`` holds every figure; ``slopes`` prints the difference per 1,000 pieces
between two runs at different sizes. Run under ``nice -n 19`` and quote the load (``uptime``).
"""

import gc
import json
import os
import resource
import sys
import threading
import time
import tracemalloc
import types
from collections import Counter
from contextlib import contextmanager

MB = 2**20


def _status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def _descendants(root):
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


class Steps:
    """The current step (a stack: a wrapped function called inside another counts as its own step)
    and each step's figures."""

    def __init__(self, trace, top):
        self.trace, self.top = trace, top
        self.stack, self.figures, self.order = ["between steps"], {}, []
        self.held = None  # the last tracemalloc snapshot (to tell what a step added)
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)

    def _figure(self, name):
        if name not in self.figures:
            self.figures[name] = {"wall": 0.0, "cpu": 0.0, "peak_rss": 0, "end_rss": 0, "children_rss": 0,
                                  "children_sum_rss": 0, "calls": 0}
            self.order.append(name)
        return self.figures[name]

    def _sample(self):
        me = os.getpid()
        while not self.done.wait(0.5):
            sizes = [_status(pid, "VmRSS:") for pid in _descendants(me)]
            if sizes:
                figure = self._figure(self.stack[-1])
                figure["children_rss"] = max(figure["children_rss"], max(sizes))
                figure["children_sum_rss"] = max(figure["children_sum_rss"], sum(sizes))

    @staticmethod
    def _reset_peak():
        try:
            with open("/proc/self/clear_refs", "w") as clear:
                clear.write("5")  # resets VmHWM to the current RSS
        except OSError:
            pass

    def _close(self, name, started, cpu):
        figure = self._figure(name)
        figure["wall"] += time.monotonic() - started
        figure["cpu"] += time.process_time() - cpu
        figure["peak_rss"] = max(figure["peak_rss"], _status("self", "VmHWM:"))
        figure["end_rss"] = _status("self", "VmRSS:")
        figure["calls"] += 1
        if self.trace:
            current, peak = tracemalloc.get_traced_memory()
            figure["traced_end"] = current
            figure["traced_peak"] = max(figure.get("traced_peak", 0), peak)
            snapshot = tracemalloc.take_snapshot().filter_traces([
                tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)])
            figure["held_by_file"] = _top(snapshot.statistics("filename"), self.top)
            figure["held_by_line"] = _top(snapshot.statistics("lineno"), self.top)
            if self.held is not None:
                figure["added_by_line"] = _top(snapshot.compare_to(self.held, "lineno"), self.top, diff=True)
            self.held = snapshot
            tracemalloc.reset_peak()
        self._reset_peak()

    @contextmanager
    def step(self, name):
        outer = self.stack[-1]
        self._close(outer, *self._began)  # what ran of the outer step so far
        if outer != "between steps":
            name = f"{outer} > {name}"  # (the mirror's write, inside its export)
        self.stack.append(name)
        self._began = (time.monotonic(), time.process_time())
        print(f"  {name} (from {_status('self', 'VmRSS:') // MB} MB)", flush=True)
        try:
            yield
        finally:
            self._close(name, *self._began)
            self.stack.pop()
            self._began = (time.monotonic(), time.process_time())

    def start(self):
        self._began = (time.monotonic(), time.process_time())
        self._reset_peak()
        if self.trace:
            tracemalloc.reset_peak()
        self.sampler.start()

    def stop(self):
        self._close("after", *self._began)
        self.done.set()
        self.sampler.join()


def _top(statistics, count, diff=False):
    rows = []
    for stat in statistics[:count]:
        frame = stat.traceback[0]
        where = f"{_short(frame.filename)}:{frame.lineno}" if stat.traceback else "?"
        size = stat.size_diff if diff else stat.size
        number = stat.count_diff if diff else stat.count
        rows.append([where, size, number])
    return rows


def _short(filename):
    for marker in ("/site-packages/", "/kepu-memory/", "/main/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _wrap(steps, owner, attribute, name):
    original = getattr(owner, attribute)

    def wrapped(*args, **kwargs):
        with steps.step(name):
            return original(*args, **kwargs)

    setattr(owner, attribute, wrapped)
    return owner, attribute, original


SKIPPED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
           types.CodeType, types.FrameType)


def _deep(roots, seen):
    """(bytes, object count, Counter of type name → bytes, Counter of type name → count) of the
    objects reachable from ``roots`` not already in ``seen`` (which this fills)."""
    size, count, by_type, numbers = 0, 0, Counter(), Counter()
    todo = [root for root in roots if id(root) not in seen]
    for root in todo:
        seen.add(id(root))
    while todo:
        obj = todo.pop()
        if isinstance(obj, SKIPPED) or type(obj).__name__ == "PublishState":
            continue
        own = sys.getsizeof(obj, 0)
        name = type(obj).__name__
        size += own
        count += 1
        by_type[name] += own
        numbers[name] += 1
        for ref in gc.get_referents(obj):
            if id(ref) not in seen and not isinstance(ref, SKIPPED):
                seen.add(id(ref))
                todo.append(ref)
    return size, count, by_type, numbers


def _kept_parts(state):
    """[(name, roots, drop)] of what a warm worker keeps: ``drop()`` lets the part go."""
    from cms.publish import paths, render

    renders, last = state.renders, state.renders.last
    parts = []

    def part(name, roots, drop):
        parts.append((name, roots, drop))

    part("renders.entries (render cache)", [renders.entries], renders.entries.clear)
    part("renders.rows (RowMemo)", [renders.rows], renders.rows.clear)
    if last is not None:
        for field in ("documents", "entries", "rows", "objects", "assets", "paths", "queries"):
            part(f"renders.last.{field}", [getattr(last, field)],
                 lambda field=field: setattr(last, field, {}))
    fin = state.finished
    part("finished.tree", [fin.tree], lambda: setattr(fin, "tree", None))
    part("finished.pages", [fin.pages], fin.pages.clear)
    part("finished.listings", [fin.listings], fin.listings.clear)
    part("finished.files (feeds, sitemap)", [fin.files], fin.files.clear)
    part("finished.tags", [fin.tags], lambda: setattr(fin, "tags", None))
    part("finished.library", [fin.library], lambda: setattr(fin, "library", None))
    part("finished (rest)", [fin], lambda: None)
    written = state.written
    part("written.files", [written.files], written.files.clear)
    part("written.rows", [written.rows], written.rows.clear)
    part("written.entries (manifest sections)", [written.entries], lambda: setattr(written, "entries", {}))
    part("written (rest)", [written], lambda: None)
    for key in list(state.mirror):
        value = state.mirror[key]
        subparts = [(f"mirror[{key}].{name}", getattr(value, name)) for name in ("made", "rows", "files", "urls")
                    if isinstance(getattr(value, name, None), dict)]
        if isinstance(getattr(value, "entries", None), dict):  # (a WrittenFiles)
            subparts.append((f"mirror[{key}].entries", value.entries))
        for name, obj in subparts:
            part(name, [obj], obj.clear)
        part(f"mirror[{key}] (rest)", [value], lambda key=key: state.mirror.pop(key, None))
    part("records (search record digests)", [state.records], state.records.clear)
    part("scans (verification)", [state.scans], state.scans.clear)
    part("qr", [state.qr], state.qr.clear)
    part("stored", [state.stored], state.stored.clear)
    part("module memos (paths, group names)", [paths, render], lambda: (paths.forget(), render.forget()))
    return parts


def _kept(state, trace, top):
    gc.collect()
    seen = {id(state)}
    out = []
    for name, roots, _drop in _kept_parts(state):
        size, count, by_type, numbers = _deep(roots, seen)
        alone = _deep(roots, {id(state)})[0]  # (counting what it shares with the parts before it too)
        out.append({"part": name, "bytes": size, "alone": alone, "objects": count,
                    "types": [[kind, by_type[kind], numbers[kind]] for kind, _ in by_type.most_common(top // 2)]})
    if trace:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        by_name = {row["part"]: row for row in out}
        drops = [(name, drop) for name, _roots, drop in _kept_parts(state)]  # (the roots not held meanwhile)
        for name, drop in drops:
            drop()
            gc.collect()
            now = tracemalloc.get_traced_memory()[0]
            by_name[name]["freed"] = before - now
            before = now
        out.append({"part": "(traced after dropping all)", "bytes": before, "objects": 0, "types": []})
    return out


def main(mode="rss", out=None, top=20, pieces=None):
    """A full publish in this process (``mode``: "rss", or "trace" with tracemalloc), the figures
    printed and written as JSON to ``out``. ``pieces``: the folder's size as bench_fill made it
    (``--pieces``), for ``slopes``; by default the live pages of the piece types counted."""
    from django.conf import settings

    from cms.publish import build, generate, mirror_site, pipeline, plan, render, verify, write
    from cms.publish.state import PublishState
    from cms.sitesearch import index as search

    trace = mode == "trace"
    if trace:
        tracemalloc.start(1)
    steps = Steps(trace, top)
    patched = [
        _wrap(steps, plan, "plan", "plan"),
        _wrap(steps, render, "render", "render"),
        _wrap(steps, generate, "generate", "generate"),
        _wrap(steps, write, "write", "write"),
        _wrap(steps, mirror_site, "export", "mirror export"),
        _wrap(steps, build, "run_jobs", "build"),
        _wrap(steps, search, "build_index", "index"),
        _wrap(steps, mirror_site, "build_index", "index (mirror)"),
        _wrap(steps, verify, "verify", "verify"),
        _wrap(steps, PublishState, "save", "save"),
        _wrap(steps, PublishState, "settle", "settle"),
    ]
    state = PublishState(restored=True)
    pieces = pieces or _pieces()
    load = os.getloadavg()
    started, cpu = time.monotonic(), time.process_time()
    steps.start()
    try:
        pipeline.publish(full=True, state=state)
    finally:
        steps.stop()
        for owner, attribute, original in patched:
            setattr(owner, attribute, original)
    result = {
        "mode": mode, "bench_dir": str(settings.BENCH_DIR), "pieces": pieces,
        "pages": len(state.renders.entries), "load_before": load, "load_after": os.getloadavg(),
        "wall": time.monotonic() - started, "cpu": time.process_time() - cpu,
        # (clear_refs resets the kernel's high-water mark that ru_maxrss reads: the peak is the steps')
        "maxrss": max(figure["peak_rss"] for figure in steps.figures.values()),
        "children_maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "build_processes": settings.KEPU_BUILD_PROCESSES,
        "steps": [{"step": name, **steps.figures[name]} for name in steps.order],
    }
    result["rss_after"] = _status("self", "VmRSS:")
    result["kept"] = _kept(state, trace, top)
    _print(result)
    if out:
        with open(out, "w") as file:
            json.dump(result, file, ensure_ascii=False, indent=1)
    return result


def _pieces():
    from django.apps import apps

    total = 0
    for label in ("stories.StoryPage", "columns.ColumnArticlePage", "factcheck.DebunkPage", "resources.ResourcePage",
                  "events.EventPage"):
        try:
            total += apps.get_model(label).objects.live().count()
        except LookupError:
            pass
    return total


def _print(result):
    print(f"\n{result['pieces']} pieces, {result['pages']} rendered pages, {result['wall']:.1f} s wall, "
          f"{result['cpu']:.1f} CPU s, load {result['load_before'][0]:.2f} → {result['load_after'][0]:.2f}, "
          f"peak RSS {result['maxrss'] // MB} MB (children's largest {result['children_maxrss'] // MB} MB), "
          f"RSS after {result['rss_after'] // MB} MB")
    print(f"{'step':>16} {'wall s':>7} {'CPU s':>6} {'peak':>6} {'end':>6} {'child':>6} {'traced':>7} "
          f"{'tr.peak':>7}  (MB)")
    for row in result["steps"]:
        print(f"{row['step']:>16} {row['wall']:7.1f} {row['cpu']:6.1f} {row['peak_rss'] // MB:6} "
              f"{row['end_rss'] // MB:6} {row['children_rss'] // MB:6} {row.get('traced_end', 0) // MB:7} "
              f"{row.get('traced_peak', 0) // MB:7}")
    for row in result["steps"]:
        if "held_by_line" in row:
            print(f"\n[{row['step']}] held at its end, by file (MB, blocks):")
            for where, size, count in row["held_by_file"][:10]:
                print(f"  {size / MB:8.1f} {count:9}  {where}")
            print(f"[{row['step']}] added and still held at its end, by line:")
            for where, size, count in row.get("added_by_line", [])[:10]:
                print(f"  {size / MB:+8.1f} {count:+9}  {where}")
    print("\nkept by the worker (MB walked, first owner; MB walked alone; MB freed when dropped, trace mode):")
    for row in result["kept"]:
        types_ = ", ".join(f"{kind} {size / MB:.1f}/{count}" for kind, size, count in row["types"][:5])
        freed = f"{row['freed'] / MB:8.1f}" if "freed" in row else "       -"
        print(f"  {row['bytes'] / MB:8.1f} {row.get('alone', 0) / MB:8.1f} {freed} {row['objects']:9}  {row['part']}"
              f"  [{types_}]")


def slopes(small, large):
    """Print, per 1,000 pieces, how each step's figures and each kept part grow from the run in JSON
    file ``small`` to that in ``large``."""
    with open(small) as a, open(large) as b:
        one, two = json.load(a), json.load(b)
    per = (two["pieces"] - one["pieces"]) / 1000
    print(f"{one['pieces']} → {two['pieces']} pieces; MB per 1,000 pieces (and at {one['pieces']}, {two['pieces']})")
    print(f"  peak RSS: {(two['maxrss'] - one['maxrss']) / MB / per:7.1f}  "
          f"({one['maxrss'] // MB}, {two['maxrss'] // MB})")
    rename = {"start": "between steps"}  # (the first runs' name)
    steps = {rename.get(row["step"], row["step"]): row for row in one["steps"]}
    for row in two["steps"]:
        before = steps.get(rename.get(row["step"], row["step"]))
        if before is None:
            continue
        for key in ("peak_rss", "end_rss", "children_rss", "traced_end", "traced_peak"):
            if key in row:
                print(f"  {row['step']:>16} {key:>12}: {(row[key] - before[key]) / MB / per:7.1f}  "
                      f"({before[key] // MB}, {row[key] // MB})")
    kept = {row["part"]: row for row in one["kept"]}
    for row in two["kept"]:
        before = kept.get(row["part"], {"bytes": 0, "objects": 0})
        extra = ""
        if "freed" in row and "freed" in before:
            extra = (f"  freed {(row['freed'] - before['freed']) / MB / per:7.1f} "
                     f"({before['freed'] // MB}, {row['freed'] // MB})")
        print(f"  kept {row['part']:>40}: {(row['bytes'] - before['bytes']) / MB / per:7.1f}  "
              f"({before['bytes'] // MB}, {row['bytes'] // MB}; objects {before['objects']} → {row['objects']}){extra}")


def scan_sharing():
    """How much of the live build's verification scans (verify.Scans, as a worker reads them at its
    start: ScanStore.get) is the same link text repeated page after page: prints the walked size of
    the scans, of their ``targets`` and what the targets would cost with every distinct (url,
    target) pair held once (interned)."""
    from cms.publish import swap
    from cms.publish.scan_store import ScanStore

    live = swap.live_build()
    scans = ScanStore().get(swap.builds_dir() / live)
    total = _deep([scans], set())[0]
    targets = [entry["targets"] for entry in scans.values()]
    pairs = [pair for listed in targets for pair in listed]
    distinct = set(pairs)
    lists = sum(sys.getsizeof(listed) for listed in targets)
    interned = lists + _deep([list(distinct)], set())[0]
    print(f"{len(scans)} pages scanned: {total / MB:.1f} MB walked; targets {_deep([targets], set())[0] / MB:.1f} MB "
          f"({len(pairs)} pairs, {len(distinct)} distinct); with each pair held once {interned / MB:.1f} MB; "
          f"as 4-byte numbers into one table {(len(pairs) * 4 + _deep([list(distinct)], set())[0]) / MB:.1f} MB")


def restart(out=None, top=20):
    """What a restarted worker holds before its first job (``PublishState.prepare``: the render cache
    and memos saved on disk, the live build's verification scans), walked as ``main`` walks the kept
    state, with this process's RSS before and after; written as JSON to ``out``."""
    from cms.publish.state import PublishState

    state = PublishState()
    before, started, cpu = _status("self", "VmRSS:"), time.monotonic(), time.process_time()
    state.prepare()
    result = {"rss_before": before, "rss_after": _status("self", "VmRSS:"), "wall": time.monotonic() - started,
              "cpu": time.process_time() - cpu, "load": os.getloadavg(), "pages": len(state.renders.entries)}
    result["kept"] = _kept(state, False, top)
    print(f"prepare: {result['pages']} entries, {result['wall']:.1f} s wall, {result['cpu']:.1f} CPU s, "
          f"RSS {before // MB} → {result['rss_after'] // MB} MB, load {result['load'][0]:.2f}")
    for row in result["kept"]:
        if row["objects"]:
            types_ = ", ".join(f"{kind} {size / MB:.1f}/{count}" for kind, size, count in row["types"][:5])
            print(f"  {row['bytes'] / MB:8.1f} {row['objects']:9}  {row['part']}  [{types_}]")
    if out:
        with open(out, "w") as file:
            json.dump(result, file, ensure_ascii=False, indent=1)
    return result
