"""Chinese search for the public site: a static index in small files, built beside each build.

Search engines for static sites split words on spaces and punctuation, so a run of Han characters
is one word and a search for 钱学森 inside 中国航天之父钱学森 finds nothing. Here a page's fields are
indexed as terms (terms.py: overlapping Han character pairs, single characters, other words; for
titles and names also pairs that skip one character and pinyin), after one normalisation
(normalise.py: NFKC, Traditional → Simplified from OpenCC's tables, lower case), each term with
its field-weighted BM25 level (shard.py, postings.py). themes/assets/kepu-search.js makes the same
terms of a query and ranks pages by how much of the query they hold, rare terms counting more.

A reader's browser fetches only what a query needs: for each of its terms one small bucket file, the
buckets of the Traditional → Simplified table its characters fall in, then the records of the
results it shows. Pages go to ``shard_count(pages)`` shards by a hash of their path; terms go to
buckets by a hash of the term (``term_hash``, the same in the script), ``grams`` buckets for pairs
and words, ``chars`` for single characters. A bucket file holds every shard's postings of its
terms, so a term costs one file whatever the number of shards (a file per shard, each holding the
other terms of its bucket, was most of a query's bytes at 10,000 pages). A shard is what a build
makes: memory stays bounded by a shard while building, and a publish rebuilds only the shards whose
pages changed (each shard's folder is named by a digest of its pages' search records; unchanged
ones are kept or hard-linked from the live build), then writes the bucket files that changed: they
are split into group folders, each named by a digest of its own files, so a publish renames only the
groups of the buckets it touched and a reader's cached bucket files (or a copy on another server)
stay valid for the rest.
Records are cached by their document's content hash (records.py), a page's term counts by its
record's digest and a shard's notes by its name (termcache.py). A page's number in its shard is a
slot that a page added or removed leaves the others in (notes.py), so a shard of which a few pages
changed, came or went is patched from the last build's (patch.py: the changed pages tokenised, the
segments of their terms' buckets made again), and only the bucket files of those buckets are written;
otherwise a shard is made from its pages' kept counts and the bucket files from every shard's
segments. A publish builds in a folder of hard links to the live build (staging.py): there the
changed shard's folder and the bucket files' folder are that folder's own copies, changed in place
under a temporary name and renamed, so an update makes no link per file and removes no folder of
the last build's (``build_index``; ``mirror`` brings an older copy in line a link per file that
differs).

Why not Pagefind fed the same pairs as custom records: a query would download megabytes at 10,000
pages, and its prefix search misses some one-character queries (bench/README, "Measurements").

Layout of search/ (files are never rewritten in place: the build folder may hold hard links into
the live build, so new folders are written under a temporary name and renamed into place; files
are 0644 and folders 0755 whatever the umask, for a web server running as another user)::

    shards.json                    {"version", "docs", "shards": [{"dir", "docs"}],
                                    "postings": {"grams", "chars", "rule", "groups": [<digest>]},
                                    "fold": {"dir", "buckets"}}
    p/<gg>-<digest>/g/<hex>.bin    every shard's postings of the pairs and words in that bucket
    p/<gg>-<digest>/c/<hex>.bin    every shard's postings of the single characters in that bucket
                                   (bucket b of either kind is in group gg = b % len(groups), in hex;
                                   a group folder is named by its files: ``group_digest``)
    s/<shard>-<digest>/d/<n>.json  page n of the shard (its slot, notes.py): url, title, names, programme, date, text
    s/<shard>-<digest>/pages.json  the shard's page URLs by number, null for an empty slot (verification, tests)
    s/<shard>-<digest>/names.json  tags and programmes its pages name (suggested when nothing is found)
    s/<shard>-<digest>/g.seg c.seg the shard's postings by bucket (what the bucket files are made of)
    s/t2s-<digest>/<hex>.txt       Traditional → Simplified pairs of characters, by code point
"""

import contextlib
import functools
import hashlib
import json
import logging
import math
import mmap
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

