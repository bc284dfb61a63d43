"""The one normalisation of search text, the same at index and at query time: NFKC (full-width
ＤＮＡ ３０ → DNA 30, compatibility ideographs → unified ones), Traditional → Simplified Han
characters, lower case. Punctuation is dropped by the tokeniser (terms.py).

Traditional → Simplified is a character table made from OpenCC's own dictionaries (the ``opencc``
wheel: TSCharacters with the Taiwan and Hong Kong variants) by converting every Han code point on
its own. Characters, not phrases: it maps one character to one, so the browser applies exactly the
same table (written beside the index in buckets by code point, ``write_fold``; a query fetches only
the buckets of its own characters) and an offset in the text is an offset in the original.
"""

import functools
import hashlib
import unicodedata

from cms.publish import fsutil

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
# Buckets of the browser's copy of the table: a query fetches one small file per distinct bucket.
FOLD_BUCKETS = 64


@functools.cache
def t2s_table():
    """{Traditional or variant character: Simplified character}, from OpenCC (t2s, tw2s, hk2s)."""
    import opencc

    chars = [chr(code) for low, high in HAN_RANGES for code in range(low, high + 1)]
    table = {}
    for config in ("t2s", "tw2s", "hk2s"):
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        for char, simple in zip(chars, converted, strict=True):
            if simple != char and len(simple) == 1 and char not in table:
                table[char] = simple
    for char, simple in table.items():  # one step to the end of a chain: normalising twice changes nothing
        seen = {char}
        while simple in table and simple not in seen:
            seen.add(simple)
            simple = table[simple]
        table[char] = simple
    return table


@functools.cache
def _translation():
    return str.maketrans(t2s_table())


def normalise(text):
    """NFKC, Traditional → Simplified, lower case (kepu-search.js ``normalise`` does the same)."""
    return unicodedata.normalize("NFKC", text).translate(_translation()).lower()


def fold_files():
    """{bucket number: text of pairs "TS"…} of the table, by code point modulo FOLD_BUCKETS."""
    buckets = {number: [] for number in range(FOLD_BUCKETS)}
    for char, simple in sorted(t2s_table().items()):
        buckets[ord(char) % FOLD_BUCKETS].append(char + simple)
    return {number: "".join(pairs) for number, pairs in buckets.items()}


def fold_name():
    """The table's folder under search/: named by its content, so a build keeps or links it."""
    digest = hashlib.sha256(f"{FOLD_BUCKETS} {sorted(t2s_table().items())!r}".encode()).hexdigest()[:16]
    return f"t2s-{digest}"


def write_fold(folder):
    """Write the table's buckets into the empty ``folder`` (``<hex>.txt``, UTF-8)."""
    fsutil.make_dir(folder, exist_ok=True)
    for number, text in fold_files().items():
        fsutil.write_file(folder / f"{number:x}.txt", text)
