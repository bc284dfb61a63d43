"""The render step renders again only the pages whose inputs changed, and what it keeps is exact."""

import pytest
from taggit.models import Tag

from cms.core.models import Institute
from cms.publish import plan
from cms.publish import render as render_step
from cms.publish.protocol import Publishable
from cms.publish.state import current
from cms.publish.write import serialise
from cms.stories.models import StoryPage
from tests.publish.scenarios import pieces_site


@pytest.fixture
def site(settings, tmp_path, programme, institute):
    pieces_site(settings, tmp_path, programme, institute, 3)
    current().forget()
    yield
    current().forget()


@pytest.fixture
def rendered(monkeypatch):
    """Page ids whose to_document ran, per call of ``render``; and the documents as bytes."""
    calls = []
    for cls in Publishable.__subclasses__():
        original = cls.to_document

        def spy(self, context, original=original):
            calls.append(self.pk)
            return original(self, context)

        monkeypatch.setattr(cls, "to_document", spy)

    def render():
        calls.clear()
        cache = current().renders
        rendered = render_step.render(plan.plan(cache), cache)
        texts = {path: serialise(d.meta, d.body) for path, d in rendered.documents.items()}
        return set(calls), texts, sorted(rendered.assets)

    return render


def cold(render):
    current().forget()
    return render()


@pytest.mark.django_db
def test_unchanged_pages_are_not_rendered_again_and_give_the_same_bytes(site, rendered):
    first_calls, first, first_assets = rendered()
    assert len(first_calls) == len(first)
    calls, again, assets = rendered()
    assert calls == set()
    assert (again, assets) == (first, first_assets)


@pytest.mark.django_db
def test_changes_outside_the_page_render_it_again(site, rendered):
    rendered()
    story = StoryPage.objects.get(slug="story-1")

    # A related story's new title: the story that links to it shows the new title.
    story.title = "新标题的故事"
    story.save_revision().publish()
    calls, warm, _ = rendered()
    linking = StoryPage.objects.get(slug="story-2")
    assert {story.pk, linking.pk} <= calls
    assert "新标题的故事" in warm["gezhi-lundao/story-2.md"].decode()

    # A renamed institute, a renamed tag: snippets and tags are not part of a page's revision.
    Institute.objects.filter(pk=Institute.objects.get().pk).update(name="改名研究所")
    Tag.objects.filter(name="共同标签").update(name="改名标签")
    calls, warm, assets = rendered()
    assert "改名研究所" in warm["gezhi-lundao/resource-1.md"].decode()
    assert "改名标签" in warm["gezhi-lundao/story-3.md"].decode()

    # Whatever changed, a warm render is byte for byte what a cold one gives.
    assert (warm, assets) == cold(rendered)[1:]


@pytest.mark.django_db
def test_moving_a_page_renders_the_pages_that_link_to_it(site, rendered, home):
    rendered()
    from cms.programmes.models import ProgrammePage

    other = ProgrammePage(title="科学大院", slug="kexue-dayuan", tagline="有料有趣", introduction="<p>介绍。</p>")
    home.add_child(instance=other)
    other.save_revision().publish()
    StoryPage.objects.get(slug="story-1").move(other, pos="last-child")
    _calls, warm, assets = rendered()
    assert "kexue-dayuan/story-1.md" in warm
    assert "/kexue-dayuan/story-1/" in warm["gezhi-lundao/story-2.md"].decode()
    assert (warm, assets) == cold(rendered)[1:]
