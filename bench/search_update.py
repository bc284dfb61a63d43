"""The search index's one-page update at N pages: CPU and wall time, as a publish worker makes it.

    nice -n 19 python bench/search_update.py --pages 1000 10000 --runs 3

For each N it writes N Markdown pages of real Chinese prose (../shared/testdata/content, through
bench/search_recall.py's ``write_corpus``), builds the index in full with a record cache, then
``--runs`` times changes one page (a sentence added to its body) and updates the index the way
``pipeline.publish_index`` does: a new build folder holding hard links to the last one's files
(staging.prepare_index; not timed), ``build_index`` into it with the last build's index as
``previous`` and the worker's in-memory record digests. Each update is timed in this process
(``time.process_time`` and wall), and checked against a full build of the same pages into an empty
folder with no cache: the two indexes must be the same files, byte for byte. ``--added`` also
times the update after one new page, then after that page is removed again, each checked the same
way (patched since session 10: pages are numbered by slot, cms/sitesearch/notes.py). With more than
one run it also times ``search.mirror`` of the last index into the one before (what staging.prepare
does to a spare build's index, a publish behind), and checks that every file ends a hard link to the
last index's.
"""

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

# Added to a page's body, one per run (real prose from the corpus would do as well; these read as an edit).
EDITS = ["补记：本文于近日修订，补充了观测数据。", "更正：第二段的年份有误，已改正。", "附注：感谢读者来信指出的问题。",
         "补记：增加了参考文献两篇。", "修订：删去一处重复的句子。"]


def files_of(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def names_of(folder):
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file())


def written(build):
    """"written / all" of a build's bucket files (one not written is a hard link to the last build's)."""
    files = list((Path(build) / "search" / "p").glob("*/*/*.bin"))
    return f"{sum(1 for path in files if path.stat().st_nlink == 1)} / {len(files)}"


