"""Index and query terms, after ``normalise``: the overlapping pairs of each run of Han characters
(钱学森 → 钱学 学森, the rule admin search uses, ``cms.core.search.han_bigrams``), a run of one
character as itself, other words (Latin, digits) whole; for titles and names also the pairs that
skip one character (华_庚: a name of three or more characters with one character wrong is still
found) and the pinyin of each short run, full and initials (华罗庚 → hualuogeng, hlg).
themes/assets/kepu-search.js makes the same terms of a query (``query_terms`` here is its copy).
"""

import functools
import re

from cms.core.search import HAN_RUN
from cms.sitesearch.normalise import normalise

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[a-z]+")
MAX_WORD = 40
# Runs of Han characters up to this long get pinyin terms (a name, a tag, a short title).
PINYIN_RUN = 8
# A query's pairs that skip a character count this much of a pair (they only rescue a typo).
SKIP_WEIGHT = 0.5
# A query looks up those pairs in runs up to this long (a name): each is one more file to fetch.
SKIP_RUN = 4


def han_runs(text):
    return HAN_RUN.findall(text)


def words(text):
    """The words of a normalised text that are not Han characters."""
    return [word for word in _WORD.findall(HAN_RUN.sub(" ", text)) if len(word) <= MAX_WORD]


def pairs(run):
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def skip_pairs(run):
    return [f"{run[i]}_{run[i + 2]}" for i in range(len(run) - 2)]


@functools.lru_cache(maxsize=1 << 14)
def pinyin_terms(run):
    """Full pinyin and initials of a run of Han characters: 华罗庚 → [hualuogeng, hlg]."""
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(run, errors="ignore"))
    initials = "".join(lazy_pinyin(run, style=Style.FIRST_LETTER, errors="ignore"))
    return [term for term in (full, initials) if term]


def load_pinyin():
    """Load pypinyin and its dictionaries now rather than at the first title or name indexed (a
    publish worker calls this at its start, ``db_worker.warm``)."""
    pinyin_terms.__wrapped__("汉字")


def text_terms(text, *, normalised=False):
    """Terms of body text: Han pairs (a one-character run as itself) and other words."""
    text = text if normalised else normalise(text)
    found = [pair for run in han_runs(text) for pair in pairs(run)]
    found.extend(words(text))
    return found


def name_terms(text, *, normalised=False):
    """Terms of a title or a name: those of text, pairs that skip a character, and pinyin."""
    text = text if normalised else normalise(text)
    found = text_terms(text, normalised=True)
    for run in han_runs(text):
        found.extend(skip_pairs(run))
        if 2 <= len(run) <= PINYIN_RUN:
            found.extend(pinyin_terms(run))
    return found


def han_chars(text, *, normalised=False):
    """The single Han characters of a text (a one-character query looks among these)."""
    return [char for run in han_runs(text if normalised else normalise(text)) for char in run]


def query_terms(query):
    """[(kind, term, weight)] of a query, as kepu-search.js computes them (which also numbers the
    characters and words each term covers, to tell how much of the query a page holds): kind "c"
    for a one-character run (looked up among single characters), "g" for pairs and words; pairs
    that skip a character (in runs of up to SKIP_RUN characters) weigh SKIP_WEIGHT; Latin words
    typed apart (hua luogeng) are also looked up joined."""
    text = normalise(query)
    found = {}

    def add(kind, term, weight):
        if found.get((kind, term), 0) < weight:
            found[(kind, term)] = weight

    runs = han_runs(text)
    for run in runs:
        if len(run) == 1:
            add("c", run, 1)
            continue
        for pair in pairs(run):
            add("g", pair, 1)
        if len(run) <= SKIP_RUN:
            for pair in skip_pairs(run):
                add("g", pair, SKIP_WEIGHT)
    latin = words(text)
    for word in latin:
        add("g", word, 1)
    if not runs and len(latin) > 1 and all(_LETTERS.fullmatch(word) for word in latin):
        add("g", "".join(latin), 1)
    return [(kind, term, weight) for (kind, term), weight in found.items()]
