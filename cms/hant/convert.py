"""Simplified → Traditional conversion of text, with fixed terms that OpenCC never sees.

``TextConverter(profile, terms)``: ``terms`` maps a Simplified term to the exact text that stands for
it in the mirror (editors' fixed pairs and protected names, see mirror.py). Each occurrence of a term
(longest first) is cut out of the text and written as given; the text around it goes through
OpenCC, so no phrase of OpenCC's dictionary crosses a term (张钟表示 with the name 张钟 protected
gives 張鍾表示, not 張鐘錶示). Deterministic: the same text, profile and terms give the same result.

``convert_many`` converts many separate strings with one OpenCC call: they are joined by a
private-use character that no dictionary entry contains, so no phrase crosses from one string into
the next, and split again afterwards.
"""

import re

from .profiles import opencc_converter

# What OpenCC may change: CJK radicals, punctuation, ideographs and their extensions, compatibility
# ideographs. A string without any is returned as it is, without a call.
HAN = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\U00020000-\U0003ffff]")
_SEPARATOR = "\ue000"


def trie_pattern(words):
    """A regular expression that matches any of ``words``, the longest first, as a trie of groups
    (fast in Python's engine even for thousands of words, unlike a flat alternation)."""
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node):
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(pattern(trie)) if trie else None


class TextConverter:
    def __init__(self, profile, terms=None):
        self.profile = profile
        self.terms = {term: text for term, text in (terms or {}).items() if term}
        self._opencc = opencc_converter(profile)
        self._terms = trie_pattern(self.terms)

    def convert(self, text):
        return self.convert_many([text])[0]

    def convert_many(self, texts):
        """Each of ``texts`` converted on its own (a list of the same length)."""
        plans, batch = [], []
        for text in texts:
            if not text or not HAN.search(text):
                plans.append(text)
                continue
            plan, start = [], 0
            for match in self._terms.finditer(text) if self._terms else ():
                if match.start() > start:
                    plan.append(len(batch))
                    batch.append(text[start:match.start()])
                plan.append(self.terms[match.group()])
                start = match.end()
            if start < len(text):
                plan.append(len(batch))
                batch.append(text[start:])
            plans.append(plan)
        converted = self._opencc_many(batch)
        return [plan if isinstance(plan, str) else "".join(converted[p] if isinstance(p, int) else p for p in plan)
                for plan in plans]

    def _opencc_many(self, texts):
        if not texts:
            return []
        if any(_SEPARATOR in text for text in texts):  # never in CMS text; if it is, one call each
            return [self._opencc.convert(text) for text in texts]
        parts = self._opencc.convert(_SEPARATOR.join(texts)).split(_SEPARATOR)
        if len(parts) != len(texts):  # pragma: no cover - OpenCC maps no private-use character
            return [self._opencc.convert(text) for text in texts]
        return parts
