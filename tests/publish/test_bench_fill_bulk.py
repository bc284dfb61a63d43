"""bench_fill's bulk writer leaves what Wagtail's one-by-one way leaves (bench/management/bulk_pages.py).

Twenty pieces (stories, column articles and resources in two programmes, with tags, sources,
related stories, featured scientists, audiences and subjects) are filled in bulk on top of the
sample content. The tree must be one treebeard finds nothing wrong with and would not repair, and
every piece published again the Wagtail way (a revision of the page as saved, then ``publish()``,
which validates the page, recomputes its url_path and saves its inline rows and tags from the
revision) must leave content/ byte for byte as it was: a field, tag or inline row the bulk writer
got wrong or left out of the revision shows as a difference. (The new revisions' ids are the one
thing that differs: documents carry their revision id, and the manifest the files' digests.)
"""

import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex

from bench.management.commands.bench_fill import SLUG_PREFIX, Command
from cms.core.models import SiteSettings, User
from cms.publish.pipeline import export
from cms.publish.state import PublishState

PIECES = 20
NOW = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)


def content(folder):
    """{path: bytes} of content/, with revision ids and file digests left out."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            data = re.sub(rb'"revision": \d+', b'"revision": R', path.read_bytes())
            files[path.relative_to(folder).as_posix()] = re.sub(rb'"sha256": "[0-9a-f]+"', b'"sha256": S', data)
    return files


def tree_fields():
    return list(Page.objects.order_by("pk").values_list("pk", "path", "depth", "numchild", "url_path"))


@pytest.mark.django_db
def test_bulk_filled_pieces_are_what_wagtail_publishing_makes(public_site, tmp_path):
    with mock.patch.object(timezone, "now", return_value=NOW):
        Command().fill(0, PIECES, batch=PIECES)
        pieces = [page.specific for page in Page.objects.filter(slug__startswith=SLUG_PREFIX).order_by("path")]
        assert len(pieces) == PIECES
        assert {type(p).__name__ for p in pieces} == {"StoryPage", "ColumnArticlePage", "ResourcePage"}

        assert all(not problems for problems in Page.find_problems())
        before = tree_fields()
        Page.fix_tree()
        assert tree_fields() == before
        for piece in pieces:
            assert piece.live and not piece.has_unpublished_changes and piece.first_published_at == NOW
            assert piece.live_revision_id == piece.latest_revision_id is not None
            assert piece.url_path == piece.get_parent().url_path + piece.slug + "/"
            assert piece.tags.count() >= 2
            assert ReferenceIndex.get_references_for_object(piece).exists()

        site, state = SiteSettings.load(), PublishState()
        export(tmp_path / "bulk", site, state)
        bulk = content(tmp_path / "bulk")
        assert sum(f"{p.slug}/" in path for path in bulk for p in pieces) >= PIECES

        chief = User.objects.get(username="chief")
        for piece in pieces:
            page = Page.objects.get(pk=piece.pk).specific
            page.save_revision(user=chief, clean=False).publish(user=chief)
        export(tmp_path / "wagtail", site, state)
    assert content(tmp_path / "wagtail") == bulk
