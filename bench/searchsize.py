"""What a reader downloads to search the built site for one word, found by inspecting its index.

Works on whatever search the build has:

- Kepu's own static index (``search/shards.json``, cms/sitesearch/index.py): shards.json, the
  search script, the buckets of the Traditional → Simplified table the query's characters need,
  one bucket file per query term (every shard's postings of its terms), and the records of the first
  page of results (10).
- Material for MkDocs' built-in search (``search/search_index.json``): the whole index, the search
  worker and the lunr language files it loads, before the first result shows.
- Pagefind (``pagefind/pagefind-entry.json`` anywhere in the site): its loader, the entry file, the
  WebAssembly for the language, the metadata, every index chunk whose word range covers the
  word, the filter chunks, and the fragments of the first results shown (5, Pagefind UI's page).

Returns None when the site has no index it recognises (the table then says "n/a"). Sizes are
bytes on the wire: JSON and JavaScript as a web server sends them gzip-compressed (``gzip -6``),
Pagefind's files as they are (already compressed); the uncompressed total is given too.
"""

import gzip
import json
import zlib
from pathlib import Path

RESULTS_SHOWN = 5
SIGNATURE = b"pagefind_dcd"


def _wire(path):
    data = path.read_bytes()
    if path.suffix in (".json", ".js", ".css", ".html"):
        return len(zlib.compress(data, 6)) + 18, len(data)  # gzip = deflate + header/trailer
    return len(data), len(data)


def _measured(engine, files, results, note):
    """What one search downloads: the bytes of ``files`` on the wire and as they are."""
    wire = raw = 0
    for path in files:
        w, r = _wire(path)
        wire, raw = wire + w, raw + r
    return {"engine": engine, "bytes": wire, "raw_bytes": raw, "files": len(files), "results": results, "note": note}


def _pagefind_entry(site):
    """Pagefind's entry file under site/pagefind/ or site/search/, or None."""
    for folder in (site / "pagefind", site / "search"):
        found = sorted(folder.glob("**/pagefind-entry.json")) if folder.is_dir() else []
        if found:
            return found[0]
    return None


def search_download(site_dir, word):
    """{'engine', 'bytes', 'raw_bytes', 'files', 'results', 'note'} or None."""
    site = Path(site_dir)
    if (site / "search" / "shards.json").is_file():
        return _kepu(site, word)
    entry = _pagefind_entry(site)
    if entry is not None:
        return _pagefind(entry.parent, word)
    index = site / "search" / "search_index.json"
    if index.is_file():
        return _material(site, index, word)
    return None


# Kepu's static index (cms/sitesearch/index.py) ------------------------------------------------------

KEPU_RESULTS_SHOWN = 10  # PAGE_SIZE in themes/assets/kepu-search.js


def _postings(path, term):
    """{shard position: page numbers} a bucket file lists for ``term``."""
    from cms.sitesearch import index as search

    return {shard: [page for page, _level in table.get(term, [])] for shard, table in search.read_bucket(path).items()}


def _kepu_matches(search_dir, text, *, every=False):
    """(files a query for ``text`` fetches, [(shard dir, page)] holding any of its terms, or with
    ``every`` each of its whole terms, the pairs that skip a character aside): the buckets of the
    Traditional → Simplified table its characters need, one bucket file per term."""
    from cms.core.search import HAN_RUN
    from cms.sitesearch import index as search

    listing = json.loads((search_dir / "shards.json").read_text("utf-8"))
    fold = listing["fold"]
    buckets = {ord(char) % fold["buckets"] for char in "".join(HAN_RUN.findall(text))}
    files = [search_dir / "shards.json", *(search_dir / fold["dir"] / f"{b:x}.txt" for b in sorted(buckets))]
    merged = listing["postings"]
    pages = None
    for kind, term, weight in search.query_terms(text):
        count = merged["chars"] if kind == "c" else merged["grams"]
        path = search_dir / search.bucket_path(listing, kind, search.term_hash(term) % count)
        files.append(path)
        if every and weight != 1:
            continue
        held = [set() for _ in listing["shards"]]
        for shard, found in (_postings(path, term) if path.is_file() else {}).items():
            held[shard] |= set(found)
        join = set.intersection if every else set.union
        pages = held if pages is None else [join(mine, more) for mine, more in zip(pages, held, strict=True)]
    matches = [
        (shard["dir"], page) for shard, found in zip(listing["shards"], pages or [], strict=False)
        for page in sorted(found)
    ]
    return files, matches


def _kepu(site, word):
    search_dir = site / "search"
    files, matches = _kepu_matches(search_dir, word)
    files += sorted((site / "assets").glob("kepu-search*.js"))
    files += [search_dir / folder / "d" / f"{page}.json" for folder, page in matches[:KEPU_RESULTS_SHOWN]]
    files = [p for p in files if p.is_file()]
    return _measured("Kepu 静态中文索引", files, len(matches), f"{len(matches)} 个结果，显示前 {KEPU_RESULTS_SHOWN} 个")


