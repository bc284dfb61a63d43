"""Where a shard's pages sit and what patching it needs to know of each without reading it: its
numbering (``slots``) and its notes (``Note``, kept by termcache.py, read by patch.py and index.py).

A page's number in its shard is its slot, not its rank: slots are a table of ``slot_count`` entries
filled by linear probing from a hash of each page's path, pages taken in path order. The table is a
function of the shard's paths alone (a build from scratch gives the same numbers as any history of
updates), and a page added or removed moves no other page except the few probing past its slot, so
that a shard changed by one page is patched rather than made again (numbering in path order would
renumber every later page). The cost is a sparser numbering: page gaps in the postings grow by the table's
spare room (``SPREAD``), and a slot left empty has no record (``pages.json`` lists it as null).
"""

import hashlib
from typing import NamedTuple

# Slots per page the table holds at least: linear probing at a load of at most 1 / SPREAD.
SPREAD = 2


def slot_count(pages, spread):
    """Slots of a shard of ``pages`` pages in an index whose shards hold about ``spread`` pages each
    (index.py: the shard target if there are several shards, else the page count): a power of two,
    the same for every shard of a site across additions and removals."""
    wanted = SPREAD * max(pages, spread, 8)
    return 1 << (wanted - 1).bit_length()


def _home(path, count):
    # Other bits of the hash than index.shard_of's (the shard's pages share those).
    return int(hashlib.sha1(path.encode("utf-8")).hexdigest()[8:16], 16) % count


def slots(paths, count):
    """{path: slot} of a shard's pages in a table of ``count`` slots (more than ``len(paths)``)."""
    taken, found = set(), {}
    for path in sorted(paths):
        slot = _home(path, count)
        while slot in taken:
            slot = (slot + 1) % count
        taken.add(slot)
        found[path] = slot
    return found


class Note(NamedTuple):
    """One page of a shard's notes (a JSON list in the cache, in slot order)."""

    slot: int
    path: str
    digest: str  # of the page's search record (records.RecordCache.digest)
    lengths: list  # [grams, chars]: the page's weighted term counts summed
    distinct: list  # [[gram counts], [char counts]]: the distinct counts of its terms, sorted
    names: dict  # the tags, programme and programme_slug of its record (shard.names_of)

    @classmethod
    def of(cls, slot, path, digest, counts, record):
        grams, chars = counts
        return cls(slot, path, digest, [sum(grams.values()), sum(chars.values())],
                   [sorted(set(grams.values())), sorted(set(chars.values()))],
                   {key: record[key] for key in ("tags", "programme", "programme_slug") if key in record})

    @classmethod
    def parse(cls, row):
        """The note a cached row holds, or None if it is not one."""
        if not (isinstance(row, list) and len(row) == len(cls._fields)):
            return None
        slot, path, digest, lengths, distinct, names = row
        sound = (isinstance(slot, int) and slot >= 0 and isinstance(path, str) and isinstance(digest, str)
                 and _ints(lengths, 2) and isinstance(distinct, list) and len(distinct) == 2
                 and all(_ints(counts) for counts in distinct) and isinstance(names, dict))
        return cls(*row) if sound else None


def _ints(value, length=None):
    return (isinstance(value, list) and (length is None or len(value) == length)
            and all(isinstance(item, int) for item in value))
