"""Chinese search for the public site: a sharded Pagefind index over Han character pairs.

Pagefind splits words on spaces and punctuation, so a run of Han characters would be one word and
a search for 钱学森 inside 中国航天之父钱学森 would find nothing. Each page is therefore indexed as
the overlapping character pairs of its text (``cms.core.search.han_bigrams``, the function admin
search uses; the browser applies the same rule to the query, themes/assets/kepu-search.js), fed to
standard Pagefind as a custom record. No dictionary: indexing and querying never split a name
differently, and every Chinese substring of two or more characters is found.

The index is sharded so that neither memory nor an update grows with the site: every page goes to
one of ``shard_count(pages)`` buckets by a hash of its path; each bucket is its own Pagefind index
in ``search/s/<bucket>-<digest>/``, named by a digest of its pages' content hashes, and the browser
merges them (Pagefind's ``mergeIndex``). A publish rebuilds only buckets whose pages changed; the
others are kept (or hard-linked from the live build). ``search/b-<version>/`` holds Pagefind's
script and WebAssembly with the primary index (one record: the search page), ``search/shards.json``
lists the shard folders. Each page's record is cached by the content hash of its document.

Files are never rewritten in place (the build folder may hold hard links into the live build):
new folders are written under a temporary name and renamed into place.
"""

import base64
import hashlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from importlib.metadata import version
from pathlib import Path

import yaml

from cms.core.search import HAN_RUN, han_bigrams

from . import fsutil

SEARCH_DIR = "search"
SHARDS_FILE = "shards.json"
PAGES_FILE = "kepu-pages.json"  # in each shard: the URLs it holds (for verification, never fetched)
# Theme templates rendered as pages of their own (the search page, with its ?q= form).
STATIC_TEMPLATES = ["search/index.html"]
EXTRA_HTML = {"search/index.html"}
# Bump when what goes into a record changes: cached records and shards are then rebuilt.
RECORD_FORMAT = 1
# Pages per shard the shard count aims at (it is a power of two, so each shard holds 1/2..1 of it).
SHARD_TARGET = 500
LANGUAGE = "zh"
# Index each run's last character too (see index_text); off only to measure what it is for.
RUN_ENDS = True
# What a shard folder keeps of Pagefind's output; the bundle folder also keeps the script and wasm.
_SHARD_FILES = ("pagefind-entry.json",)
_SHARD_DIRS = ("index", "fragment", "filter")
_BUNDLE_FILES = ("pagefind.js", "wasm.unknown.pagefind")


class SearchIndexError(Exception):
    pass


def mkdocs_plugins():
    """MkDocs plugins for search: none. Material's own search (lunr) is replaced by this module."""
    return []


# Records ------------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_MARKDOWN = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → their alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"\{[^{}\n]*\}"), " "),  # attribute lists { srcset=… width=… }
    (re.compile(r"<[^<>]*>"), " "),  # raw HTML tags (figures, captions, embeds)
    (re.compile(r"[*_`#>|~\\]+"), " "),  # emphasis, headings, quotes, tables, escapes
]