# Material for MkDocs (lunr) ----------------------------------------------------------------------


def _material(site, index, word):
    files = [index]
    js = site / "assets" / "javascripts"
    files += sorted((js / "workers").glob("search.*.min.js"))
    lunr = js / "lunr" / "min"
    files += [
        p
        for p in (lunr / n for n in ("lunr.stemmer.support.min.js", "lunr.multi.min.js", "lunr.zh.min.js"))
        if p.is_file()
    ]
    files += sorted((js / "lunr").glob("tinyseg.js"))
    docs = json.loads(index.read_text("utf-8")).get("docs", [])
    results = sum(1 for d in docs if word in d.get("text", "") or word in d.get("title", ""))
    return _measured("mkdocs-material search (lunr)", files, results, "整份索引在第一次搜索时下载")


# Pagefind ----------------------------------------------------------------------------------------


def _cbor(data, pos=0):
    """A minimal CBOR decoder (what Pagefind writes: ints, strings, arrays, maps). Returns (value, pos)."""
    initial = data[pos]
    major, info = initial >> 5, initial & 31
    pos += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    elif info == 31:
        arg = None  # indefinite length
    else:
        raise ValueError(f"unsupported CBOR item {initial:#x}")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        chunk = data[pos : pos + arg]
        return (chunk.decode("utf-8") if major == 3 else bytes(chunk)), pos + arg
    if major in (4, 5):
        items = []
        count = arg if arg is not None else float("inf")
        while len(items) < count * (2 if major == 5 else 1):
            if arg is None and data[pos] == 0xFF:
                pos += 1
                break
            value, pos = _cbor(data, pos)
            items.append(value)
        return (items if major == 4 else dict(zip(items[::2], items[1::2], strict=True))), pos
    if major == 6:
        return _cbor(data, pos)
    return {20: False, 21: True, 22: None}.get(info, arg), pos


def _pagefind_file(path):
    data = gzip.decompress(path.read_bytes())
    if data.startswith(SIGNATURE):
        data = data[len(SIGNATURE) :]
    return _cbor(data)[0]


def _pagefind(bundle, word):
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    languages = entry.get("languages", {})
    if not languages:
        return None
    language = max(languages.values(), key=lambda lang: lang.get("page_count", 0))
    files = [bundle / "pagefind-entry.json"]
    files += [
        p
        for p in (
            bundle / "pagefind.js",
            bundle / "pagefind-ui.js",
            bundle / "pagefind-ui.css",
            bundle / "pagefind-worker.js",
        )
        if p.is_file()
    ]
    if language.get("wasm"):
        files.append(bundle / f"wasm.{language['wasm']}.pagefind")
    meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
    files.append(meta_path)
    meta = _pagefind_file(meta_path)
    pages, chunks = meta[1], meta[2]
    filters = meta[3] if len(meta) > 3 else []
    needed = [c for c in chunks if c[0] <= word + "\uffff" and c[1] >= word]
    files += [bundle / "index" / f"{c[2]}.pf_index" for c in needed]
    filter_files = [bundle / "filter" / f"{f[1]}.pf_filter" for f in filters]
    files += [p for p in filter_files if p.is_file()]
    matched = []
    for chunk in needed:
        for packed in _pagefind_file(bundle / "index" / f"{chunk[2]}.pf_index")[0]:
            if packed[0].startswith(word):
                matched += [p[0] for p in packed[1]]
    matched = list(dict.fromkeys(matched))
    for number in matched[:RESULTS_SHOWN]:
        page = pages[number]
        page_hash = page[0] if isinstance(page, list) else page
        fragment = bundle / "fragment" / f"{page_hash}.pf_fragment"
        if fragment.is_file():
            files.append(fragment)
    note = f"{len(needed)} 个索引分片" + ("" if matched else "；索引中没有以该词开头的词条（分词不同？）")
    return _measured("Pagefind", files, len(matched), note)


def search_contains(site_dir, text):
    """Whether the site's search index holds ``text`` (None: no index recognised). In Kepu's index, one
    page must hold every term of it: a page holding some of them is not enough (a marker's pairs, 基准,
    验证 …, are in the pages of earlier bench runs too)."""
    site = Path(site_dir)
    if (site / "search" / "shards.json").is_file():
        return bool(_kepu_matches(site / "search", text, every=True)[1])
    entry = _pagefind_entry(site)
    if entry is not None:
        needle = text.encode("utf-8")
        for fragment in (entry.parent / "fragment").glob("*.pf_fragment"):
            if needle in gzip.decompress(fragment.read_bytes()):
                return True
        return False
    index = site / "search" / "search_index.json"
    if index.is_file():
        docs = json.loads(index.read_text("utf-8")).get("docs", [])
        return any(text in doc.get("text", "") or text in doc.get("title", "") for doc in docs)
    return None
