"""Chinese site search at N pages: recall, ranking, bytes per query, build time and peak memory.

    python bench/search_recall.py --pages 1000 10000

For each N it writes N Markdown pages into a temporary folder: the sample content's stories and
resources (cms/core/sample_content/data.py, with the front matter the export writes: tags, scientist,
discipline, institution, honours, a resource's kind, institute, audiences and subjects) and real
Chinese prose for the rest (../shared/testdata/content, each page with its sources' attribution
lines). It builds the search index with cms.sitesearch.index.build_index in a child process (wall
and CPU time, and peak memory of the child's process tree, sampled from /proc, and its maxrss),
rebuilds it into a new folder after one page changes (the incremental update, reusing the first
build's unchanged shards), then serves the result on 127.0.0.1 and drives Debian's Chromium:

- the hand-written query set (tests/publish/site_search_queries.py: what a reader types, with the
  sample pages each must find, by class): recall@10 and MRR per class, through the site's client;
- recall of a set of Chinese queries (names and terms from the corpus, random 2-4 character
  substrings, single characters) against a brute-force substring search of the same text;
- the bytes a reader downloads for one query, cold (new browser context, empty cache), from loading
  the search page with ?q= to the first results shown: every response's encoded size as Chromium
  reports it, by kind of file; served as-is and with gzip for text files (as nginx ``gzip on``).

The search page here is a bare page with the same form and script as the site's; the site's theme
(Material's CSS and JS, shared with every page) is not counted.
"""

import argparse
import functools
import gzip
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT.parent / "shared" / "testdata" / "content"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

PROGRAMMES = ["格致论道", "科学与中国", "跨年科学演讲", "科学大院", "中国科普博览"]
HAN = re.compile(r"[\u4e00-\u9fff]+")


def setup_django():
    import django

    django.setup()


# Corpus -------------------------------------------------------------------------------------------


