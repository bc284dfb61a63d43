"""Postings files and the score a page's term carries in them.

A file is a sequence of entries sorted by term: varint byte length, the term in UTF-8, varint
count, then per page varint((gap << 4) | level), gap being the page number minus the previous one
minus 1 (the first counts from -1) and level (1-15) the term's BM25 term-frequency part for that
page, quantised: the reader's browser multiplies it by the term's rarity (kepu-search.js).
"""

from pathlib import Path

# BM25: how fast repeated terms saturate, how much a long page's counts are discounted. K1 is above
# the usual 1.2 so that a title's weighted count stays well above one mention in a body.
K1 = 3.0
B = 0.75
LEVELS = 15


def level(frequency, length, average):
    """The quantised BM25 term-frequency part of a term counted ``frequency`` times (field-weighted)
    in a page of ``length`` weighted terms, the shard's pages averaging ``average``."""
    scaled = frequency / (1 - B + B * length / max(average, 1))
    return max(1, min(LEVELS, round(LEVELS * scaled / (scaled + K1))))


def term_hash(term):
    """32-bit polynomial hash over code points (kepu-search.js computes the same)."""
    value = 0
    for char in term:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value


def encode(entries):
    """One postings file: ``entries`` is [(term, [(page, level)])] sorted by term, pages ascending."""
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
        for page, weight in postings:
            code = ((page - previous - 1) << 4) | weight
            previous = page
            if code < 0x80:
                append(code)
            else:
                varint(code)
    return bytes(out)


def read_postings(path):
    """{term: [(page, level)]} of one postings file (tests, benchmarks; the browser reads it in
    themes/assets/kepu-search.js)."""
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
            page += (code >> 4) + 1
            postings.append((page, code & 0xF))
        table[term] = postings
    return table
