"""Postings files and the score a page's term carries in them.

A segment (one shard's terms of one bucket) is a sequence of entries sorted by term: varint byte
length, the term in UTF-8, varint count, then per page varint((gap << 4) | level), gap being the
page number in the shard minus the previous one minus 1 (the first counts from -1) and level (1-15)
the term's BM25 term-frequency part for that page, quantised: the reader's browser multiplies it by
the term's rarity (kepu-search.js).

A bucket file (what the browser fetches for a term: every shard's postings of the terms whose hash
falls in that bucket) is a sequence of sections: varint shard position (in shards.json), varint
byte length, the shard's segment. A shard keeps its segments of every bucket in one file
(``segments``: the offsets, then the segments), so that a publish that rebuilt one shard writes the
bucket files again from the shards' segments without tokenising the others.
"""

import struct
from pathlib import Path

# BM25: how fast repeated terms saturate, how much a long page's counts are discounted. K1 is above
# the usual 1.2 so that a title's weighted count stays well above one mention in a body.
K1 = 3.0
B = 0.75
LEVELS = 15


def levels(frequencies, length, average):
    """{frequency: level} of terms counted ``frequency`` times (field-weighted) in a page of
    ``length`` weighted terms, the shard's pages averaging ``average``: the quantised BM25
    term-frequency part."""
    divisor = 1 - B + B * length / max(average, 1)
    return {f: max(1, min(LEVELS, round(LEVELS * (f / divisor) / (f / divisor + K1)))) for f in frequencies}


def term_hash(term):
    """32-bit polynomial hash over code points (kepu-search.js computes the same)."""
    value = 0
    for char in term:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value


def _varint(out, value):
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def encode(entries):
    """One segment: ``entries`` is [(term, [(page, level)])] sorted by term, pages ascending."""
    out = bytearray()
    append = out.append
    for term, postings in entries:
        raw = term.encode("utf-8")
        _varint(out, len(raw))
        out.extend(raw)
        _varint(out, len(postings))
        previous = -1
        for page, weight in postings:
            code = ((page - previous - 1) << 4) | weight
            previous = page
            if code < 0x80:
                append(code)
            else:
                _varint(out, code)
    return bytes(out)


def pack_segments(segments):
    """One file of a shard's segments, by bucket: the (count + 1) uint32 offsets, then the segments."""
    offsets, at = [], 4 * (len(segments) + 1)
    for segment in segments:
        offsets.append(at)
        at += len(segment)
    offsets.append(at)
    return struct.pack(f"<{len(offsets)}I", *offsets) + b"".join(segments)


def unpack_segments(data):
    """The segments of ``pack_segments``' file, by bucket (memoryviews into ``data``)."""
    count = struct.unpack_from("<I", data)[0] // 4
    offsets = struct.unpack_from(f"<{count}I", data)
    view = memoryview(data)
    return [view[offsets[i] : offsets[i + 1]] for i in range(count - 1)]


def segment_at(data, number):
    """The segment of bucket ``number`` in ``pack_segments``' file, without unpacking the others."""
    start, end = struct.unpack_from("<2I", data, 4 * number)
    return memoryview(data)[start:end]


def bucket_file(sections):
    """A bucket file of ``sections``, [(shard position, segment)]; empty segments are left out."""
    out = bytearray()
    for position, segment in sections:
        if len(segment):
            _varint(out, position)
            _varint(out, len(segment))
            out.extend(segment)
    return bytes(out)


def read_bucket(path):
    """{shard position: {term: [(page, level)]}} of one bucket file (tests, benchmarks; the browser
    reads it in themes/assets/kepu-search.js)."""
    data, at, shards = Path(path).read_bytes(), 0, {}
    while at < len(data):
        position, at = read_varint(data, at)
        length, at = read_varint(data, at)
        shards[position] = decode(data[at : at + length])
        at += length
    return shards


def read_varint(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def decode(data):
    """{term: [(page, level)]} of one segment."""
    at, table = 0, {}

    def varint():
        nonlocal at
        value, at = read_varint(data, at)
        return value

    while at < len(data):
        length = varint()
        term = data[at : at + length].decode("utf-8")
        at += length
        page, postings = -1, []
        for _ in range(varint()):
            code = varint()
            page += (code >> 4) + 1
            postings.append((page, code & 0xF))
        table[term] = postings
    return table