def split_document(data):
    """(front matter dict, Markdown body) of an exported document."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return meta, text[match.end():]


def plain_text(markdown):
    """Readable text of a Markdown body: link and image text kept, markup and URLs dropped."""
    for pattern, replacement in _MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    return " ".join(html.unescape(markdown).split())


def record_text(data):
    """(front matter, the text a search runs over: title, description and body) of a document."""
    meta, body = split_document(data)
    parts = (str(meta.get("title") or ""), str(meta.get("description") or ""), plain_text(body))
    return meta, "\n".join(part for part in parts if part)


def index_text(text, run_ends=None):
    """``han_bigrams(text)``, and after each run of Han characters its last character alone.

    Pagefind matches a one-character query against the start of words, and the last character of
    a run (有钱 in 没有钱。) starts no pair: without it, 钱 would miss that page. Longer queries
    never ask for a single character, so the extra word changes nothing for them.
    """
    if not (RUN_ENDS if run_ends is None else run_ends):
        return han_bigrams(text)

    def pairs_and_end(match):
        run = match.group()
        return f" {han_bigrams(run)} {run[-1]} " if len(run) > 1 else f" {run} "

    return " ".join(HAN_RUN.sub(pairs_and_end, text).split())


def make_record(data):
    """What Pagefind indexes for one document: its text as Han pairs, and what a result shows."""
    meta, text = record_text(data)
    shown = {"title": str(meta.get("title") or "")}
    for key, name in (("programme_title", "programme"), ("date", "date")):
        if meta.get(key):
            shown[name] = str(meta[key])
    return {"content": index_text(text), "meta": shown}


def page_url(doc_path):
    """Site-relative directory URL of a document path (``a/b.md`` → ``a/b/``, ``index.md`` → ``""``)."""
    if doc_path == "index.md":
        return ""
    if doc_path.endswith("/index.md"):
        return doc_path[: -len("index.md")]
    return doc_path[: -len(".md")] + "/"


class RecordCache:
    """Records by the sha256 of their document, so an unchanged page is never tokenised again."""

    def __init__(self, root):
        self.root = Path(root) if root else None

    def _path(self, sha):
        return self.root / sha[:2] / f"{sha}.json"

    def get(self, sha, load):
        if self.root is not None:
            try:
                cached = json.loads(self._path(sha).read_bytes())
                if cached.get("format") == RECORD_FORMAT:
                    return cached["record"]
            except (OSError, ValueError, KeyError):
                pass
        record = make_record(load())
        if self.root is not None:
            data = json.dumps({"format": RECORD_FORMAT, "record": record}, ensure_ascii=False).encode()
            fsutil.atomic_write(self._path(sha), data)
        return record

    def prune(self, keep):
        """Forget records of documents no longer published."""
        if self.root is None or not self.root.is_dir():
            return
        for path in self.root.glob("*/*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)


# Shards -------------------------------------------------------------------------------------------

def pagefind_version():
    return version("pagefind-bin")


def shard_count(pages, target=SHARD_TARGET):
    """A power of two, so that doubling it splits every shard in two."""
    return 1 << max(0, math.ceil(math.log2(max(1, pages) / target)))


def shard_of(path, count):
    return int(hashlib.sha1(path.encode("utf-8")).hexdigest()[:8], 16) % count


def _digest(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def plan_shards(pages, target=SHARD_TARGET):
    """{shard folder name: [(document path, sha256)]} for the manifest's pages."""
    count = shard_count(len(pages), target)
    buckets = {}
    for path, entry in sorted(pages.items()):
        buckets.setdefault(shard_of(path, count), []).append((path, entry["sha256"]))
    plan = {}
    for bucket, entries in sorted(buckets.items()):
        digest = _digest(RECORD_FORMAT, pagefind_version(), count, *(f"{p} {s}" for p, s in entries))
        plan[f"{bucket:03d}-{digest}"] = entries
    return plan


