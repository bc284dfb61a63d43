"""Chinese search for the public site: a static index of Han character pairs, in small files.

Search engines for static sites split words on spaces and punctuation, so a run of Han characters
is one word and a search for 钱学森 inside 中国航天之父钱学森 finds nothing. Here every page's text
is indexed as the overlapping character pairs of its Han runs (``cms.core.search.han_bigrams``,
the function admin search uses; themes/assets/kepu-search.js applies the same rule to a query),
its single Han characters, and its other words in lower case. No dictionary: indexing and querying
never split a name differently, and every Chinese substring is found.

A reader's browser fetches only what a query needs: for each of its terms one small postings file
per shard, then the records of the results it shows. Pages go to ``shard_count(pages)`` shards by a
hash of their path; in a shard, terms go to ``grams`` (pairs and words) or ``chars`` (characters)
files by a hash of the term (``term_hash``, the same in the script). So memory stays bounded by a
shard while building, and a publish rebuilds only the shards whose pages changed: each shard's
folder is named by a digest of its pages' content hashes, unchanged ones are kept or hard-linked
from the live build. Each page's record (its text and what a result shows) is cached by the content
hash of its document, so an unchanged page is not read or tokenised again.

Why not Pagefind fed the same pairs as custom records: a query would download megabytes at 10,000
pages, and its prefix search misses some one-character queries (bench/README, "Measurements").

Layout of search/ (files are never rewritten in place: the build folder may hold hard links into
the live build, so new folders are written under a temporary name and renamed into place; files
are 0644 and folders 0755 whatever the umask, for a web server running as another user)::

    shards.json                    {"version", "docs", "shards": [{"dir", "docs", "grams", "chars"}]}
    s/<shard>-<digest>/g/<hex>.bin postings of the pairs and words whose hash falls in that bucket
    s/<shard>-<digest>/c/<hex>.bin postings of single characters
    s/<shard>-<digest>/d/<n>.json  page n of the shard: url, title, programme, date, text
    s/<shard>-<digest>/pages.json  the shard's page URLs by number (verification, tests)

A postings file is a sequence of entries sorted by term: varint byte length, the term in UTF-8,
varint count, then per page varint((gap << 1) | (weight > 1)) and varint(weight) when it is > 1;
gap is the page number minus the previous one minus 1 (the first counts from -1).
"""

import hashlib
import html
import json
import math
import os
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from cms.core.search import HAN_RUN, han_bigrams
from cms.publish import fsutil
from cms.publish.paths import page_url

SEARCH_DIR = "search"
SHARDS_FILE = "shards.json"
PAGES_FILE = "pages.json"
# Theme templates rendered as pages of their own: the search page (a form with ?q=).
STATIC_TEMPLATES = ["search/index.html"]
EXTRA_HTML = {"search/index.html"}
# Bump when what goes into a record or a shard changes: cached records and shards are rebuilt.
FORMAT = 1
# Pages per shard the shard count aims at (a power of two: each shard holds half of it up to all).
SHARD_TARGET = 2000
# A title's words count this many times over (results whose title holds the query come first).
TITLE_WEIGHT = 5
_WORD = re.compile(r"\w+")
_HAN_CHAR = re.compile(HAN_RUN.pattern.removesuffix("+"))  # one Han character


# Text and terms -----------------------------------------------------------------------------------

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
    try:
        meta = json.loads(match.group(1))  # what the export writes; any other YAML is read as YAML
    except ValueError:
        meta = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return meta, text[match.end() :]


# A backslash escape (md_text's ``\{`` ``\*`` …) is the character itself: kept out of the patterns'
# way as a private-use code point for the one character, then put back.
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~])")
_HIDDEN = 0xF0000
_UNHIDE = re.compile("[\U000F0000-\U000F007F]")


def plain_text(markdown):
    r"""Readable text of a Markdown body: link and image text kept, markup and URLs dropped; what is
    escaped in it (``\{x\}``) reads as the characters (``{x}``)."""
    markdown = _ESCAPED.sub(lambda match: chr(_HIDDEN + ord(match.group(1))), markdown)
    for pattern, replacement in _MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    markdown = _UNHIDE.sub(lambda match: chr(ord(match.group()) - _HIDDEN), markdown)
    return " ".join(html.unescape(markdown).split())


