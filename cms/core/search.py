"""Chinese-aware admin search on Wagtail's database search backend.

SQLite FTS5 and PostgreSQL's text search split words on spaces and punctuation, so a
run of Han characters such as 中国航天之父钱学森 is indexed as one word and a search for
钱学森 finds nothing. Here every run of Han characters is indexed and queried as its
overlapping character pairs (钱学 学森 …): no dictionary, so indexing and querying can
never split a name differently, and any Chinese substring of two or more characters
matches. Models add ``ChineseSearchMixin.search_fields`` to their own.
"""

import re

from wagtail.search import index
from wagtail.search.backends.database import SearchBackend as database_search_backend
from wagtail.search.query import PlainText

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def han_bigrams(text):
    """Replace every run of Han characters by its overlapping character pairs."""

    def pairs(match):
        run = match.group()
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return " ".join(HAN_RUN.sub(pairs, text).split())


def _text_of(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text_of(v) for v in value.values())
    return str(value)


class ChineseSearchMixin:
    """Indexes the Han-character pairs of every other search field of the model."""

    search_fields = [
        index.SearchField("han_search_text"),
        index.AutocompleteField("han_search_text"),
    ]

    def han_search_text(self):
        parts = []
        for field in self.get_search_fields():
            if isinstance(field, index.SearchField) and field.field_name != "han_search_text":
                parts.append(_text_of(field.get_value(self)))
        return han_bigrams(" ".join(parts))


class ChineseQueryMixin:
    """Rewrites Chinese query strings into the same character pairs before searching."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, PlainText):
            text, operator = query.query_string, query.operator
        elif isinstance(query, str):
            text, operator = query, kwargs.get("operator") or "and"
        else:
            text = None
        if text and HAN_RUN.search(text):
            query = han_bigrams(text)
            kwargs["operator"] = operator
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


_classes = {}


def SearchBackend(params):  # noqa: N802 (Wagtail looks up this name)
    """The database backend Wagtail picks for the configured database, made Chinese-aware."""
    backend = database_search_backend(params)
    base = type(backend)
    if base not in _classes:
        _classes[base] = type(f"Chinese{base.__name__}", (ChineseQueryMixin, base), {})
    return _classes[base](params)
