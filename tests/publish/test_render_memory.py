"""The render step holds a slice of loaded pages at a time, not the whole site (issue 18: memory
flat as pieces grow), and renders exactly what it rendered when it held them all."""

import pytest

from cms.publish import plan, render
from cms.publish.state import current
from tests.publish.scenarios import pieces_site


def cold_render(monkeypatch, slice_size):
    """Every page rendered again, ``slice_size`` pages loaded at a time; returns ({path: (meta, body,
    attachments)}, the most loaded pages the render context held while a page was rendered)."""
    monkeypatch.setattr(render, "PREFETCH_SLICE", slice_size)
    current().forget()
    cache = current().renders
    todo = plan.plan(cache)
    held, draw = [], cache.render

    def spying(page, row, context, **kwargs):
        held.append(len(context.pages))
        return draw(page, row, context, **kwargs)

    monkeypatch.setattr(cache, "render", spying)
    rendered = render.render(todo, cache)
    monkeypatch.undo()
    documents = {path: (doc.meta, doc.body, doc.attachments) for path, doc in rendered.documents.items()}
    return documents, max(held)


@pytest.mark.django_db
def test_render_holds_a_slice_of_pages_and_renders_the_same(settings, tmp_path, monkeypatch, programme, institute):
    pieces_site(settings, tmp_path, programme, institute, 8)  # 24 pieces under the programme and column

    whole, held_whole = cold_render(monkeypatch, 10_000)
    sliced, held_sliced = cold_render(monkeypatch, 4)

    assert len(whole) > 24 and held_whole > 24  # all loaded at once when the slice is the site
    ancestors = 3  # the site root, the programme, the column: read by the pieces' types, kept loaded
    assert held_sliced <= 4 + ancestors, held_sliced
    assert sliced == whole
