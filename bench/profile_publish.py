"""Profile one publish in-process at a bench folder's size, and print where the time went.

    KEPU_BENCH_DIR=/tmp/b10k python manage.py shell --settings=bench.settings -c \
        "from bench.profile_publish import main; main('approval')"     # or 'cold', 'full'

``full``: a full publish with nothing kept (as ``publish_site --full`` in a new process).
``approval``: a warm worker (one untimed publish first), then three approvals of one story's title
changed through a revision, each timed; the last profiled. ``cold``: one such approval published by
a restarted worker (a new PublishState: only what the last one saved on disk, read as db_worker
reads it at its start, timed; this process's imports and caches stay warm). Prints wall and CPU
seconds, peak RSS and the profile (cumulative, then own time). ``memory``: a full publish as
``full``, not profiled, the memory of this process and its forked build processes (summed PSS,
bench/procs.py) sampled every 0.2 s and printed as the peak of each stage the publish reports, with
the stage's wall time. Run it under ``nice -n 19`` and quote the load (``uptime``).
"""

import cProfile
import io
import pstats
import resource
import time


def _timed(label, call, profile=None):
    started, cpu = time.monotonic(), time.process_time()
    if profile:
        profile.enable()
    result = call()
    if profile:
        profile.disable()
    print(f"{label}: {time.monotonic() - started:.2f} s wall, {time.process_time() - cpu:.2f} CPU s", flush=True)
    return result


def main(kind="approval", lines=60):
    from cms.publish import pipeline
    from cms.publish.state import PublishState
    from cms.stories.models import StoryPage

    if kind == "memory":
        return _memory_by_stage(pipeline, PublishState)
    profile = cProfile.Profile()
    if kind == "full":
        _timed("full publish", lambda: pipeline.publish(full=True, state=PublishState(restored=True)), profile)
    else:
        _timed("warm-up publish (untimed in the figures)", pipeline.publish)
        story = StoryPage.objects.live().order_by("pk")[100]
        for number in range(1 if kind == "cold" else 3):
            story.title = story.title.rstrip("0123456789") + str(number)
            story.save_revision().publish()
            profile = cProfile.Profile()
            state = PublishState() if kind == "cold" else None  # a restarted worker's: what it saved on disk

            def approve(state=state):
                if state is not None:
                    state.prepare()  # (as db_worker at its start: the approval came with it)
                return pipeline.publish(state=state)

            _timed(f"approval {number + 1}", approve, profile)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(lines)
        print(out.getvalue())


def _memory_by_stage(pipeline, PublishState):
    """A full publish; prints each stage's wall time and peak summed PSS (this process and its children)
    in MB."""
    import os
    import threading

    from bench.procs import tree_rss

    peaks, stage, done, began = {}, ["start"], threading.Event(), {"start": time.monotonic()}

    def sample():
        while not done.wait(0.2):
            peaks[stage[0]] = max(peaks.get(stage[0], 0), tree_rss(os.getpid()))

    def progress(name, _done=None, _total=None):
        if name != stage[0]:
            stage[0] = name
            began.setdefault(name, time.monotonic())
            print(f"  {name} (from {tree_rss(os.getpid()) // 2**20} MB)", flush=True)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _timed("full publish", lambda: pipeline.publish(full=True, state=PublishState(restored=True), progress=progress))
    done.set()
    sampler.join()
    began["end"] = time.monotonic()
    order = sorted(began, key=began.get)
    for name, after in zip(order, order[1:], strict=False):
        print(f"{name:>12}: {after - began[name]:7.1f} s wall, peak {peaks.get(name, 0) // 2**20} MB")
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
