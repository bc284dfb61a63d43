"""Time (and optionally profile) a publish's build step alone, on a bench folder's live build.

    KEPU_BENCH_DIR=/tmp/b10k KEPU_BUILD_PROCESSES=2 nice -n 19 python manage.py shell \\
        --settings=bench.settings -c "from bench.profile_build import main; main('dirty')"   # or 'full'

``dirty``: an approval's build step: the staging folder made as pipeline.publish makes it (the spare
or a linked copy of the live build) for the live manifest with one page (and its Traditional twin)
marked changed, so its outputs go and the two MkDocs builds make them again (``--dirty``). ``full``:
an empty staging folder, both sites built in full. The build inputs are taken as the live build's
(the code under test may differ from the code that built it). Prints wall and CPU seconds (this
process's, and with its reaped children: the forked build processes), its peak RSS, and with
``profile=True`` the cProfile of this process. The staging folder is removed afterwards.
"""

import copy
import cProfile
import io
import pstats
import resource
import time
from pathlib import Path


def _cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main(kind="dirty", profile=False, lines=40, page=100):
    from django.conf import settings

    from cms.core.models import SiteSettings
    from cms.hant import mirror as hant
    from cms.publish import build, manifest, mirror_site, staging, swap

    site, mirror, live = SiteSettings.load(), hant.load(), swap.live()
    new = manifest.with_own_index(copy.deepcopy(live.manifest))
    if kind == "dirty":
        path = sorted(new["pages"])[page]
        for part in (new, new.get("mirror")):
            if part:
                part["pages"][path]["sha256"] = "0" * 64
    build_id = swap.new_build_id()
    site_dir = swap.staging_dir(build_id) / "site"
    content_dir = Path(settings.KEPU_CONTENT_DIR)
    config = build.mkdocs_config(site=site, content_dir=content_dir.resolve(), site_dir=site_dir, nav=new["nav"],
                                 mirror=mirror)
    incremental = kind == "dirty"
    stage = staging.prepare(build_id, live=live, new=new, incremental=incremental, keep_live_index=incremental)
    build.write_config(stage / "mkdocs.yml", config)
    jobs = [build.Job(stage / "mkdocs.yml", dirty=incremental, sources=build.sources_of(new),
                      template_cache=swap.builds_dir() / ".template-cache")]
    if mirror is not None:
        mirror_config = mirror_site.config(mirror, site=site, content_dir=content_dir, site_dir=site_dir,
                                           nav=new["nav"])
        jobs.append(mirror_site.build_job(mirror, stage, mirror_config, live=live, new=new, incremental=incremental,
                                          keep_live_index=incremental))
    profiler = cProfile.Profile() if profile else None
    started, own, children = time.monotonic(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    if profiler:
        profiler.enable()
    warnings = build.run_jobs(jobs)
    if profiler:
        profiler.disable()
    own, children = _cpu(resource.RUSAGE_SELF) - own, _cpu(resource.RUSAGE_CHILDREN) - children
    print(f"build step ({kind}, KEPU_BUILD_PROCESSES={settings.KEPU_BUILD_PROCESSES}): "
          f"{time.monotonic() - started:.2f} s wall, {own + children:.2f} CPU s ({own:.2f} this process, "
          f"{children:.2f} forked), {len(warnings)} warnings, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", flush=True)
    swap.discard(stage)
    if profiler:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(lines)
            print(out.getvalue())
