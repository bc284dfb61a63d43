"""What the export step of an approval costs (plan → render → generate → write, and the mirror's export),
alone, in CPU seconds, step by step.

    KEPU_BENCH_DIR=/tmp/b10k nice -n 19 python manage.py shell --settings=bench.settings -c \
        "from bench.export_cost import main; main()"

A warm worker (one untimed export first), then ``runs`` approvals of one story's title changed through a
revision, each followed by ``pipeline.export`` alone (no build: the bench folder's content/ moves on, its
site does not; use a copy). Prints each export's wall and CPU seconds, and, for one more approval
profiled with cProfile, each step's CPU seconds (cumulative, with the profiler's overhead; ``write``
counts the site's and the mirror's). Run it under ``nice -n 19`` and quote the load.
"""

import cProfile
import os
import pstats
import time

STEPS = {"plan": ("plan.py", "plan"), "render": ("render.py", "render"), "generate": ("generate.py", "generate"),
         "write": ("write.py", "write"), "mirror": ("mirror_site.py", "export")}


def main(runs=3):
    from pathlib import Path

    from django.conf import settings

    from cms.core.models import SiteSettings
    from cms.hant import mirror as hant
    from cms.publish import pipeline
    from cms.publish.state import current
    from cms.stories.models import StoryPage

    state, site, mirror = current(), SiteSettings.load(), hant.load()
    content = Path(settings.KEPU_CONTENT_DIR)
    pipeline.export(content, site, state, mirror=mirror)
    story = StoryPage.objects.live().order_by("pk")[100]
    for number in range(runs + 1):
        story.title = story.title.rstrip("0123456789") + str(number)
        story.save_revision().publish()
        profile = cProfile.Profile(time.process_time)
        started, cpu = time.monotonic(), time.process_time()
        if number == runs:
            profile.enable()
        pipeline.export(content, site, state, mirror=mirror)
        profile.disable()
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
        if number < runs:
            print(f"export {number + 1}: {wall:.2f} s wall, {cpu:.2f} CPU s; load {os.getloadavg()[0]:.1f}", flush=True)
            continue
        stats = pstats.Stats(profile).stats
        steps = {}
        for (file, _line, name), (_calls, _primitive, _own, cumulative, _callers) in stats.items():
            for step, (module, function) in STEPS.items():
                if file.endswith(f"cms/publish/{module}") and name == function:
                    steps[step] = max(steps.get(step, 0), cumulative)  # (render: the step, not the cache's method)
        print(f"profiled export: {cpu:.2f} CPU s; steps (CPU s): "
              + ", ".join(f"{step} {seconds:.2f}" for step, seconds in steps.items())
              + f"; load {os.getloadavg()[0]:.1f}", flush=True)