from cms.publish import fsutil
from cms.publish.paths import page_url
from cms.sitesearch.normalise import FOLD_BUCKETS, fold_name, normalise, write_fold
from cms.sitesearch.notes import Note, slot_count, slots
from cms.sitesearch.patch import patch_shard
from cms.sitesearch.postings import bucket_file, read_bucket, segment_at, term_hash, unpack_segments
from cms.sitesearch.records import RecordCache, make_record, plain_text, record_text, split_document
from cms.sitesearch.shard import PAGES_FILE, SEGMENTS, bucket_counts, write_shard
from cms.sitesearch.termcache import TermCache, rule
from cms.sitesearch.terms import query_terms, text_terms

logger = logging.getLogger("kepu.publish")

__all__ = ["build_index", "mirror", "verify", "check", "page_url", "normalise", "read_bucket", "term_hash",
           "make_record", "plain_text", "record_text", "split_document", "query_terms", "text_terms", "write_shard"]

SEARCH_DIR = "search"
SHARDS_FILE = "shards.json"
# Theme templates rendered as pages of their own: the search page (a form with ?q=).
STATIC_TEMPLATES = ["search/index.html"]
EXTRA_HTML = {"search/index.html"}
# Pages per shard the shard count aims at (a power of two: each shard holds half of it up to all).
SHARD_TARGET = 2000
# Bump when the layout of search/ changes: every shard is built again (4: pages numbered by slot, notes.py;
# 5: the bucket files in group folders, each named by its own files).
LAYOUT = 5
# Gram buckets per group folder under p/ (and chars/grams as many char buckets: 8 at 1 char bucket
# per 8 gram buckets, shard.bucket_counts).
GROUP_GRAMS = 64
# Hex digits of a group folder's digest in its name (a change needs a new LAYOUT: names of both
# lengths would otherwise stand side by side, the kept groups' read back from the last listing).
GROUP_DIGEST = 12
# The folders under search/ whose entries are named by their content (kept, linked or built).
FOLDERS = ("s", "p")


# Shards -------------------------------------------------------------------------------------------


def shard_count(pages, target=SHARD_TARGET):
    """A power of two, so that doubling it splits every shard in two."""
    return 1 << max(0, math.ceil(math.log2(max(1, pages) / target)))


def shard_of(path, count):
    return _path_hash(path) % count


@functools.lru_cache(maxsize=1 << 17)
def _path_hash(path):
    """The first four bytes of the sha1 of a document path, as a number: what places a page in a shard
    (each build of the index asks for every page's: remembered, a process's pages a few MB at most)."""
    return int.from_bytes(hashlib.sha1(path.encode("utf-8")).digest()[:4], "big")


def index_buckets(pages, target=SHARD_TARGET):
    """(grams, chars) buckets of an index of ``pages`` pages: a shard's worth per shard, so a bucket
    file stays a few KB; with one shard, by its pages (a small site has few files)."""
    count = shard_count(pages, target)
    if count == 1:
        return bucket_counts(pages)
    grams, chars = bucket_counts(target)
    return grams * count, chars * count


def plan_shards(pages, target=SHARD_TARGET):
    """{shard folder name: [(document path, sha256, record digest)]}. ``pages`` is {document path: (sha256, record
    digest)}; a shard's name changes only when one of its pages' search records does, so a listing
    page whose cards changed (a new story under a programme) does not rebuild its shard."""
    count = shard_count(len(pages), target)
    buckets = index_buckets(len(pages), target)
    groups = {}
    for path, (sha, record) in sorted(pages.items()):
        groups.setdefault(shard_of(path, count), []).append((path, sha, record))
    plan = {}
    for number, entries in sorted(groups.items()):
        # A change of rule (the layout, the terms, weights, ranking, the t2s table …): all rebuilt, under
        # new names (nginx lets browsers keep these folders for good).
        digest = hashlib.sha256(f"{LAYOUT} {rule()} {count} {buckets}".encode())
        digest.update("".join([f"\0{path} {record}" for path, _sha, record in entries]).encode())
        plan[f"{number:03d}-{digest.hexdigest()[:16]}"] = entries
    return plan


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


def _take(folder):
    """Rename ``folder`` to a new temporary name beside it (for a build to change it, then name it
    by its new content); returns that path. Left over, it is removed as any name not listed."""
    tmp = fsutil.make_temp_dir(folder.parent, ".tmp-")
    os.rename(folder, tmp)  # (over the empty folder just made)
    return tmp


