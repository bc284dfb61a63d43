"""The exporter's SQL queries do not grow with the number of pages (no N+1 in export or documents)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document

from cms.columns.models import ColumnArticlePage, ColumnPage, FeaturedScientist
from cms.publish import export
from cms.resources.models import Audience, ResourceFile, ResourcePage, Subject
from cms.stories.models import StoryHonour, StoryRelatedStory, StorySource
from tests.conftest import make_image, make_story


def add_pieces(programme, column, institute, image, count, start):
    """``count`` stories, column articles and resources using every relation their documents read."""
    audience, subject = Audience.objects.first(), Subject.objects.get_or_create(name="物理学")[0]
    previous = None
    for n in range(start, start + count):
        story = make_story(
            programme, title=f"故事 {n}", slug=f"story-{n}", portrait=image, portrait_alt="示意肖像",
            body=[("paragraph", f"<p>第 {n} 篇故事的正文。</p>")],
        )
        story.honours = [StoryHonour(title="示例荣誉", year=2000)]
        story.sources = [StorySource(title="来源", url="https://example.org/")]
        if previous is not None:
            story.related_stories = [StoryRelatedStory(story=previous)]
        story.tags.add(f"标签{n % 3}", "共同标签")
        story.save_revision().publish()
        previous = story

        article = ColumnArticlePage(
            title=f"专栏文章 {n}", slug=f"article-{n}", issue_number=n, date=datetime.date(2024, 1, 1),
            body=[("paragraph", f"<p>第 {n} 期。</p>")],
        )
        article.featured_scientists = [FeaturedScientist(story=story)]
        article.tags.add("专栏")
        column.add_child(instance=article)
        article.save_revision().publish()

        resource = ResourcePage(
            title=f"资源 {n}", slug=f"resource-{n}", kind="courseware", institute=institute,
            licence="cc-by-4.0", summary="课件。", body=[("paragraph", "<p>课件介绍。</p>")],
        )
        document = Document.objects.create(title=f"课件 {n}", file=ContentFile(b"outline", name="outline.txt"))
        document.get_file_hash()  # as an upload through the admin does
        resource.files = [ResourceFile(document=document)]
        resource.audiences = [audience]
        resource.subjects = [subject]
        resource.tags.add("课件")
        programme.add_child(instance=resource)
        resource.save_revision().publish()


def render_queries():
    export.forget_rendered()  # a cold render: every page rendered, no document kept from before
    with CaptureQueriesContext(connection) as captured:
        documents, _context = export.render_documents()
    return len(documents), len(captured.captured_queries)


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_pages(settings, tmp_path, programme, institute):
    settings.MEDIA_ROOT = tmp_path / "media"
    image = make_image("肖像", size=(600, 750))
    image.get_file_hash()  # as an upload through the admin does
    column = ColumnPage(title="名师学风", slug="column", introduction="<p>专栏。</p>")
    programme.add_child(instance=column)
    column.save_revision().publish()

    add_pieces(programme, column, institute, image, 5, start=1)
    pages_small, queries_small = render_queries()
    add_pieces(programme, column, institute, image, 10, start=6)
    pages_large, queries_large = render_queries()

    assert pages_large == pages_small + 30
    # Three times the pieces, the same queries: one per relation and page type, not one per page.
    assert queries_large - queries_small <= 2, (queries_small, queries_large)