def run(pages, runs, target, out, check, added):
    from bench.search_recall import write_corpus
    from cms.publish import fsutil
    from cms.sitesearch import index as search

    kwargs = {} if target is None else {"target": target}
    workdir = Path(tempfile.mkdtemp(prefix=f"kepu-search-update-{pages}-"))
    try:
        content, cache = workdir / "content", workdir / "cache"
        manifest = {"pages": write_corpus(content, pages)}
        digests = {}
        started, cpu = time.perf_counter(), time.process_time()
        stats = search.build_index(workdir / "b0", content, manifest, cache_dir=cache, digests=digests, **kwargs)
        out(f"\n{pages} pages, {stats['shards']} shards: full build {time.perf_counter() - started:.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU)")
        walls, cpus = [], []
        for number in range(1, runs + 1):
            changed = sorted(manifest["pages"])[(pages * number) // (runs + 1)]
            path = content / changed
            path.write_bytes(path.read_bytes() + f"\n{EDITS[number % len(EDITS)]}\n".encode())
            manifest["pages"][changed]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            previous, stage = workdir / f"b{number - 1}", workdir / f"b{number}"
            fsutil.link_tree(previous, stage)
            started, cpu = time.perf_counter(), time.process_time()
            stats = search.build_index(stage, content, manifest, previous=previous / "search", cache_dir=cache,
                                       digests=digests, **kwargs)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            out(f"  update {number} ({changed}): {walls[-1]:.2f} s, {cpus[-1]:.2f} s CPU; "
                f"{stats['built']} shard built, {stats['kept']} kept, {stats['linked']} linked; "
                f"bucket files written {written(stage)}")
            if number > 1:
                shutil.rmtree(workdir / f"b{number - 2}")  # (the last two kept: the older one for --mirror)
        out(f"  one-page update, median of {runs}: {statistics.median(walls):.2f} s wall, "
            f"{statistics.median(cpus):.2f} s CPU")
        if runs > 1:
            spare, live = workdir / f"b{runs - 1}", workdir / f"b{runs}"
            started, cpu = time.perf_counter(), time.process_time()
            search.mirror(live / "search", spare / "search")
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            names = names_of(live / "search")
            same = names == names_of(spare / "search") and all(
                (spare / "search" / name).samefile(live / "search" / name) for name in names)
            out(f"  search.mirror of the last index into the one before (a spare build's): {wall:.2f} s, "
                f"{used:.2f} s CPU; every file a link to the last index's: {'yes' if same else 'NO'}")
            shutil.rmtree(spare)
        if check:
            search.build_index(workdir / "full", content, manifest, cache_dir=None, **kwargs)
            same = files_of(workdir / "full" / "search") == files_of(workdir / f"b{runs}" / "search")
            out(f"  the last update == a full build with no cache, byte for byte: {'yes' if same else 'NO'}")
            if not same:
                raise SystemExit(1)
        if added:  # a new page, then the same page removed
            extra = write_corpus(workdir / "extra", 1, seed=pages)
            (path, entry), = extra.items()
            new = f"new/{Path(path).name}"
            (content / new).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(workdir / "extra" / path, content / new)
            last = workdir / f"b{runs}"
            for label, change in (("added", lambda: manifest["pages"].__setitem__(new, entry)),
                                  ("removed", lambda: manifest["pages"].pop(new))):
                change()
                stage = workdir / label
                fsutil.link_tree(last, stage)
                started, cpu = time.perf_counter(), time.process_time()
                stats = search.build_index(stage, content, manifest, previous=last / "search", cache_dir=cache,
                                           digests=digests, **kwargs)
                wall, used = time.perf_counter() - started, time.process_time() - cpu
                out(f"  one page {label}: {wall:.2f} s, {used:.2f} s CPU; {stats['built']} shard built; "
                    f"bucket files written {written(stage)}")
                if check:
                    scratch = workdir / f"full-{label}"
                    search.build_index(scratch, content, manifest, cache_dir=None, **kwargs)
                    same = files_of(scratch / "search") == files_of(stage / "search")
                    out(f"  == a full build with no cache, byte for byte: {'yes' if same else 'NO'}")
                    shutil.rmtree(scratch)
                    if not same:
                        raise SystemExit(1)
                shutil.rmtree(last)
                last = stage
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def approval(runs=3, out=print):
    """The index step of an approval on a bench folder's live build, both scripts, as
    ``pipeline.publish_index`` makes it (its build and verification of the two indexes; not its
    staging, manifest and swap), and ``search.mirror`` of both indexes into the one a publish
    behind (what staging.prepare and mirror_site.run_build do to a spare build)::

        KEPU_BENCH_DIR=/tmp/b10k nice -n 19 python manage.py shell --settings=bench.settings -c \\
            "from bench.search_update import approval; approval()"

    A worker's state is warmed by one build with nothing changed (untimed); then ``runs`` times one
    story's document gets a sentence, in content/ and content-hant/, and the index step runs in a
    folder of hard links to the last one (untimed, as staging.prepare_index's; the first from the
    live build), each taken as live by the next. The documents are put back at the end; nothing is
    swapped in or published."""
    from django.conf import settings

    from cms.publish import fsutil, manifest, mirror_site, swap, verify
    from cms.publish.state import PublishState
    from cms.sitesearch import index as search

    out(f"load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    live = swap.live()
    new = manifest.with_own_index(live.manifest)
    content = Path(settings.KEPU_CONTENT_DIR)
    sources = [(content, new["pages"])]
    if new.get("mirror"):
        sources.append((mirror_site.content_dir_of(content), new["mirror"]["pages"]))
    story = sorted(path for path in new["pages"] if "/" in path and not path.endswith("index.md"))[100]
    kept = {folder: (folder / story).read_bytes() for folder, _ in sources}
    state = PublishState()
    work = Path(tempfile.mkdtemp(prefix="kepu-index-step-", dir=settings.KEPU_BUILDS_DIR))

    def step(number, stage):
        nonlocal live
        fsutil.link_tree(live.dir / "site", stage / "site")
        started, cpu = time.perf_counter(), time.process_time()
        search.build_index(stage / "site", content, new, previous=live.search_dir, digests=state.records)
        mirror_site.build_index(stage / "site", content, new, state=state, live=live)
        problems = verify.verify_index(stage / "site", new).problems  # (the site's index and the mirror's)
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        out(f"  {number}: {wall:.2f} s wall, {used:.2f} s CPU; verified: {problems or 'no problems'}")
        live = swap.Build(stage.name, stage, new)  # the next one follows it, as after a swap
        return wall, used

    try:
        out(f"{len(new['pages'])} pages, mirror {'on' if new.get('mirror') else 'off'}; changed: {story}")
        step("warm-up, nothing changed", work / "warm")
        walls, cpus = [], []
        for number in range(1, runs + 1):
            for folder, pages in sources:
                path = folder / story
                path.write_bytes(path.read_bytes() + f"\n{EDITS[number % len(EDITS)]}\n".encode())
                pages[story] = {**pages[story], "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            wall, used = step(f"approval {number}", work / f"s{number}")
            walls.append(wall)
            cpus.append(used)
        out(f"  index step, median of {runs}: {statistics.median(walls):.2f} s wall, "
            f"{statistics.median(cpus):.2f} s CPU")
        older, newer = (work / f"s{runs - 1}" if runs > 1 else work / "warm"), work / f"s{runs}"
        started, cpu = time.perf_counter(), time.process_time()
        search.mirror(newer / "site" / search.SEARCH_DIR, older / "site" / search.SEARCH_DIR)
        if new.get("mirror"):
            prefix = new["mirror"]["prefix"]
            search.mirror(newer / "site" / prefix / search.SEARCH_DIR, older / "site" / prefix / search.SEARCH_DIR)
        out(f"  search.mirror of both indexes into those a publish behind: {time.perf_counter() - started:.2f} s "
            f"wall, {time.process_time() - cpu:.2f} s CPU")
    finally:
        for folder, data in kept.items():
            (folder / story).write_bytes(data)
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--target", type=int, default=None, help="pages per shard (default: the module's)")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip the full build the last update is compared with")
    parser.add_argument("--added", action="store_true",
                        help="also time the update after one page is added, then removed")
    args = parser.parse_args()
    import django

    django.setup()
    out = lambda line: print(line, flush=True)  # noqa: E731
    out(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for pages in args.pages:
        run(pages, args.runs, args.target, out, args.check, args.added)


if __name__ == "__main__":
    main()