class _Pagefind:
    """Pagefind's indexing service (``pagefind --service``), spoken to directly and synchronously.

    The ``pagefind`` Python package wraps the same protocol in asyncio but waits 0.1 s before reading
    each reply (1,000 records → 100 s). Always standard Pagefind (``pagefind_bin``), never extended:
    its Chinese segmenter would split the character pairs again.
    """

    def __init__(self):
        from pagefind_bin import get_executable

        self.process = subprocess.Popen(
            [str(get_executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.message_id = 0
        self.pending = b""

    def send(self, payload):
        self.message_id += 1
        message = {"message_id": self.message_id, "payload": payload}
        self.process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        self.process.stdin.flush()
        while b"," not in self.pending:
            chunk = self.process.stdout.read1(1 << 16)
            if not chunk:
                raise SearchIndexError("Pagefind 意外退出")
            self.pending += chunk
        reply, _, self.pending = self.pending.partition(b",")
        answer = json.loads(base64.b64decode(reply))["payload"]
        if answer.get("type") == "Error":
            raise SearchIndexError(f"Pagefind 报错：{answer.get('message')}")
        return answer

    def close(self):
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def write_index(self, records, output):
        """Index ``records`` ({url, content, meta}) and write Pagefind's files into ``output``."""
        index = self.send({"type": "NewIndex", "config": None})["index_id"]
        for record in records:
            self.send({"type": "AddRecord", "index_id": index, "url": record["url"], "content": record["content"],
                       "language": LANGUAGE, "meta": record["meta"], "filters": None, "sort": None})
        self.send({"type": "WriteFiles", "index_id": index, "output_path": str(output)})
        self.send({"type": "DeleteIndex", "index_id": index})


def _write_pagefind(records, output):
    try:
        service = _Pagefind()
    except (ImportError, OSError) as error:
        raise SearchIndexError(f"无法启动 Pagefind（pip install pagefind-bin）：{error}") from error
    try:
        service.write_index(records, output)
    finally:
        service.close()


def _keep_only(folder, files, dirs):
    for path in Path(folder).iterdir():
        keep = path.name in dirs if path.is_dir() else (path.name in files or path.suffix == ".pf_meta")
        if not keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _link_tree(source, target):
    """Copy a folder as hard links (its files are never written in place), or as copies."""

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


def _place(folder, build, candidates):
    """Make ``folder`` exist: keep it, hard-link it from an earlier build, or ``build(tmp)`` it."""
    if folder.is_dir():
        return "kept"
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    try:
        source = next((c for c in candidates if c.is_dir()), None)
        if source is not None:
            tmp.rmdir()
            _link_tree(source, tmp)
            how = "linked"
        else:
            build(tmp)
            how = "built"
        os.rename(tmp, folder)
        return how
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _live_search_dir(site_dir):
    """The live build's search folder, whose unchanged shards this build can reuse."""
    try:
        from . import swap

        live = Path(os.path.realpath(swap.site_link())) / SEARCH_DIR
    except Exception:  # no Django settings (benchmarks), no live build yet …
        return None
    if live.is_dir() and os.path.realpath(live) != os.path.realpath(Path(site_dir) / SEARCH_DIR):
        return live
    return None


def _default_cache_dir():
    try:
        from django.conf import settings

        return Path(settings.KEPU_BUILDS_DIR).parent / "search-cache"
    except Exception:
        return None


def build_index(site_dir, content_dir, manifest, progress=None, *, previous=None, cache_dir=None,
                target=SHARD_TARGET):
    """Write the search index for ``manifest["pages"]`` under ``site_dir/search/``.

    ``previous``: an earlier build's search folder to take unchanged shards from (default: the live
    site's). Returns counts: pages, shards, and how many shards were built, linked or kept.
    """
    progress = progress or (lambda stage, done=None, total=None: None)
    site_dir, content_dir = Path(site_dir), Path(content_dir)
    search_dir = site_dir / SEARCH_DIR
    search_dir.mkdir(parents=True, exist_ok=True)
    previous = Path(previous) if previous else _live_search_dir(site_dir)
    cache = RecordCache(cache_dir if cache_dir is not None else _default_cache_dir())
    pages = manifest.get("pages", {})
    plan = plan_shards(pages, target)
    stats = {"pages": len(pages), "shards": len(plan), "built": 0, "linked": 0, "kept": 0}

    def candidates(name):
        return [previous / name] if previous else []

    bundle = f"b-{pagefind_version()}-{RECORD_FORMAT}"

    def build_bundle(tmp):
        # The primary index every shard is merged into: Pagefind's script and wasm, and one record.
        _write_pagefind([{"url": SEARCH_DIR + "/", "content": han_bigrams("搜索"), "meta": {"title": "搜索"}}], tmp)
        _keep_only(tmp, _SHARD_FILES + _BUNDLE_FILES, _SHARD_DIRS)

    _place(search_dir / bundle, build_bundle, candidates(bundle))

    for done, (name, entries) in enumerate(plan.items(), 1):
        progress("search", done, len(plan))

        def build_shard(tmp, entries=entries):
            records = []
            for path, sha in entries:
                record = dict(cache.get(sha, lambda path=path: (content_dir / path).read_bytes()))
                record["url"] = page_url(path)
                records.append(record)
            _write_pagefind(records, tmp)
            _keep_only(tmp, _SHARD_FILES, _SHARD_DIRS)
            urls = [r["url"] for r in records]
            (tmp / PAGES_FILE).write_text(json.dumps(urls, ensure_ascii=False), encoding="utf-8")

        stats[_place(search_dir / "s" / name, build_shard, candidates(f"s/{name}"))] += 1

    listing = {"version": 1, "bundle": bundle + "/", "shards": [f"s/{name}/" for name in plan]}
    data = (json.dumps(listing, ensure_ascii=False, indent=0) + "\n").encode("utf-8")
    target_file = search_dir / SHARDS_FILE
    if not target_file.is_file() or target_file.read_bytes() != data:
        fsutil.atomic_write(target_file, data)

    # What an earlier build left here and this one no longer lists.
    wanted = set(plan)
    for path in (search_dir / "s").iterdir() if (search_dir / "s").is_dir() else ():
        if path.name not in wanted:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in search_dir.iterdir():
        stale_bundle = path.name.startswith("b-") and path.name != bundle
        if stale_bundle or path.name.startswith(".tmp-") or path.name == "search_index.json":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    cache.prune({entry["sha256"] for entry in pages.values()})
    return stats


# Verification -------------------------------------------------------------------------------------

def _load_json(path):
    return json.loads(Path(path).read_text("utf-8"))


def verify(site_dir, page_urls):
    """Problems with the search index: broken, missing a page, or holding a page no longer published."""
    search_dir = Path(site_dir) / SEARCH_DIR
    try:
        listing = _load_json(search_dir / SHARDS_FILE)
    except FileNotFoundError:
        return [f"搜索索引缺失：{SEARCH_DIR}/{SHARDS_FILE}"]
    except ValueError as error:
        return [f"搜索索引无法解析：{SEARCH_DIR}/{SHARDS_FILE}：{error}"]
    problems = []
    bundle = search_dir / listing.get("bundle", "")
    for name in _BUNDLE_FILES:
        if not (bundle / name).is_file():
            problems.append(f"搜索索引缺少文件：{(bundle / name).relative_to(site_dir)}")
    indexed = set()
    for shard in [listing.get("bundle", "")] + listing.get("shards", []):
        folder = search_dir / shard
        label = f"{SEARCH_DIR}/{shard}"
        try:
            entry = _load_json(folder / "pagefind-entry.json")
            languages = entry["languages"]
            count = sum(language["page_count"] for language in languages.values())
            metas = [folder / f"pagefind.{language['hash']}.pf_meta" for language in languages.values()]
            urls = [SEARCH_DIR + "/"] if shard == listing.get("bundle") else _load_json(folder / PAGES_FILE)
        except (OSError, ValueError, KeyError, TypeError) as error:
            problems.append(f"搜索索引分片损坏：{label}（{error}）")
            continue
        fragments = len(list((folder / "fragment").glob("*.pf_fragment")))
        if entry.get("version") != pagefind_version():
            problems.append(f"搜索索引分片 {label} 的 Pagefind 版本不符：{entry.get('version')}")
        if count != len(urls) or fragments != len(urls) or not all(m.is_file() for m in metas):
            problems.append(f"搜索索引分片 {label} 不完整：应有 {len(urls)} 个页面，实有 {count} 个、片段 {fragments} 个")
        indexed.update(urls)
    indexed.discard(SEARCH_DIR + "/")
    expected = set(page_urls)
    missing = sorted(expected - indexed)
    if missing:
        shown = "、".join(url or "/" for url in missing[:5])
        problems.append(f"搜索索引不完整：{len(missing)} 个页面未被索引（{shown}…）")
    stale = sorted(indexed - expected)
    if stale:
        shown = "、".join(url or "/" for url in stale[:5])
        problems.append(f"搜索索引包含 {len(stale)} 个已不公开的页面（{shown}…）")
    return problems