def _in_place(folder, own, earlier, work):
    """Make ``folder`` from ``own``, this build's copy of the earlier folder it follows (the shard
    of its number, the bucket files), which ``work(tmp)`` changes in place under a temporary name:
    if ``own`` is there and neither ``folder`` nor ``earlier`` is (the same folder in an earlier
    build, linked instead). Returns whether it did."""
    if own is None or not own.is_dir() or folder.is_dir() or (earlier is not None and earlier.is_dir()):
        return False
    tmp = _take(own)
    try:
        work(tmp)
        os.rename(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return True


def mirror(source, target):
    """Make the search folder ``target`` hold exactly the index in ``source`` (its shard folders,
    bucket files and shards.json; ``target``'s index.html is left alone), sharing its files (shard
    folders are named by their content: a folder of the same name is the same shard).

    ``target`` is usually an older copy of the same index (a spare build's, a build or two behind):
    a folder of ``source`` it lacks is made from one it holds that ``source`` does not (the bucket
    files of another build, a shard of the same number: ``similar``), renamed and brought in line
    by ``fsutil.relink_tree`` (a stat per file, a link per file that differs) rather than linked whole."""
    source, target = Path(source), Path(target)
    for folder in FOLDERS:
        fsutil.make_dir(target / folder, exist_ok=True)
        if (source / folder).is_dir():
            fsutil.relink_tree(source / folder, target / folder,
                               similar=lambda rel, names, folder=folder: similar(f"{SEARCH_DIR}/{folder}/{rel}", names))
        else:
            for path in (target / folder).iterdir():
                _remove(path)
    (target / SHARDS_FILE).unlink(missing_ok=True)
    if (source / SHARDS_FILE).is_file():
        os.link(source / SHARDS_FILE, target / SHARDS_FILE)


def changes(before, after):
    """(files, trees): what differs between the search folder ``before`` (the build a staging folder
    was made from) and ``after`` (that staging folder's, once its index is built), relative to them,
    for the build's journal (fsutil.record): the listing, and under ``s/`` and ``p/`` the folders one
    of them holds and the other does not — those are named by their content (a shard by its pages'
    records, a group by its files, both with LAYOUT and the rule), so a folder held by both under the
    same name holds the same files and is not looked into. Anything else at the top (not written by
    the index: a kill's leftovers, a later layout) is a tree, whole; ``index.html`` is MkDocs' own."""
    before, after = Path(before), Path(after)
    trees = []
    for folder in FOLDERS:
        trees += [f"{folder}/{name}" for name in sorted(_names(before / folder) ^ _names(after / folder))]
    trees += sorted((_names(before) | _names(after)) - {*FOLDERS, SHARDS_FILE, "index.html"})
    return [SHARDS_FILE], trees


def _names(folder):
    try:
        return set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return set()


def similar(rel, names):
    """For ``fsutil.relink_tree``: of ``names`` (stale folders beside the folder ``rel``, a path
    relative to a site folder, the mirror's prefix folder allowed before search/), the one whose
    files are most like ``rel``'s, or None. Only folders named by their content are paired: under
    ``[<prefix>/]search/s/`` a shard with the shard of the same number (``nnn-``) and the t2s table
    with the t2s table; under ``[<prefix>/]search/p/`` a group of bucket files with the group of the
    same number (``gg-``). Never a hidden (``.tmp-``) one."""
    parts = rel.split("/")
    if len(parts) not in (3, 4) or parts[-3] != SEARCH_DIR or parts[-2] not in FOLDERS:
        return None
    kind, dash, _digest = parts[-1].partition("-")
    if parts[-2] == "s":
        if not dash or not (kind == "t2s" or (len(kind) == 3 and kind.isdigit())):
            return None
    elif not dash or len(kind) < 2 or kind.strip("0123456789abcdef"):
        return None
    kind += "-"
    for candidate in sorted(names):
        if candidate.startswith(kind) and not candidate.startswith("."):
            return candidate
    return None


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


def group_count(buckets):
    """How many group folders the bucket files of ``buckets`` ((grams, chars)) are split into: one
    per ``GROUP_GRAMS`` gram buckets. Gram bucket b and char bucket b are in group b % count."""
    return max(1, buckets[0] // GROUP_GRAMS)


def group_label(number, count):
    """The hex number a group folder's name starts with (``<label>-<digest>``): as wide as the
    highest of ``count`` groups needs, at least two digits."""
    return f"{number:0{max(2, len(f'{count - 1:x}'))}x}"


def group_members(number, buckets):
    """[(kind, bucket)] of the bucket files in group ``number`` of an index of ``buckets``."""
    count = group_count(buckets)
    return [(kind, bucket) for kind, total in zip(SEGMENTS, buckets, strict=True)
            for bucket in range(number, total, count)]


def group_folders(listing):
    """[folder name under p/] of the groups a listing (shards.json) names, by group number."""
    groups = listing["postings"]["groups"]
    return [f"{group_label(number, len(groups))}-{digest}" for number, digest in enumerate(groups)]


def bucket_path(listing, kind, number):
    """The path, relative to search/, of bucket file ``number`` of ``kind`` ("g" or "c"), as the
    script builds it (kepu-search.js ``postings``)."""
    groups = listing["postings"]["groups"]
    group = number % len(groups)
    return f"p/{group_label(group, len(groups))}-{groups[group]}/{kind}/{number:x}.bin"


def group_digest(folder, number, buckets):
    """A group folder's digest: of the layout and rule (as a shard's name: a new one renames every
    folder), the bucket counts, its number and the names and bytes of its files (read: a folder is
    renamed only if what it holds changed, whatever made it)."""
    digest = hashlib.sha256(f"{LAYOUT} {rule()} {buckets[0]} {buckets[1]} {number}".encode())
    for kind, bucket in group_members(number, buckets):
        data = (folder / kind / f"{bucket:x}.bin").read_bytes()
        digest.update(f"\0{kind}/{bucket:x}.bin {len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:GROUP_DIGEST]


def make_group(folder, number, buckets, maps, earlier=None, touched=None):
    """Bring ``folder`` in line with the segments mapped in ``maps`` ({kind: [the shards' segment
    files, in the order of shards.json]}) for group ``number``'s buckets. ``folder`` is empty or
    this build's own copy of the group's earlier folder (its files hard links: a file that differs
    is unlinked and written, never written into). ``touched``: ({gram buckets}, {char buckets})
    outside which the earlier files are right (None: every bucket may differ); such a file missing
    from ``folder`` is linked from ``earlier`` (the group's folder in an earlier build) without
    reading a segment. A file made the same as ``earlier``'s is a link to it."""
    for (kind, bucket) in group_members(number, buckets):
        fsutil.make_dir(folder / kind, exist_ok=True)
        name = f"{bucket:x}.bin"
        path, old = folder / kind / name, earlier / kind / name if earlier is not None else None
        if touched is not None and bucket not in touched[list(SEGMENTS).index(kind)]:
            if path.is_file():
                continue
            if old is not None:
                try:
                    os.link(old, path)
                    continue
                except OSError:
                    pass  # not there: made from the segments as below
        data = bucket_file((position, _segment(mine, bucket)) for position, mine in enumerate(maps[kind]))
        if path.is_file():
            if not fsutil.holds(path, data):
                fsutil.write_file(path, data)  # (a new file: the linked one is not written into)
        elif old is not None and fsutil.holds(old, data):
            os.link(old, path)
        else:
            fsutil.write_file(path, data)


def write_groups(search_dir, shard_dirs, buckets, old_names, base, changed):
    """The group folders of the bucket files under ``search_dir/p/``; returns their digests by group
    number. ``old_names``: the folder names of the groups in the earlier listing (of ``base``, the
    previous build's search folder or ``search_dir`` itself), or None. ``changed``: ({gram buckets},
    {char buckets}) outside which every shard's segments are those the earlier files were made of,
    or None. A group none of whose buckets changed keeps its folder and name (kept, or linked from
    ``base``), without a file read; a changed group's folder is this build's copy of the earlier one,
    taken under a temporary name, its changed files made again, and named by its content."""
    count = group_count(buckets)
    touched = None if changed is None or old_names is None else {bucket % count for kind in changed for bucket in kind}
    digests = []
    with contextlib.ExitStack() as stack:
        maps = None
        for number in range(count):
            old = old_names[number] if old_names is not None else None
            earlier = base / "p" / old if old is not None and (base / "p" / old).is_dir() else None
            own = search_dir / "p" / old if old is not None else None
            if touched is not None and number not in touched and (own.is_dir() or earlier is not None):
                _place(own, None, earlier)
                digests.append(old.partition("-")[2])
                continue
            if maps is None:
                maps = {kind: stack.enter_context(_mapped([shard / name for shard in shard_dirs]))
                        for kind, name in SEGMENTS.items()}
            fsutil.make_dir(search_dir / "p", exist_ok=True)
            mine = touched is not None and number in touched
            if own is not None and own.is_dir():
                tmp = _take(own)
                earlier = None if base == search_dir else earlier
            else:
                tmp = fsutil.make_temp_dir(search_dir / "p", ".tmp-")
            try:
                make_group(tmp, number, buckets, maps, earlier, changed if mine else None)
                digest = group_digest(tmp, number, buckets)
                folder = search_dir / "p" / f"{group_label(number, count)}-{digest}"
                if not folder.is_dir():
                    os.rename(tmp, folder)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
            digests.append(digest)
    return digests


@contextlib.contextmanager
def _mapped(paths):
    """The files of ``paths`` mapped read-only (a segment file is never empty: its offsets)."""
    with contextlib.ExitStack() as stack:
        maps = []
        for path in paths:
            handle = stack.enter_context(open(path, "rb"))
            maps.append(stack.enter_context(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)))
        yield maps


def _segment(data, number):
    """The bytes of bucket ``number``'s segment in a mapped ``pack_segments`` file."""
    start, end = struct.unpack_from("<2I", data, 4 * number)
    return data[start:end]


def sweep_of(listing):
    """Which of the caches' 256 folders a build of ``listing`` looks through (by its bucket files)."""
    return hashlib.sha256(" ".join(listing["postings"]["groups"]).encode()).hexdigest()[:2]


def _listing(search_dir, buckets):
    """The shards.json of ``search_dir`` if it is of this layout and its buckets are ``buckets``, else None."""
    try:
        listing = json.loads((search_dir / SHARDS_FILE).read_text("utf-8"))
        same = listing["version"] == LAYOUT and (listing["postings"]["grams"], listing["postings"]["chars"]) == tuple(
            buckets)
        return listing if same else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def rule_key():
    """The rule (termcache.rule) the group folders' names were made under, as shards.json says it:
    a group's folder is renamed when it changes, even if its files did not."""
    return hashlib.sha256(rule().encode()).hexdigest()[:8]


def _listed_groups(listing, buckets):
    """The group folder names ``listing`` names, if they are ``buckets``' groups made under this
    rule, else None."""
    try:
        names = group_folders(listing)
        same = listing["postings"]["rule"] == rule_key()
    except (KeyError, TypeError):
        return None
    return names if same and len(names) == group_count(buckets) else None


def _listed_shards(search_dir, listing):
    """[(shard number, folder)] of the shards ``listing`` names, in its order."""
    try:
        dirs = [shard["dir"] for shard in listing["shards"]]
        return [(int(Path(folder).name.split("-")[0]), search_dir / folder) for folder in dirs]
    except (KeyError, TypeError, ValueError):
        return []


def _build_shard(folder, name, entries, buckets, old_folder, *, old_name=None, spread, cache, terms, content_dir):
    """Build the shard ``name`` into the empty ``folder``: patched from ``old_folder`` (the earlier
    build's shard of the same number) when few of its slots changed, else from its pages' counted
    terms (kept ones, or counted now). ``folder`` may be ``old_folder`` itself, a copy of the earlier
    shard this build owns (renamed by ``_take``; ``old_name``: the name its notes are kept under):
    then it is patched in place, or emptied and built. Returns (({gram buckets}, {char buckets})
    whose segments differ from ``old_folder``'s, or None: every bucket may; the record digests of
    the earlier shard's pages that this one no longer has)."""
    placed = slots([path for path, _sha, _digest in entries], slot_count(len(entries), spread))
    by_slot = {placed[path]: (path, sha, digest) for path, sha, digest in entries}
    records, counts = {}, {}

    def record_of(slot):
        if slot not in records:
            path, sha, _digest = by_slot[slot]
            records[slot] = cache.get(sha, lambda: (content_dir / path).read_bytes())
        return records[slot]

    def counts_of(slot):
        if slot not in counts:
            counts[slot] = terms.counts(by_slot[slot][2], lambda: record_of(slot))
        return counts[slot]

    pages = {slot: (path, page_url(path), digest) for slot, (path, _sha, digest) in sorted(by_slot.items())}
    old_notes = terms.notes(old_name or old_folder.name) if old_folder else None
    patched = patch_shard(folder, old_folder, old_notes, pages, buckets,
                          record_of=record_of, counts_of=counts_of, old_counts_of=terms.cached_counts)
    if patched is not None:
        notes, touched = patched
    else:
        into = fsutil.make_temp_dir(folder.parent, ".tmp-") if folder == old_folder else folder
        write_shard(into, [(slot, url, record_of(slot)) for slot, (_, url, _) in pages.items()], buckets,
                    [counts_of(slot) for slot in pages])
        notes = [Note.of(slot, path, digest, counts_of(slot), record_of(slot))
                 for slot, (path, _, digest) in pages.items()]
        touched = _differing_buckets(into, old_folder, buckets) if old_folder is not None else None
        if into != folder:
            shutil.rmtree(folder)
            os.rename(into, folder)
    terms.write_notes(name, notes)
    departed = {note.digest for note in old_notes or ()} - {digest for _, _, digest in entries}
    return touched, departed


def _differing_buckets(folder, old_folder, buckets):
    """({gram buckets}, {char buckets}) whose segments differ between two shards' files (one read
    of each, no decoding), or None if the old one's are not of ``buckets``."""
    found = []
    for name, count in zip(SEGMENTS.values(), buckets, strict=True):
        try:
            new, old = (path.read_bytes() for path in (folder / name, old_folder / name))
            if len(unpack_segments(old)) != count:
                return None
        except (OSError, struct.error):  # (not there, or cut short: every bucket file is made again)
            return None
        found.append({number for number in range(count) if segment_at(new, number) != segment_at(old, number)})
    return tuple(found)


def build_index(site_dir, content_dir, manifest, progress=None, *, previous=None, cache_dir=None, target=SHARD_TARGET,
                digests=None):
    """Write the search index of ``manifest["pages"]`` under ``site_dir/search/``.

    ``previous``: an earlier build's search folder to take unchanged shards from (if any).
    ``digests``: {document sha256: record digest} a long-lived caller keeps between builds (the
    caches are then pruned of what left the site as it leaves, not by listing them).
    Returns counts: pages, shards, and how many shards were built, linked or kept.

    What a build costs follows what changed when ``site_dir/search/`` already holds an index of
    this layout (a build folder made of hard links to the live build, or a spare build brought in
    line with ``previous`` first, ``mirror``): a shard whose pages changed is patched in its own
    folder (renamed to a temporary name, then to its new one), and so are the bucket files, of which
    only those of the buckets the change touched are made again; the rest stay as they are.
    """
    progress = progress or (lambda stage, done=None, total=None: None)
    site_dir, content_dir = Path(site_dir), Path(content_dir)
    search_dir = site_dir / SEARCH_DIR
    fsutil.make_dir(search_dir, exist_ok=True)
    previous = Path(previous) if previous else None
    cache_dir = cache_dir if cache_dir is not None else _default_cache_dir()
    cache, terms = RecordCache(cache_dir, digests), TermCache(cache_dir)
    pages = manifest.get("pages", {})
    shas = {path: entry["sha256"] for path, entry in pages.items()}
    found = cache.digests_of(shas, lambda path: (content_dir / path).read_bytes())
    plan = plan_shards({path: (sha, found[path]) for path, sha in shas.items()}, target)
    stats = {"pages": len(pages), "shards": len(plan), "built": 0, "linked": 0, "kept": 0}
    buckets = index_buckets(len(pages), target)
    spread = target if shard_count(len(pages), target) > 1 else len(pages)  # notes.slot_count
    base = previous or search_dir
    listing = _listing(base, buckets)
    if listing and previous is not None and _holds_another(search_dir, previous):
        mirror(previous, search_dir)  # an older copy (a spare build's): in line first, at the cost of the difference
    earlier_shards = _listed_shards(base, listing) if listing else []
    old_folders = dict(earlier_shards)
    # Buckets whose segments may differ from those the earlier bucket files were made of, by kind:
    # known while every shard is the earlier one at its position or was patched from it.
    changed = (set(), set()) if [number for number, _ in earlier_shards] == [int(n[:3]) for n in plan] else None
    departed = set()  # record digests of pages that left the shards built (their kept counts may go)
    shards = []
    for done, (name, entries) in enumerate(plan.items(), 1):
        progress("search", done, len(plan))
        old = old_folders.get(int(name[:3]))
        old = old if old is not None and old.is_dir() else None

        def build(tmp, name=name, entries=entries, old=old, old_name=None):
            nonlocal changed
            touched, gone = _build_shard(tmp, name, entries, buckets, old, old_name=old_name, spread=spread,
                                         cache=cache, terms=terms, content_dir=content_dir)
            departed.update(gone)
            if touched is None or changed is None:
                changed = None
            else:
                changed = tuple(mine | theirs for mine, theirs in zip(changed, touched, strict=True))

        folder = search_dir / "s" / name
        earlier = previous / "s" / name if previous else None
        own = search_dir / "s" / old.name if old is not None else None
        if _in_place(folder, own, earlier, lambda tmp, build=build, own=own: build(tmp, old=tmp, old_name=own.name)):
            how = "built"
        else:
            how = _place(folder, build, earlier)
        stats[how] += 1
        if how != "built" and changed is not None and (old is None or old.name != name):
            changed = None  # a shard of another build at this position: its segments are unknown
        shards.append({"dir": f"s/{name}/", "docs": len(entries)})

    progress("search", len(plan), len(plan))
    shard_dirs = [search_dir / shard["dir"] for shard in shards]
    groups = write_groups(search_dir, shard_dirs, buckets, _listed_groups(listing, buckets) if listing else None,
                          base, changed)

    fold = fold_name()
    _place(search_dir / "s" / fold, write_fold, previous / "s" / fold if previous else None)
    listing = {"version": LAYOUT, "docs": len(pages), "shards": shards,
               "postings": {"grams": buckets[0], "chars": buckets[1], "rule": rule_key(),
                            "groups": groups},
               "fold": {"dir": f"s/{fold}/", "buckets": FOLD_BUCKETS}}
    data = (json.dumps(listing, ensure_ascii=False) + "\n").encode("utf-8")
    listing_file = search_dir / SHARDS_FILE
    if not listing_file.is_file() or listing_file.read_bytes() != data:
        fsutil.atomic_write(listing_file, data)

    # Whatever an earlier build left here that this one does not list.
    for folder, keep in (("s", {*plan, fold}), ("p", set(group_folders(listing)))):
        for path in (search_dir / folder).iterdir():
            if path.name not in keep:
                _remove(path)
    for path in search_dir.iterdir():
        if path.name not in (SHARDS_FILE, *FOLDERS, "index.html"):
            _remove(path)
    # With a long-lived caller's memo, what left goes as it leaves, and one of the caches' 256 folders
    # (which one: by this build's bucket files) is looked through for what a killed process wrote and
    # no memo remembers; without one, every file is listed.
    sweep = sweep_of(listing) if digests is not None else None
    cache.prune(sweep=sweep)
    indexed = functools.cache(lambda: {digest for entries in plan.values() for _, _, digest in entries})
    terms.prune(lambda digest: digest in indexed(), set(plan), departed=departed, sweep=sweep)
    if terms.rejected:
        logger.warning("搜索索引的缓存中有 %d 个文件已损坏或不属于本站，已忽略并重新生成（%s）",
                       terms.rejected, cache_dir)
    return stats


def _holds_another(search_dir, previous):
    """Whether ``search_dir`` holds an index other than ``previous``'s (its listing differs)."""
    try:
        mine = (search_dir / SHARDS_FILE).read_bytes()
    except OSError:
        return False
    try:
        return mine != (previous / SHARDS_FILE).read_bytes()
    except OSError:
        return True


# Verification -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexCheck:
    """What ``check`` found: the problems (in Chinese, one line each; empty when the index is whole)
    and the names of the group folders under p/ found complete (or ``known`` and there)."""

    problems: list
    groups: frozenset = frozenset()


def verify(site_dir, page_urls, *, known=frozenset()):
    """The problems ``check`` finds with the search index in ``site_dir``."""
    return check(site_dir, page_urls, known=known).problems


def check(site_dir, page_urls, *, known=frozenset()):
    """Check the search index in ``site_dir``: an IndexCheck. Problems: broken, missing a page, or
    holding a page no longer published.

    ``known``: names of group folders under p/ found complete by an earlier verification (a group's
    name is the digest of its files' names and bytes, so a folder of that name holds those files):
    such a group is only checked to be there (p/ is listed once), its files are not counted again.
    The groups found complete (or known) are returned (``IndexCheck.groups``) for the next check."""
    search_dir = Path(site_dir) / SEARCH_DIR
    try:
        listing = json.loads((search_dir / SHARDS_FILE).read_text("utf-8"))
        shards = listing["shards"]
    except FileNotFoundError:
        return IndexCheck([f"搜索索引缺失：{SEARCH_DIR}/{SHARDS_FILE}"])
    except (ValueError, KeyError, TypeError) as error:
        return IndexCheck([f"搜索索引无法解析：{SEARCH_DIR}/{SHARDS_FILE}（{error}）"])
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
        counts = {"d": _count_files(folder / "d", ".json"),
                  **{kind: int((folder / name).is_file()) for kind, name in SEGMENTS.items()}}
        wanted = {"d": shard.get("docs"), **{kind: 1 for kind in SEGMENTS}}
        urls = [url for url in urls if url is not None] if isinstance(urls, list) else []
        if len(urls) != shard.get("docs") or counts != wanted:
            problems.append(f"搜索索引分片 {label} 不完整：应有 {wanted}，实有 {counts}")
        indexed.extend(urls)
    group_problems, groups = _verify_groups(search_dir, listing.get("postings"), known)
    problems.extend(group_problems)
    fold = listing.get("fold") or {}
    fold_files = _count_files(search_dir / fold["dir"], ".txt") if fold.get("dir") else 0
    wanted_fold = fold.get("buckets", FOLD_BUCKETS)
    if fold_files != wanted_fold:
        problems.append(f"搜索索引的繁简对照表不完整：应有 {wanted_fold} 个文件，实有 {fold_files}")
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
    return IndexCheck(problems, groups)


def _verify_groups(search_dir, merged, known=frozenset()):
    """(problems, names of the groups found complete) of the bucket files' group folders: as many as
    the bucket counts make, each there and holding its buckets' files (counted, not read: a group's
    digest is not computed again; not counted for a group named in ``known``)."""
    try:
        buckets = (int(merged["grams"]), int(merged["chars"]))
        names = group_folders({"postings": merged})
    except (KeyError, TypeError, ValueError) as error:
        return [f"搜索索引的词表文件清单无法解析：{SEARCH_DIR}/{SHARDS_FILE}（{error}）"], frozenset()
    count = group_count(buckets)
    if len(names) != count:
        return [f"搜索索引的词表文件应分为 {count} 组，清单中有 {len(names)} 组"], frozenset()
    try:
        present = set(os.listdir(search_dir / "p"))
    except OSError:
        present = set()
    problems, complete = [], set()
    for number, name in enumerate(names):
        wanted = {kind: len(range(number, total, count)) for kind, total in zip(SEGMENTS, buckets, strict=True)}
        if name in present and name in known:
            counts = wanted
        elif name in present:
            counts = {kind: _count_files(search_dir / "p" / name / kind, ".bin") for kind in SEGMENTS}
        else:
            counts = dict.fromkeys(SEGMENTS, 0)
        if counts != wanted:
            problems.append(f"搜索索引的词表文件不完整：{SEARCH_DIR}/p/{name}/ 应有 {wanted}，实有 {counts}")
        else:
            complete.add(name)
    return problems, frozenset(complete)


def _count_files(folder, suffix):
    """How many entries of ``folder`` (0 if it cannot be listed) not hidden have names ending in ``suffix``
    (as the glob ``*<suffix>``)."""
    try:
        return sum(1 for name in os.listdir(folder) if name.endswith(suffix) and not name.startswith("."))
    except OSError:
        return 0
