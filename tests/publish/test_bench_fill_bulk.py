"""bench_fill's bulk writer leaves what Wagtail's one-by-one way leaves (bench/management/bulk_pages.py).

Twenty pieces (stories, column articles and resources in two programmes, with tags, sources,
related stories, featured scientists, audiences and subjects) are filled in bulk on top of the
sample content. The tree must be one treebeard finds nothing wrong with and would not repair, and
every piece published again the Wagtail way (a revision of the page as saved, then ``publish()``,
which validates the page, recomputes its url_path and saves its inline rows and tags from the
revision) must leave content/ byte for byte as it was: a field, tag or inline row the bulk writer
got wrong or left out of the revision shows as a difference. (The new revisions' ids are the one
thing that differs: documents carry their revision id, and the manifest the files' digests.)

Two shortcuts are checked on their own: the sanitiser is not run on HTML ``kept_as_is`` accepts
(the sanitiser itself must leave every such piece of HTML alone, and refuse nothing it would
change), and the admin search index is written in one pass (the entries must be the ones Wagtail's
own indexing of each page writes, with the title norm its refresh computes, and searchable).
"""

import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from django.db.models.functions import Length
from django.utils import timezone
from modelsearch import index
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from bench.management.bulk_pages import kept_as_is
from bench.management.commands.bench_fill import SLUG_PREFIX, Command
from cms.core.models import SiteSettings, User
from cms.moderation.sanitiser import sanitise_with_report
from cms.moderation.screening import walk
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


def search_entries(pages):
    """{(content type, object id): (title, autocomplete, body, title norm)} of ``pages``' entries."""
    rows = IndexEntry.objects.filter(object_id__in=[str(p.pk) for p in pages]).values_list(
        "content_type_id", "object_id", "title", "autocomplete", "body", "title_norm"
    )
    return {(ct, oid): (str(title), str(autocomplete), str(body), norm) for ct, oid, title, autocomplete, body, norm in
            rows}


def tree_fields():
    return list(Page.objects.order_by("pk").values_list("pk", "path", "depth", "numchild", "url_path"))


@pytest.mark.django_db
def test_bulk_filled_pieces_are_what_wagtail_publishing_makes(public_site, tmp_path):
    with mock.patch.object(timezone, "now", return_value=NOW):
        command = Command()
        command.fill(0, PIECES, batch=PIECES)
        pieces = [page.specific for page in Page.objects.filter(slug__startswith=SLUG_PREFIX).order_by("path")]
        assert len(pieces) == PIECES
        assert {type(p).__name__ for p in pieces} == {"StoryPage", "ColumnArticlePage", "ResourcePage"}
        assert command.kept == {p.slug for p in pieces}  # the sanitiser was skipped for every piece

        html = [item.value for piece in pieces for item in walk(piece) if item.kind == "html"]
        assert len(html) == 2 * PIECES and all(map(kept_as_is, html))
        assert not any(sanitise_with_report(value).changed for value in html)

        filled = search_entries(pieces)
        assert len(filled) == PIECES
        lengths = IndexEntry.objects.annotate(length=Length("title")).filter(length__gt=0)
        lavg = sum(lengths.values_list("length", flat=True)) / lengths.count()
        norms = dict(lengths.filter(object_id__in=[str(p.pk) for p in pieces]).values_list("object_id", "length"))
        assert {oid: entry[3] for (_, oid), entry in filled.items()} == pytest.approx(
            {oid: lavg / length for oid, length in norms.items()}
        )
        story = next(p for p in pieces if type(p).__name__ == "StoryPage")
        word = re.search("[\u4e00-\u9fff]{2,}", story.title).group()
        assert story.pk in [p.pk for p in get_search_backend().search(word, type(story))]
        for piece in pieces:
            index.insert_or_update_object(piece)  # what Wagtail's post_save handler does
        assert {key: entry[:3] for key, entry in search_entries(pieces).items()} == {
            key: entry[:3] for key, entry in filled.items()
        }

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


def test_html_kept_as_is_is_html_the_sanitiser_leaves_alone():
    kept = [
        "<p>钱学森（1911—2009），&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot; 'x' &#60;</p><p></p>",
        '<p><b>来源</b></p><ul><li>维基百科，CC BY-SA <a href="https://zh.wikipedia.org/wiki/钱学森">'
        "https://zh.wikipedia.org/wiki/钱学森</a></li></ul>",
    ]
    refused = [
        "<p>a</p><script>alert(1)</script>",
        "<p onclick=\"alert(1)\">a</p>",
        "<p>a<!-- note --></p>",
        '<ul><li>a <a href="javascript:alert(1)">x</a></li></ul>',
        '<ul><li>a <a href="https://example.org/" onmouseover="x">x</a></li></ul>',
        "<p><i>a</i></p>",
        "<p>a",
    ]
    for value in kept:
        assert kept_as_is(value) and not sanitise_with_report(value).changed, value
    for value in refused:
        assert not kept_as_is(value), value
    assert all(sanitise_with_report(value).changed for value in refused[:5])
