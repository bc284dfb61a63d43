"""Pages built from a query over every story (a campaign's rule, an expert's page, the 应急科普 hub) are
rendered again when a story their query returns changes, comes or goes, not at every story edit: the
page types say which of their pages a changed story is returned to (``export_returning``). A long-lived
worker's documents stay those a new worker renders."""

import datetime

import pytest
from taggit.models import Tag

from cms.events.models import CampaignPage
from cms.factcheck.models import Expert
from cms.publish import plan, render
from cms.publish.state import PublishState
from cms.stories.models import StoryPage
from tests.conftest import make_story
from tests.publish.test_query_dependencies import trust  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CAMPAIGN = "xuanchuanyue/index.md"
HUB = "yingji-kepu/index.md"
EXPERT = "yingji-kepu/zhuanjia/lin-zhiyuan.md"  # 林知远（示例）: wrote and reviewed sample debunks
OTHER_EXPERT = "yingji-kepu/zhuanjia/zhou-mingche.md"  # 周明澈（示例）


@pytest.fixture
def site(request, home):
    """The trust sample (hub, experts and their pages, an urgent story: test_query_dependencies) and a
    campaign gathering the pieces tagged 学风 (none yet)."""
    programme = request.getfixturevalue("trust")
    campaign = CampaignPage(title="学风建设宣传月", slug="xuanchuanyue", theme="弘扬科学家精神", lead="宣传月的作品。",
                            start_date=datetime.date(2020, 11, 1), end_date=datetime.date(2020, 12, 31),
                            rule_within_window=False)
    home.add_child(instance=campaign)
    campaign.rule_tags = [Tag.objects.get_or_create(name="学风")[0]]
    campaign.save_revision().publish()
    return programme


@pytest.fixture
def rendered(monkeypatch):
    """The paths of the documents rendered (not taken from the cache), in order."""
    paths = []
    original = render.RenderCache.render

    def counted(self, page, row, context, **kwargs):
        paths.append(context.current_path)
        return original(self, page, row, context, **kwargs)

    monkeypatch.setattr(render.RenderCache, "render", counted)
    return paths


def publish(worker):
    """{path: Document} rendered by ``worker`` (a PublishState kept between publishes)."""
    return render.render(plan.plan(worker.renders), worker.renders).documents


def as_read(documents):
    return {path: (document.meta, document.body) for path, document in documents.items()}


def add_stories(programme, numbers):
    for number in numbers:
        story = make_story(programme, title=f"故事{number}", slug=f"s{number}")
        story.tags.add("地质")
        story.save_revision().publish()


def edit(page, **fields):
    """Change ``page`` through a revision, as an editor's approval does."""
    page = StoryPage.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def rendered_after(worker, rendered, change):
    """{path} rendered by ``worker``'s publish after ``change()``; its documents are a new worker's."""
    change()
    rendered.clear()
    documents = publish(worker)
    paths = set(rendered)
    assert as_read(documents) == as_read(publish(PublishState()))
    return paths


def test_a_story_edit_renders_that_story_alone_whatever_the_number_of_stories(site, rendered):
    add_stories(site, range(1, 5))
    story = StoryPage.objects.get(slug="s1")
    worker = PublishState()
    publish(worker)

    small = rendered_after(worker, rendered, lambda: edit(story, title="故事一"))
    add_stories(site, range(5, 13))
    publish(worker)
    large = rendered_after(worker, rendered, lambda: edit(story, title="故事壹"))

    # Not the campaign (it gathers 学风 pieces), the experts' pages (neither wrote it) nor the hub (not 应急科普).
    assert small == large == {"kexue-dayuan/s1.md"}


def test_the_pages_a_story_is_returned_to_follow_it(site, rendered):
    add_stories(site, range(1, 3))
    worker = PublishState()
    publish(worker)
    story = StoryPage.objects.get(slug="s1")

    def tag():
        page = StoryPage.objects.get(pk=story.pk)
        page.tags.add("学风")
        page.save_revision().publish()

    assert rendered_after(worker, rendered, tag) == {CAMPAIGN, "kexue-dayuan/s1.md"}
    assert "故事1" in publish(worker)[CAMPAIGN].body
    assert rendered_after(worker, rendered, lambda: edit(story, title="故事一")) == {CAMPAIGN, "kexue-dayuan/s1.md"}

    def untag():
        page = StoryPage.objects.get(pk=story.pk)
        page.tags.remove("学风")
        page.save_revision().publish()

    assert rendered_after(worker, rendered, untag) == {CAMPAIGN, "kexue-dayuan/s1.md"}
    assert "故事一" not in publish(worker)[CAMPAIGN].body

    lin = Expert.objects.get(name="林知远（示例）")
    assert rendered_after(worker, rendered, lambda: edit(story, expert_authors=[lin])) == {
        "kexue-dayuan/s1.md", EXPERT}
    assert "故事一" in publish(worker)[EXPERT].body and "故事一" not in publish(worker)[OTHER_EXPERT].body
    assert rendered_after(worker, rendered, lambda: edit(story, expert_authors=[])) == {"kexue-dayuan/s1.md", EXPERT}

    urgent = StoryPage.objects.get(through_urgent_path=True, retracted=False)
    assert rendered_after(worker, rendered, lambda: edit(urgent, title="伍连德：扑灭鼠疫的医生")) == {
        f"kexue-dayuan/{urgent.slug}.md", HUB}
    assert "伍连德：扑灭鼠疫的医生" in publish(worker)[HUB].body


def test_a_story_that_goes_renders_the_pages_that_listed_it(site, rendered):
    add_stories(site, range(1, 3))
    story = StoryPage.objects.get(slug="s1")
    story.tags.add("学风")
    story.expert_authors = [Expert.objects.get(name="林知远（示例）")]
    story.save_revision().publish()
    worker = PublishState()
    publish(worker)

    assert rendered_after(worker, rendered, lambda: StoryPage.objects.get(pk=story.pk).unpublish()) == {
        CAMPAIGN, EXPERT}
    assert "故事1" not in publish(worker)[CAMPAIGN].body
