"""Access-log ingestion at growing log sizes: lines per second and peak memory.

    python bench/ingest_logs.py --days 2 4 8 --views-per-day 20000 --pages 10000

For each number of days it writes a gzip access log of the sample generator's kind
(cms/reach/sample_log.py: page views with their assets, bots, 304s, 404s, searches) over ``--pages``
made-up page paths, then runs ``ingest_access_logs``'s ingester on it in a child process with an
in-memory database (cms.settings.test, migrated first) and a live site folder holding those pages.
It prints, per log: lines, lines per second
of the ingestion alone, and the child's peak RSS before and after ingesting (ru_maxrss), so the
growth is the ingester's own. Memory should stay flat as days are added: a day's visitors are
held only until the log is two days past it.
"""

import argparse
import datetime
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(path, site):
    import resource

    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.KEPU_SITE_DIR = site
    call_command("migrate", verbosity=0)
    from cms.reach.ingest import Ingester

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    summary = Ingester().ingest([path])
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"lines": summary.lines, "counted": summary.counted, "seconds": seconds,
                      "rss_before_mb": before / 1024, "rss_after_mb": after / 1024}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--views-per-day", type=int, default=20000)
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    sys.path.insert(0, str(ROOT))
    from cms.reach.sample_log import sample_lines

    paths = [f"/programme-{n % 5}/piece-{n}/" for n in range(args.pages)]
    print(f"{'days':>5} {'lines':>12} {'lines/s':>10} {'RSS before':>11} {'RSS peak':>9} {'growth':>7}")
    with tempfile.TemporaryDirectory(prefix="kepu-ingest-bench-") as folder:
        site = Path(folder) / "site"  # the live site: every page the log reads is there
        for path in paths:
            (site / path.strip("/")).mkdir(parents=True)
            (site / path.strip("/") / "index.html").touch()
        for days in args.days:
            log = Path(folder) / f"access-{days}.log.gz"
            with gzip.open(log, "wt", encoding="utf-8", compresslevel=1) as out:
                out.writelines(sample_lines(paths, datetime.date(2026, 3, 1), days, args.views_per_day))
            result = json.loads(subprocess.run([sys.executable, __file__, "--child", str(log), str(site)], check=True,
                                               capture_output=True, text=True, cwd=ROOT).stdout)
            print(f"{days:>5} {result['lines']:>12,} {result['lines'] / result['seconds']:>10,.0f} "
                  f"{result['rss_before_mb']:>9.0f}MB {result['rss_after_mb']:>7.0f}MB "
                  f"{result['rss_after_mb'] - result['rss_before_mb']:>5.0f}MB")


if __name__ == "__main__":
    main()
