"""The admin search index of many new pages at once, for bench_fill: the entries Wagtail's own
indexing writes, with the repeated work taken out.

- ``each_value_once``: modelsearch's indexer asks every search field of an object for its value
  three times (once each for the entry's title, body and autocomplete text), and Kepu's
  ``han_search_text`` asks every field again; the body's rich text is parsed each time. Inside
  this context a field's value for an object is worked out once and given back unchanged.
- ``add_new``: the database backends insert an entry with title norm 1.0 and then refresh the
  norms (``lavg / length``, lavg over the whole index) after every ``add_bulk``: an UPDATE that
  SQLite's full-text triggers turn into a second write of every new entry's text. On SQLite the
  entries here go in once, with the norm that refresh would give them, for all models of a batch
  together, as one ``add_bulk`` would leave them.

tests/publish/test_bench_fill_bulk.py checks the entries against Wagtail's own indexing.
"""

from contextlib import contextmanager, nullcontext
from unittest import mock

from django.db.models import Count, Sum
from django.db.models.functions import Length
from modelsearch import index
from modelsearch.utils import get_content_type_pk

from bench.management.bulk_pages import INSERT_SLICE

SQLITE_INDEX = "modelsearch.backends.database.sqlite.sqlite"


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


def add_new(backend, objects_by_model):
    """Index ``{model: [new objects]}`` (objects that have no entry yet) as one ``add_bulk`` of
    them all would. On SQLite the entries go in with their title norm (``lavg / length``, lavg over
    the index with them in it, as the refresh after ``add_bulk`` computes it) instead of 1.0 and an
    UPDATE afterwards; elsewhere through ``add_bulk`` per model and one refresh for them all."""
    objects_by_model = {model: objs for model, objs in objects_by_model.items() if objs}
    if not objects_by_model:
        return
    search_index = backend.get_index_for_model(next(iter(objects_by_model)))
    if type(search_index).__module__ != SQLITE_INDEX:
        refresh = getattr(type(search_index), "_refresh_title_norms", None)
        with mock.patch.object(type(search_index), "_refresh_title_norms") if refresh else nullcontext():
            for model, objs in objects_by_model.items():
                backend.add_bulk(model, objs)
        if refresh:
            refresh(search_index)  # once for all models, as on SQLite
        return
    from modelsearch.backends.database.sqlite.sqlite import IndexEntry, ObjectIndexer  # importable on SQLite only

    entries = []
    for model, objs in objects_by_model.items():
        content_type_pk = get_content_type_pk(model)
        for obj in objs:
            indexer = ObjectIndexer(obj, backend)
            entries.append(
                IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=indexer.id,
                    title=indexer.title,
                    autocomplete=indexer.autocomplete,
                    body=indexer.body,
                )
            )
    lengths = [len(entry.title) for entry in entries if entry.title]
    indexed = IndexEntry.objects.annotate(length=Length("title")).filter(length__gt=0)
    totals = indexed.aggregate(total=Sum("length", default=0), count=Count("pk"))
    if lengths:
        lavg = (totals["total"] + sum(lengths)) / (totals["count"] + len(lengths))
        for entry in entries:
            if entry.title:
                entry.title_norm = lavg / len(entry.title)
    IndexEntry.objects.bulk_create(entries, batch_size=INSERT_SLICE)
