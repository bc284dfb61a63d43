"""Content the publishing tests make: a small programme for subprocess tests (``SEED``, ``EDIT``, run
with ``manage.py shell -c``), and pieces that use every relation their documents read."""

import datetime

from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from cms.columns.models import ColumnArticlePage, ColumnPage, FeaturedScientist
from cms.resources.models import Audience, ResourceFile, ResourcePage, Subject
from cms.stories.models import StoryHonour, StoryRelatedStory, StorySource
from tests.conftest import make_image, make_story

SEED = """
from cms.core.models import HomePage
from cms.programmes.models import ProgrammePage
from cms.stories.models import StoryPage
home = HomePage.objects.get()
programme = ProgrammePage(title="格致论道", slug="gezhi-lundao", tagline="讲述科学的故事",
                          introduction="<p>科学文化讲坛。</p>", home_order=1)
home.add_child(instance=programme)
programme.save_revision().publish()
for number in range(3):
    story = StoryPage(title=f"故事{number}", slug=f"story-{number}", scientist_name="钱学森", discipline="力学",
                      summary="摘要", body=[("paragraph", f"<p>第一版正文{number}</p>")])
    programme.add_child(instance=story)
    story.save_revision().publish()
"""

EDIT = """
from cms.programmes.models import ProgrammePage
from cms.stories.models import StoryPage
story = StoryPage.objects.get(slug="story-0")
story.body = [("paragraph", "<p>第二版正文</p>")]
story.save_revision().publish()
StoryPage.objects.get(slug="story-1").unpublish()
new = StoryPage(title="新故事", slug="story-new", scientist_name="华罗庚", discipline="数学", summary="摘要",
                body=[("paragraph", "<p>新的正文</p>")])
ProgrammePage.objects.get().add_child(instance=new)
new.save_revision().publish()
"""


def pieces_site(settings, tmp_path, programme, institute, count):
    """A column under ``programme`` and ``count`` × 3 pieces (add_pieces) with a portrait; returns (column, image)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    image = make_image("肖像", size=(600, 750))
    image.get_file_hash()  # as an upload through the admin does
    column = ColumnPage(title="名师学风", slug="column", introduction="<p>专栏。</p>")
    programme.add_child(instance=column)
    column.save_revision().publish()
    add_pieces(programme, column, institute, image, count, start=1)
    return column, image


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
