"""The admin search index of many new pages at once, for bench_fill: the entries Wagtail's own
indexing writes, with the repeated work taken out.

- ``each_value_once``: modelsearch's indexer asks every search field of an object for its value
  three times (once each for the entry's title, body and autocomplete text), and Kepu's
  ``han_search_text`` asks every field again; the body's rich text is parsed each time. Inside
  this context a field's value for an object is worked out once and given back unchanged.
- ``title_norms_once``: the database backends refresh the title norms (``lavg / length``, lavg
  over the whole index) after every ``add_bulk``, an aggregate over the index and an UPDATE that
  SQLite's full-text triggers turn into a second write of each entry's text. Inside this context
  that refresh is left out; on leaving, it runs once, so every new entry (norm 1.0 until then)
  gets the norm of the finished index, as one ``add_bulk`` of all of them would leave.

tests/publish/test_bench_fill_bulk.py checks the entries against Wagtail's own indexing.
"""

from contextlib import contextmanager
from unittest import mock

from modelsearch import index


@contextmanager
def each_value_once():
    original = index.BaseField.get_value
    values = {}

    def get_value(field, obj):
        key = (id(obj), field.field_name)
        held = values.get(key)
        if held is None or held[0] is not obj:  # the object is kept, so its id is not reused meanwhile
            held = values[key] = (obj, original(field, obj))
        return held[1]

    with mock.patch.object(index.BaseField, "get_value", get_value):
        yield


@contextmanager
def title_norms_once(backend, model):
    """Refresh the title norms of ``backend``'s index (the one ``model`` is in) once, on leaving."""
    search_index = backend.get_index_for_model(model)
    refresh = getattr(type(search_index), "_refresh_title_norms", None)
    if refresh is None:  # a backend without title norms
        yield
        return
    with mock.patch.object(type(search_index), "_refresh_title_norms"):
        yield
    refresh(search_index)
