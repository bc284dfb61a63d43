"""The render step's SQL queries do not grow with the number of pages (no N+1 in render or documents)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.publish import plan, render
from cms.publish.state import current
from tests.publish.scenarios import add_pieces, pieces_site


def render_queries():
    current().forget()  # a cold render: every page rendered, no document kept from before
    cache = current().renders
    with CaptureQueriesContext(connection) as captured:
        rendered = render.render(plan.plan(cache), cache)
    return len(rendered.documents), len(captured.captured_queries)


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_pages(settings, tmp_path, programme, institute):
    column, image = pieces_site(settings, tmp_path, programme, institute, 5)
    pages_small, queries_small = render_queries()
    add_pieces(programme, column, institute, image, 10, start=6)
    pages_large, queries_large = render_queries()

    assert pages_large == pages_small + 30
    # Three times the pieces, the same queries: one per relation and page type, not one per page.
    assert queries_large - queries_small <= 2, (queries_small, queries_large)
