"""Time verification alone over a bench folder's live build, in-process: a full verification, then
approvals as a worker verifies them, each with the scans saved after it.

    KEPU_BENCH_DIR=/tmp/b10k-copy nice -n 19 python manage.py shell --settings=bench.settings -c \
        "from bench.profile_verify import main; main(processes=2)"

The live build must be published (and the folder a copy: a staging folder is made in its builds/).
An approval is simulated on the live build's files linked into a staging folder as the pipeline
makes one (fsutil.link_tree, untimed), ``changed`` pages of it written anew (new files, the same
bytes, as MkDocs writes what it renders), then ``verify.verify`` from the scans the full
verification left and ``ScanStore.keep``. CPU seconds count the forked processes too (their
``RUSAGE_CHILDREN``). Also runs on a checkout without ``fsutil.survey`` (the code before it): then
its scans are saved as scans.json. Quote the load (``uptime``) beside every figure.
"""

import cProfile
import io
import os
import pstats
import resource
import shutil
import time


def _cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(label, call, profile=None):
    started, cpu = time.monotonic(), _cpu()
    if profile:
        profile.enable()
    result = call()
    if profile:
        profile.disable()
    print(f"{label}: {time.monotonic() - started:.2f} s wall, {_cpu() - cpu:.2f} CPU s "
          f"(load {os.getloadavg()[0]:.1f})", flush=True)
    return result


def main(processes=None, changed=40, approvals=3, lines=25):
    from cms.core.models import SiteSettings
    from cms.publish import fsutil, scan_store, swap, verify

    live = swap.live()
    site_url = SiteSettings.load().base_url
    kwargs = {} if processes is None or not hasattr(fsutil, "survey") else {"processes": processes}
    store = scan_store.ScanStore()
    checked = _timed(f"full verification ({processes or 'one'} process(es))",
                     lambda: verify.verify(live.dir / "site", live.manifest, site_url=site_url, **kwargs))
    assert checked.ok, checked.problems[:5]
    _timed("scans saved (full)", lambda: store.keep(live.dir, checked.scans))
    pages = sorted(checked.scans)
    previous_dir, stages = live.dir, []
    for number in range(approvals):  # each from the build before, as each approval is made from the live one
        stage = swap.builds_dir() / f".staging-bench-verify-{os.getpid()}-{number}"
        shutil.rmtree(stage, ignore_errors=True)
        fsutil.link_tree(previous_dir / "site", stage / "site")
        stages.append(stage)
        for rel in pages[number::max(1, len(pages) // changed)][:changed]:
            path = stage / "site" / rel
            data = path.read_bytes()
            os.unlink(path)
            fsutil.write_file(path, data)
        previous = store.get(previous_dir)
        profile = cProfile.Profile()
        result = _timed(f"approval {number + 1}: verify ({changed} pages written anew)",
                        lambda stage=stage, previous=previous: verify.verify(
                            stage / "site", live.manifest, site_url=site_url, previous=previous), profile)
        assert result.ok, result.problems[:5]
        _timed(f"approval {number + 1}: scans saved", lambda stage=stage, scans=result.scans: store.keep(stage, scans))
        previous_dir = stage
    for stage in stages:
        shutil.rmtree(stage, ignore_errors=True)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(lines)
    print(out.getvalue())