def make_record(data):
    """What a page contributes to search: title, programme, date and text (description and body)."""
    meta, body = split_document(data)
    record = {"title": str(meta.get("title") or "")}
    for key, name in (("programme_title", "programme"), ("date", "date")):
        if meta.get(key):
            record[name] = str(meta[key])
    parts = (str(meta.get("description") or ""), plain_text(body))
    record["text"] = "\n".join(part for part in parts if part)
    return record


def record_text(record):
    """Everything a search runs over: title and text."""
    return f"{record['title']}\n{record['text']}"


def terms(text):
    """Index terms of a text: Han character pairs (and one-character runs), other words in lower case."""
    found = han_bigrams(" ".join(HAN_RUN.findall(text))).split()
    found.extend(word for word in _WORD.findall(HAN_RUN.sub(" ", text).lower()) if len(word) <= 40)
    return found


def term_hash(term):
    """32-bit polynomial hash over code points (kepu-search.js computes the same)."""
    value = 0
    for char in term:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value


class RecordCache:
    """Records by the sha256 of their document, so an unchanged page is never read or tokenised again."""

    def __init__(self, root, digests=None):
        self.root = Path(root) if root else None
        self.digests = {} if digests is None else digests  # document sha256 → digest of its record

    def _path(self, sha):
        return self.root / sha[:2] / f"{sha}.json"

    def get(self, sha, load):
        if self.root is not None:
            try:
                cached = json.loads(self._path(sha).read_bytes())
                if cached.get("format") == FORMAT:
                    return cached["record"]
            except (OSError, ValueError, KeyError):
                pass
        record = make_record(load())
        if self.root is not None:
            data = json.dumps({"format": FORMAT, "record": record}, ensure_ascii=False).encode("utf-8")
            fsutil.atomic_write(self._path(sha), data)
        return record

    def digest(self, sha, load):
        """A digest of the record of the document with this sha256 (remembered in ``digests``)."""
        if sha not in self.digests:
            record = json.dumps(self.get(sha, load), ensure_ascii=False, sort_keys=True).encode("utf-8")
            self.digests[sha] = hashlib.sha256(record).hexdigest()[:16]
        return self.digests[sha]

    def prune(self, keep):
        """Forget records of documents no longer published."""
        for sha in set(self.digests) - set(keep):
            del self.digests[sha]
        if self.root is None or not self.root.is_dir():
            return
        for path in self.root.glob("*/*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)


# Shards -------------------------------------------------------------------------------------------


def shard_count(pages, target=SHARD_TARGET):
    """A power of two, so that doubling it splits every shard in two."""
    return 1 << max(0, math.ceil(math.log2(max(1, pages) / target)))


def shard_of(path, count):
    return int(hashlib.sha1(path.encode("utf-8")).hexdigest()[:8], 16) % count


def bucket_counts(docs):
    """(grams, chars) postings files for a shard of ``docs`` pages: a few KB each."""
    grams = 1 << max(6, math.ceil(math.log2(max(1, docs) * 0.8)))
    return grams, max(16, grams // 8)


def plan_shards(pages, target=SHARD_TARGET):
    """{shard folder name: [(document path, sha256)]}. ``pages`` is {document path: (sha256, record
    digest)}; a shard's name changes only when one of its pages' search records does, so a listing
    page whose cards changed (a new story under a programme) does not rebuild its shard."""
    count = shard_count(len(pages), target)
    groups = {}
    for path, (sha, record) in sorted(pages.items()):
        groups.setdefault(shard_of(path, count), []).append((path, sha, record))
    plan = {}
    for number, entries in sorted(groups.items()):
        digest = hashlib.sha256(f"{FORMAT} {TITLE_WEIGHT} {count}".encode())
        for path, _sha, record in entries:
            digest.update(f"\0{path} {record}".encode())
        plan[f"{number:03d}-{digest.hexdigest()[:16]}"] = [(path, sha) for path, sha, _record in entries]
    return plan


def _encode(entries):
    """One postings file: ``entries`` is [(term, [page << 8 | weight])] sorted by term."""
    out = bytearray()
    append = out.append

    def varint(value):
        while value >= 0x80:
            append((value & 0x7F) | 0x80)
            value >>= 7
        append(value)

    for term, postings in entries:
        raw = term.encode("utf-8")
        varint(len(raw))
        out.extend(raw)
        varint(len(postings))
        previous = -1
        for value in postings:
            page = value >> 8
            weight = value & 0xFF
            code = (page - previous - 1) << 1
            previous = page
            if weight == 1:
                if code < 0x80:
                    append(code)
                else:
                    varint(code)
            else:
                varint(code | 1)
                varint(weight)
    return bytes(out)


def read_postings(path):
    """{term: [(page, weight)]} of one postings file: what ``_encode`` wrote, read back (tests,
    benchmarks; the browser reads it in themes/assets/kepu-search.js)."""
    data, at, table = Path(path).read_bytes(), 0, {}

    def varint():
        nonlocal at
        value = shift = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while at < len(data):
        length = varint()
        term = data[at : at + length].decode("utf-8")
        at += length
        page, postings = -1, []
        for _ in range(varint()):
            code = varint()
            page += (code >> 1) + 1
            postings.append((page, varint() if code & 1 else 1))
        table[term] = postings
    return table


def _write_postings(folder, postings, buckets):
    fsutil.make_dir(folder)
    files = [[] for _ in range(buckets)]
    for term in postings:
        files[term_hash(term) % buckets].append(term)
    for number, names in enumerate(files):
        names.sort()
        fsutil.write_file(folder / f"{number:x}.bin", _encode([(name, postings[name]) for name in names]))


def write_shard(folder, pages):
    """Write one shard into the empty ``folder``: ``pages`` is [(url, record)] in page-number order."""
    folder = Path(folder)
    grams, chars = defaultdict(list), defaultdict(list)  # term → [page << 8 | weight]
    fsutil.make_dir(folder / "d")
    for number, (url, record) in enumerate(pages):
        base = number << 8
        counts = Counter(terms(record["text"]))
        for term in terms(record["title"]):
            counts[term] += TITLE_WEIGHT
        for term, count in counts.items():
            grams[term].append(base | (count if count < 255 else 255))
        for char, count in Counter(_HAN_CHAR.findall(record_text(record))).items():
            chars[char].append(base | (count if count < 255 else 255))
        shown = {"url": url, **record}
        fsutil.write_file(folder / "d" / f"{number}.json", json.dumps(shown, ensure_ascii=False))
    gram_files, char_files = bucket_counts(len(pages))
    _write_postings(folder / "g", grams, gram_files)
    _write_postings(folder / "c", chars, char_files)
    fsutil.write_file(folder / PAGES_FILE, json.dumps([url for url, _ in pages], ensure_ascii=False))
    return {"docs": len(pages), "grams": gram_files, "chars": char_files}


def _place(folder, build, earlier):
    """Make ``folder`` exist: keep it, hard-link it from an earlier build, or ``build(tmp)`` it."""
    if folder.is_dir():
        return "kept"
    fsutil.make_dir(folder.parent, exist_ok=True)
    tmp = fsutil.make_temp_dir(folder.parent, ".tmp-")  # 0755: nginx's user reads it once renamed
    try:
        if earlier is not None and earlier.is_dir():
            tmp.rmdir()
            fsutil.link_tree(earlier, tmp)
            how = "linked"
        else:
            build(tmp)
            how = "built"
        os.rename(tmp, folder)
        return how
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def mirror(source, target):
    """Make the search folder ``target`` hold exactly the index in ``source``, sharing its files
    (shard folders are named by their content: a folder of the same name is the same shard)."""
    source, target = Path(source), Path(target)
    wanted = {path.name for path in (source / "s").iterdir()} if (source / "s").is_dir() else set()
    fsutil.make_dir(target / "s", exist_ok=True)
    for name in wanted:
        _place(target / "s" / name, None, source / "s" / name)
    for path in (target / "s").iterdir():
        if path.name not in wanted:
            _remove(path)
    (target / SHARDS_FILE).unlink(missing_ok=True)
    if (source / SHARDS_FILE).is_file():
        os.link(source / SHARDS_FILE, target / SHARDS_FILE)


def _default_cache_dir():
    try:
        from django.conf import settings

        return Path(settings.KEPU_BUILDS_DIR).parent / "search-cache"
    except Exception:
        return None


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def build_index(site_dir, content_dir, manifest, progress=None, *, previous=None, cache_dir=None, target=SHARD_TARGET,
                digests=None):
    """Write the search index of ``manifest["pages"]`` under ``site_dir/search/``.

    ``previous``: an earlier build's search folder to take unchanged shards from (if any).
    ``digests``: {document sha256: record digest} a long-lived caller keeps between builds.
    Returns counts: pages, shards, and how many shards were built, linked or kept.
    """
    progress = progress or (lambda stage, done=None, total=None: None)
    site_dir, content_dir = Path(site_dir), Path(content_dir)
    search_dir = site_dir / SEARCH_DIR
    fsutil.make_dir(search_dir, exist_ok=True)
    previous = Path(previous) if previous else None
    cache = RecordCache(cache_dir if cache_dir is not None else _default_cache_dir(), digests)
    pages = manifest.get("pages", {})
    plan = plan_shards({
        path: (entry["sha256"], cache.digest(entry["sha256"], lambda path=path: (content_dir / path).read_bytes()))
        for path, entry in pages.items()
    }, target)
    stats = {"pages": len(pages), "shards": len(plan), "built": 0, "linked": 0, "kept": 0}
    shards = []
    for done, (name, entries) in enumerate(plan.items(), 1):
        progress("search", done, len(plan))

        def build(tmp, entries=entries):
            records = [
                (page_url(path), cache.get(sha, lambda path=path: (content_dir / path).read_bytes()))
                for path, sha in entries
            ]
            write_shard(tmp, records)

        folder = search_dir / "s" / name
        stats[_place(folder, build, previous / "s" / name if previous else None)] += 1
        grams, chars = bucket_counts(len(entries))
        shards.append({"dir": f"s/{name}/", "docs": len(entries), "grams": grams, "chars": chars})

    listing = {"version": FORMAT, "docs": len(pages), "shards": shards}
    data = (json.dumps(listing, ensure_ascii=False) + "\n").encode("utf-8")
    listing_file = search_dir / SHARDS_FILE
    if not listing_file.is_file() or listing_file.read_bytes() != data:
        fsutil.atomic_write(listing_file, data)

    # Whatever an earlier build left here that this one does not list.
    if (search_dir / "s").is_dir():
        for path in (search_dir / "s").iterdir():
            if path.name not in plan:
                _remove(path)
    for path in search_dir.iterdir():
        if path.name not in (SHARDS_FILE, "s", "index.html"):
            _remove(path)
    cache.prune({entry["sha256"] for entry in pages.values()})
    return stats


# Verification -------------------------------------------------------------------------------------


def verify(site_dir, page_urls):
    """Problems with the search index: broken, missing a page, or holding a page no longer published."""
    search_dir = Path(site_dir) / SEARCH_DIR
    try:
        listing = json.loads((search_dir / SHARDS_FILE).read_text("utf-8"))
        shards = listing["shards"]
    except FileNotFoundError:
        return [f"搜索索引缺失：{SEARCH_DIR}/{SHARDS_FILE}"]
    except (ValueError, KeyError, TypeError) as error:
        return [f"搜索索引无法解析：{SEARCH_DIR}/{SHARDS_FILE}（{error}）"]
    problems = []
    indexed = []
    for shard in shards:
        folder = search_dir / shard.get("dir", "")
        label = f"{SEARCH_DIR}/{shard.get('dir', '')}"
        try:
            urls = json.loads((folder / PAGES_FILE).read_text("utf-8"))
        except (OSError, ValueError) as error:
            problems.append(f"搜索索引分片损坏：{label}（{error}）")
            continue
        counts = {
            "d": sum(1 for _ in (folder / "d").glob("*.json")),
            "g": sum(1 for _ in (folder / "g").glob("*.bin")),
            "c": sum(1 for _ in (folder / "c").glob("*.bin")),
        }
        wanted = {"d": shard.get("docs"), "g": shard.get("grams"), "c": shard.get("chars")}
        if len(urls) != shard.get("docs") or counts != wanted:
            problems.append(f"搜索索引分片 {label} 不完整：应有 {wanted}，实有 {counts}")
        indexed.extend(urls)
    if sum(s.get("docs", 0) for s in shards) != listing.get("docs"):
        problems.append("搜索索引的页面总数与分片不符")
    expected = set(page_urls)
    missing = sorted(expected - set(indexed))
    if missing:
        shown = "、".join(url or "/" for url in missing[:5])
        problems.append(f"搜索索引不完整：{len(missing)} 个页面未被索引（{shown}…）")
    stale = sorted(set(indexed) - expected)
    if stale:
        shown = "、".join(url or "/" for url in stale[:5])
        problems.append(f"搜索索引包含 {len(stale)} 个已不公开的页面（{shown}…）")
    if len(indexed) != len(set(indexed)):
        problems.append("搜索索引中有重复的页面")
    return problems