def paragraphs():
    items = []
    for line in (TESTDATA / "zhwiki_paragraphs_all.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        items.append((row["title"], row["text"], row["attribution"]))
    for line in (TESTDATA / "csl_science_abstracts_sample.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        items.append((row["title"], row["abstract"], row.get("attribution") or row.get("dataset", "")))
    return items


def write_corpus(content_dir, count, seed=1):
    """N pages of 3-6 paragraphs each; returns the manifest's ``pages``."""
    rng = random.Random(seed)
    pool = paragraphs()
    pages = {}
    for i in range(count):
        chosen = rng.sample(pool, rng.randint(3, 6))
        title = f"{chosen[0][0]}（{i + 1}）"
        body = "\n\n".join(text for _, text, _ in chosen)
        sources = "\n".join(f"- {attribution}" for _, _, attribution in chosen)
        programme = PROGRAMMES[i % len(PROGRAMMES)]
        front = (
            f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
            f"description: {json.dumps(chosen[0][1][:60], ensure_ascii=False)}\nkind: story\n"
            f"programme_title: {programme}\ndate: '2024-{1 + i % 12:02d}-{1 + i % 28:02d}'\n"
            f"page_id: {i + 1}\nrevision: {i + 1}\n---\n\n"
        )
        data = (front + body + "\n\n## 来源\n\n" + sources + "\n").encode("utf-8")
        path = f"p{i % 5}/page-{i:05d}.md"
        target = content_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        pages[path] = {"page": i + 1, "revision": i + 1, "sha256": hashlib.sha256(data).hexdigest()}
    return pages


def write_sample(content_dir):
    """The sample content's stories and resources as the export writes them; returns the manifest's
    ``pages`` for them and {slug: document path}."""
    from cms.core.sample_content import data
    from cms.resources.models import ResourcePage

    titles = {programme["slug"]: programme["title"] for programme in data.PROGRAMMES}
    kinds = dict(ResourcePage.Kind.choices)
    documents = {}
    for story in data.STORIES:
        meta = {"title": story["title"], "description": story["summary"], "kind": "story",
                "programme": story["programme"], "programme_title": titles[story["programme"]],
                "tags": story["tags"], "scientist": story["name"], "discipline": story["discipline"],
                "institution": story["institution"],
                "honours": [{"title": title, "year": year} for title, year in story["honours"]]}
        documents[story["slug"]] = (f"{story['programme']}/{story['slug']}.md", meta, "\n\n".join(story["paragraphs"]))
    for slug, programme, title, kind, audiences, subjects, institute, _licence, summary, length in data.RESOURCES:
        meta = {"title": title, "description": summary, "kind": "resource", "programme": programme,
                "programme_title": titles[programme], "authors": [institute], "resource_kind_label": str(kinds[kind]),
                "audiences": audiences, "subjects": subjects, "institute": institute, "length": length}
        documents[slug] = (f"library/{slug}.md", meta, summary)
    pages, paths = {}, {}
    for number, (slug, (path, meta, body)) in enumerate(documents.items(), 1):
        data_ = f"---\n{json.dumps(meta, ensure_ascii=False)}\n---\n\n{body}\n".encode()
        (content_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (content_dir / path).write_bytes(data_)
        pages[path] = {"page": 100000 + number, "revision": 1, "sha256": hashlib.sha256(data_).hexdigest()}
        paths[slug] = path
    return pages, paths


def text_of(search, path):
    return search.record_text(search.make_record(path.read_bytes())).lower()


def queries(texts, rng):
    """{class: [query]}: names and terms, random substrings of 2, 3 and 4 characters, single characters."""
    from collections import Counter

    doc_freq = Counter()
    for text in texts.values():
        doc_freq.update(set(text))
    runs = [run for text in texts.values() for run in HAN.findall(text) if len(run) >= 4]
    fixed = ["耶路撒冷", "陈友谅", "爱因斯坦", "牛顿", "量子", "神经网络", "控制器", "基因", "北京", "光合作用"]
    titles = sorted({t for t, _, _ in paragraphs() if HAN.fullmatch(t) and 2 <= len(t) <= 6})
    names = [q for q in fixed if any(q in t for t in texts.values())] + rng.sample(titles, 15)
    picked = {"names and terms": names}
    for size in (2, 3, 4):
        found = []
        while len(found) < 15:
            run = rng.choice(runs)
            start = rng.randrange(0, len(run) - size + 1)
            found.append(run[start : start + size])
        picked[f"{size} characters"] = found
    pages = len(texts)
    singles = sorted(c for c, n in doc_freq.items() if HAN.fullmatch(c) and 3 <= n <= max(5, pages // 8))
    picked["1 character"] = rng.sample(singles, 8)
    return picked


# Building (in a child process, so that its peak memory is its own) --------------------------------


def tree_rss(pid):
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, AttributeError):
            continue
    return total


def build_child(args):
    """Entry point of the child: build (or update) the index, print timings as JSON."""
    setup_django()
    from cms.sitesearch import index as search

    manifest = json.loads(Path(args.manifest).read_text("utf-8"))
    started = time.perf_counter()
    stats = search.build_index(
        args.site, args.content, manifest, previous=args.previous or None, cache_dir=args.cache, target=args.target
    )
    stats["seconds"] = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    stats["cpu"] = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    stats["maxrss_python"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(stats))


def run_build(workdir, site, content, manifest, *, previous=None, cache, target):
    manifest_file = workdir / "manifest.json"
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    command = [
        sys.executable,
        __file__,
        "build-child",
        "--site",
        str(site),
        "--content",
        str(content),
        "--manifest",
        str(manifest_file),
        "--cache",
        str(cache),
        "--target",
        str(target),
    ]
    if previous:
        command += ["--previous", str(previous)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    out = process.stdout.read()
    if process.returncode:
        raise SystemExit(f"build failed ({process.returncode})")
    stats = json.loads(out.strip().splitlines()[-1])
    stats["peak_tree_rss"] = peak
    return stats


# Serving and the browser ----------------------------------------------------------------------------

SEARCH_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>搜索</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head><body>
<form class="kepu-search" role="search" action="./" method="get"><input type="search" name="q" aria-label="搜索">
<button type="submit">搜索</button></form><p class="kepu-search__status" role="status"></p>
<div class="kepu-search__suggest" hidden></div>
<ol class="kepu-search__results"></ol><button class="kepu-search__more" type="button" hidden>显示更多</button>
<script type="module" src="../assets/kepu-search.js"></script></body></html>
"""
TEXT_TYPES = (".html", ".js", ".json", ".css")


class Handler(SimpleHTTPRequestHandler):
    use_gzip = False

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if self.use_gzip and path.endswith(TEXT_TYPES) and "gzip" in self.headers.get("Accept-Encoding", ""):
            try:
                data = gzip.compress(Path(path).read_bytes(), 6)
            except OSError:
                return super().send_head()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            from io import BytesIO

            return BytesIO(data)
        return super().send_head()


def serve(site, use_gzip):
    handler = type("H", (Handler,), {"use_gzip": use_gzip})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def kind_of(url):
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    folder = url.split("?", 1)[0].rsplit("/", 2)[-2] if url.count("/") > 3 else ""
    kinds = {"g": "postings (pairs)", "c": "postings (chars)", "d": "result records"}
    if folder.startswith("t2s-"):
        return "t2s table"
    if folder in kinds:
        return kinds[folder]
    for suffix in ("kepu-search.js", "shards.json", "pages.json"):
        if name.endswith(suffix):
            return suffix
    return "search page"


def measure_query(browser, base, query):
    """Bytes (by kind) Chromium receives from opening search/?q=<query> to the results shown."""
    from urllib.parse import quote

    context = browser.new_context()
    outside = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(base)
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, sizes = {}, {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(f"{base}/search/?q={quote(query)}")
    page.wait_for_function(
        "document.querySelector('.kepu-search__result') || /没有找到|无法使用/.test("
        "document.querySelector('.kepu-search__status').textContent)",
        timeout=120_000,
    )
    page.wait_for_load_state("networkidle")
    by_kind = {}
    for request_id, size in sizes.items():
        kind = kind_of(urls.get(request_id, ""))
        by_kind[kind] = by_kind.get(kind, 0) + size
    shown = page.locator(".kepu-search__result").count()
    context.close()
    assert not outside, outside
    return by_kind, shown


# The run --------------------------------------------------------------------------------------------


def run(pages, args, browser, out):
    setup_django()
    from cms.sitesearch import index as search

    workdir = Path(tempfile.mkdtemp(prefix=f"kepu-search-{pages}-"))
    try:
        content, site, cache = workdir / "content", workdir / "site", workdir / "cache"
        sample, sample_paths = write_sample(content)
        manifest = {"pages": {**write_corpus(content, pages - len(sample)), **sample}}
        texts = {search.page_url(p): text_of(search, content / p) for p in manifest["pages"]}
        full = run_build(workdir, site, content, manifest, cache=cache, target=args.target)
        out(f"\n## {pages} pages: {full['shards']} shards (at most {args.target} pages each)\n")
        out(
            f"full build: {full['seconds']:.1f} s ({full['cpu']:.1f} s CPU); peak memory (process tree, sampled) "
            f"{full['peak_tree_rss'] / 2**20:.0f} MiB; maxrss {full['maxrss_python'] / 2**20:.0f} MiB"
        )
        size = sum(f.stat().st_size for f in (site / "search").rglob("*") if f.is_file())
        out(f"index on disk: {size / 2**20:.1f} MiB in {sum(1 for _ in (site / 'search').rglob('*'))} files")

        # One page changes: a new build folder, with the previous build's index to reuse.
        changed = sorted(manifest["pages"])[pages // 2]
        target = content / changed
        target.write_bytes(target.read_bytes() + "\n补记：一页改动。\n".encode())
        manifest["pages"][changed]["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
        site2 = workdir / "site2"
        update = run_build(workdir, site2, content, manifest, previous=site / "search", cache=cache, target=args.target)
        out(
            f"update after one changed page: {update['seconds']:.1f} s ({update['cpu']:.1f} s CPU) "
            f"({update['built']} shard rebuilt, {update['linked']} reused); peak "
            f"{update['peak_tree_rss'] / 2**20:.0f} MiB"
        )
        texts[search.page_url(changed)] = text_of(search, target)
        shutil.rmtree(site)
        (site2 / "search" / "index.html").write_text(SEARCH_PAGE, encoding="utf-8")
        (site2 / "assets").mkdir()
        shutil.copy(ROOT / "themes" / "assets" / "kepu-search.js", site2 / "assets" / "kepu-search.js")

        rng = random.Random(pages)
        asked = queries(texts, rng)
        server = serve(site2, use_gzip=False)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/search/")
        page.wait_for_function("window.kepuSearch")
        from tests.publish.site_search_queries import QUERIES, misses, recall_by_class

        # searchUrls one query after the other (what searchMany does; an older client has only searchUrls).
        every = ("async qs => { const out = {}; "
                 "for (const q of qs) out[q] = await window.kepuSearch.searchUrls(q); return out; }")
        found = page.evaluate(every, [query for query, _, _ in QUERIES])
        where = {slug: "/" + search.page_url(path) for slug, path in sample_paths.items()}.__getitem__
        out(f"\nthe query set ({len(QUERIES)} queries, tests/publish/site_search_queries.py), by class:")
        for kind, (recall, mrr) in sorted(recall_by_class(found, where).items()):
            asked_here = sum(1 for q in QUERIES if q[2] == kind)
            out(f"  {kind:<14} {asked_here:>3} queries  recall@10 {recall:6.1%}  MRR {mrr:.2f}")
        for query, slug in misses(found, where)[:10]:
            out(f"    not in the first ten for {query}: {slug}")
        out("\nrecall (pages found / pages holding the query) and precision, by kind of query:")
        misses = []
        for kind, items in asked.items():
            found_total = truth_total = hit_total = 0
            for query in items:
                truth = {"/" + url for url, text in texts.items() if query.lower() in text}
                found = set(page.evaluate("q => window.kepuSearch.searchUrls(q)", query))
                hit = len(found & truth)
                found_total, truth_total, hit_total = (
                    found_total + len(found),
                    truth_total + len(truth),
                    hit_total + hit,
                )
                if hit < len(truth):
                    misses.append((query, len(truth) - hit, sorted(truth - found)[:3]))
            recall = hit_total / truth_total if truth_total else 1.0
            precision = hit_total / found_total if found_total else 1.0
            out(
                f"  {kind:<16} {len(items):>3} queries  recall {recall:7.2%} ({hit_total}/{truth_total})  "
                f"precision {precision:7.2%}"
            )
        for query, missed, sample in misses[:10]:
            out(f"    missed for {query}: {missed} page(s), e.g. {sample}")
        context.close()
        server.shutdown()

        for use_gzip in (False, True):
            server = serve(site2, use_gzip=use_gzip)
            base = f"http://127.0.0.1:{server.server_address[1]}"
            totals, kinds = [], {}
            sample = (
                asked["names and terms"][:3]
                + asked["2 characters"][:3]
                + asked["3 characters"][:2]
                + asked["1 character"][:1]
                + [query for query, _, _ in QUERIES[::4]]
            )
            for query in sample:
                by_kind, _ = measure_query(browser, base, query)
                totals.append(sum(by_kind.values()))
                for kind, size in by_kind.items():
                    kinds.setdefault(kind, []).append(size)
            server.shutdown()
            label = "gzip for text files" if use_gzip else "served as-is"
            out(
                f"\nbytes for one query, cold ({label}; {len(sample)} queries): median "
                f"{statistics.median(totals) / 1024:.0f} KB, max {max(totals) / 1024:.0f} KB"
            )
            for kind, sizes in sorted(kinds.items(), key=lambda kv: -statistics.median(kv[1])):
                out(f"  {kind:<16} median {statistics.median(sizes) / 1024:7.1f} KB")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            out(f"kept {workdir}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    child = sub.add_parser("build-child")
    for name in ("--site", "--content", "--manifest", "--cache", "--previous"):
        child.add_argument(name)
    child.add_argument("--target", type=int)
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--target", type=int, default=None, help="pages per shard (default: the module's)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    if args.command == "build-child":
        return build_child(args)
    setup_django()
    from playwright.sync_api import sync_playwright

    from cms.sitesearch import index as search
    from tests.browser import ARGS, CHROMIUM

    args.target = args.target or search.SHARD_TARGET
    print(f"$ python bench/search_recall.py {' '.join(sys.argv[1:])}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for pages in args.pages:
            run(pages, args, browser, lambda line: print(line, flush=True))
        browser.close()


if __name__ == "__main__":
    main()
