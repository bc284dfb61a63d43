import pytest

from cms.previews.models import PreviewLink
from tests.conftest import make_story


@pytest.fixture
def draft_story(programme, image):
    """A story never published, with a portrait and a link to a published story and to another draft."""
    published = make_story(programme, title="已发布的故事", slug="yifabu")
    other_draft = make_story(programme, title="另一份草稿", slug="ling-yi-fen", publish=False)
    text = (f'<p>她从古籍中得到启发。见<a linktype="page" id="{published.pk}">已发布的故事</a>'
            f'与<a linktype="page" id="{other_draft.pk}">另一份草稿</a>。</p>')
    story = make_story(programme, title="屠呦呦：青蒿素的发现者", slug="tu-youyou", publish=False,
                       scientist_name="屠呦呦", portrait=image, portrait_alt="屠呦呦在实验室",
                       body=[("paragraph", text)])
    story.other_draft, story.published = other_draft, published
    return story


@pytest.fixture
def link_and_token(draft_story, users):
    return PreviewLink.issue(page=draft_story, name="王教授", organisation="某某大学药学院", user=users["editor"])


@pytest.fixture(autouse=True)
def previews_dir(settings, tmp_path):
    """Each test's throwaway builds in a folder of its own (page ids repeat between tests)."""
    settings.KEPU_PREVIEWS_DIR = tmp_path / "previews"
    return settings.KEPU_PREVIEWS_DIR
