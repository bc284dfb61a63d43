"""A story added to a programme, or a draft of the programme saved, is not a change to what the programme's
other stories read of it (its title, slug, fields as published): they are not rendered again. The
programme's own page is (its row changed: a child more, a draft), and the new story; what every worker
makes stays what a new worker makes."""

import pytest

from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.test_query_narrowing import as_read, publish, rendered_after
from tests.publish.test_query_narrowing import rendered as rendered_paths  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_story_added_renders_it_and_its_programme_not_its_siblings(programme, request):
    rendered = request.getfixturevalue("rendered_paths")
    for number in range(1, 4):
        make_story(programme, title=f"故事{number}", slug=f"s{number}")
    worker = PublishState()
    publish(worker)
    added = rendered_after(worker, rendered, lambda: make_story(programme, title="故事4", slug="s4"))
    assert added == {"gezhi-lundao/s4.md", "gezhi-lundao/index.md"}


def test_a_programme_draft_saved_renders_the_programme_alone(programme, request):
    rendered = request.getfixturevalue("rendered_paths")
    for number in range(1, 4):
        make_story(programme, title=f"故事{number}", slug=f"s{number}")
    worker = PublishState()
    publish(worker)

    def draft():
        programme.refresh_from_db()
        programme.title = "格致论道（草稿）"
        programme.save_revision()  # not published

    assert rendered_after(worker, rendered, draft) == {"gezhi-lundao/index.md"}
    assert "格致论道（草稿）" not in repr(as_read(publish(worker)))

    def published():
        programme.refresh_from_db()
        programme.title = "格致论道讲坛"
        programme.save_revision().publish()

    # What the stories read of it changed: every one of them again.
    assert rendered_after(worker, rendered, published) >= {
        "gezhi-lundao/index.md", "gezhi-lundao/s1.md", "gezhi-lundao/s2.md", "gezhi-lundao/s3.md"}
