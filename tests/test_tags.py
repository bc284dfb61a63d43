"""One tag vocabulary shared by stories, articles and resources, with autocomplete."""

import datetime

from django.urls import reverse
from taggit.models import Tag

from cms.columns.models import ColumnArticlePage, ColumnPage
from tests.conftest import make_story


def test_tags_are_shared_and_autocompleted(editor_client, programme):
    story = make_story(programme)
    story.tags.add("航天", "两弹一星")
    story.save_revision().publish()
    column = ColumnPage(title="专栏", slug="zhuanlan", introduction="<p>介绍</p>")
    programme.add_child(instance=column)
    article = ColumnArticlePage(title="文章", slug="wenzhang", issue_number=1, date=datetime.date(2026, 1, 1), body=[])
    article.tags.add("航天")
    column.add_child(instance=article)
    article.save_revision().publish()

    assert Tag.objects.filter(name="航天").count() == 1  # the same tag, not one per content type
    response = editor_client.get(reverse("wagtailadmin_tag_autocomplete"), {"term": "航"})
    assert response.status_code == 200
    assert "航天" in response.json()


def test_tags_whose_names_differ_only_in_punctuation_get_pages_of_their_own():
    from cms.publish.paths import safe_name

    names = {safe_name(tag) for tag in ("A B", "A-B", "A/B", "A  B", "量子 计算", "量子-计算", "", " ")}
    assert len(names) == 7  # "" and " " are the same tag once stripped
    assert safe_name("两弹一星") == "两弹一星" and safe_name("A-B") == "A-B"
    assert all("/" not in name and " " not in name and name for name in names)
