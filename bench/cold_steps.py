"""A restarted worker's first approval, and a no-change publish with a fresh state, step by step
(wall and CPU seconds), in-process (imports warm): one untimed publish, then one story's title changed
and published by a new PublishState prepared as a worker's start prepares it (``prepare``), then a
publish with nothing changed by another new PublishState (as the ``publish_site`` command's).

    KEPU_BENCH_DIR=/tmp/b10k nice -n 10 python manage.py shell --settings=bench.settings -c \
        "from bench.cold_steps import main; main()"

Quote the load.
"""
import os
import sys
import time

from bench.approval_steps import STEPS, _clock, instrument

EXTRA = [("state", "PublishState.prepare"), ("state", "PublishState.restore"), ("state", "PublishState.save"),
         ("render_store", "load"), ("scan_store", "ScanStore.get"), ("generate", "finish_documents"),
         ("render", "RenderCache.restore")]


def main(which=("cold", "unchanged")):
    from cms.publish import pipeline
    from cms.publish.state import PublishState
    from cms.stories.models import StoryPage

    spent, marks = instrument(STEPS + EXTRA)
    wall, cpu = _clock()
    pipeline.publish()
    print(f"warm-up: {time.monotonic() - wall:.2f} s wall, {time.process_time() - cpu:.2f} CPU s", flush=True)

    def table():
        for label, (w, c, calls) in sorted(spent.items(), key=lambda item: -item[1][1]):
            if c > 0.02 or w > 0.05:
                print(f"  {label:32s} {calls:2d} calls {w:6.3f} s wall {c:6.3f} CPU s")

    if "cold" in which:
        story = StoryPage.objects.live().order_by("pk")[100]
        story.title = story.title.rstrip("0123456789") + "7"
        story.save_revision().publish()
        spent.clear()
        marks.clear()
        state = PublishState()
        wall, cpu = _clock()
        state.prepare()
        print(f"cold prepare (db_worker start): {time.monotonic() - wall:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} CPU s", flush=True)
        wall, cpu = _clock()
        pipeline.publish(state=state)
        live_wall, live_cpu = marks["swapped"]
        print(f"cold approval: {time.monotonic() - wall:.2f} s wall, {time.process_time() - cpu:.2f} CPU s;"
              f" pages live after {live_wall - wall:.2f} s wall, {live_cpu - cpu:.2f} CPU s;"
              f" load {os.getloadavg()[0]:.2f}", flush=True)
        table()
    if "unchanged" in which:
        spent.clear()
        marks.clear()
        state = PublishState()
        wall, cpu = _clock()
        result = pipeline.publish(state=state)
        print(f"unchanged, fresh state: {time.monotonic() - wall:.2f} s wall, {time.process_time() - cpu:.2f} CPU s;"
              f" up_to_date={result.up_to_date}; load {os.getloadavg()[0]:.2f}", flush=True)
        table()
    sys.stdout.flush()
