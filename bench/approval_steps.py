"""A warm worker's approvals at a bench folder's size, unprofiled: wall and CPU seconds of each pipeline
step, and approve → live at the ``swapped`` checkpoint (cProfile distorts both: it doubles Python calls).

    KEPU_BENCH_DIR=/tmp/b10k nice -n 10 python manage.py shell --settings=bench.settings -c \
        "from bench.approval_steps import main; main()"

One untimed publish first (the first after a code change is a full one), then three approvals of one
story's title changed through a revision; the step table is the last approval's. Quote the load.
"""

import os
import time
from collections import defaultdict

STEPS = [("plan", "plan"), ("render", "render"), ("generate", "generate"), ("generate", "site_files"),
         ("write", "write"), ("mirror_site", "export"), ("staging", "prepare"), ("build", "run_jobs"),
         ("verify", "verify"), ("manifest", "write_manifest"), ("manifest", "dumps"), ("swap", "live"),
         ("pages", "public_rows"), ("pipeline", "publish_index"), ("staging", "prepare_index"),
         ("mirror_site", "build_index")]


def _clock():
    return time.monotonic(), time.process_time()


def instrument(steps):
    """Time each of ``steps`` ((module under cms.publish, function or "Class.method")) in place, and
    note when the pipeline first passes each checkpoint: ({label: [wall, CPU, calls]}, {checkpoint:
    (wall, CPU)}), both filled as the pipeline runs (clear them between runs)."""
    import importlib

    from cms.publish import pipeline

    spent, marks = defaultdict(lambda: [0.0, 0.0, 0]), {}

    def timed(label, call):
        def step(*args, **kwargs):
            wall, cpu = _clock()
            try:
                return call(*args, **kwargs)
            finally:
                entry = spent[label]
                entry[0] += time.monotonic() - wall
                entry[1] += time.process_time() - cpu
                entry[2] += 1
        return step

    for module_name, name in steps:
        module = importlib.import_module(f"cms.publish.{module_name}")
        owner, _, attr = name.rpartition(".")
        target = getattr(module, owner) if owner else module
        if hasattr(target, attr):
            setattr(target, attr, timed(f"{module_name}.{name}", getattr(target, attr)))
    checkpoint = pipeline.checkpoint

    def marking(name):
        marks.setdefault(name, _clock())
        checkpoint(name)

    pipeline.checkpoint = marking
    return spent, marks


def main(approvals=3):
    from cms.publish import pipeline
    from cms.stories.models import StoryPage

    spent, marks = instrument(STEPS)
    wall, cpu = _clock()
    pipeline.publish()
    print(f"warm-up: {time.monotonic() - wall:.2f} s wall, {time.process_time() - cpu:.2f} CPU s", flush=True)
    story = StoryPage.objects.live().order_by("pk")[100]
    for number in range(approvals):
        story.title = story.title.rstrip("0123456789") + str(number)
        story.save_revision().publish()
        spent.clear()
        marks.clear()
        wall, cpu = _clock()
        pipeline.publish()
        live_wall, live_cpu = marks["swapped"]
        print(f"approval {number + 1}: {time.monotonic() - wall:.2f} s wall, {time.process_time() - cpu:.2f} CPU s;"
              f" pages live after {live_wall - wall:.2f} s wall, {live_cpu - cpu:.2f} CPU s;"
              f" load {os.getloadavg()[0]:.2f}", flush=True)
    for label, (wall, cpu, calls) in sorted(spent.items(), key=lambda item: -item[1][1]):
        print(f"  {label:28s} {calls:2d} calls {wall:6.3f} s wall {cpu:6.3f} CPU s")
