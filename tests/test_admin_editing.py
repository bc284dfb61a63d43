"""The add and edit views of every page type render and save for an editor."""

import pytest
from django.urls import reverse

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.programmes.models import ProgrammePage
from cms.resources.models import Audience, ResourcePage
from cms.stories.models import StoryPage
from tests import forms


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


@pytest.fixture
def column(programme):
    page = ColumnPage(title="名师学风", slug="mingshi", introduction="<p>介绍</p>")
    programme.add_child(instance=page)
    page.save_revision().publish()
    return page


def created_pages(case, programme, column, institute):
    audiences = list(Audience.objects.values_list("pk", flat=True)[:2])
    return {
        "story": (StoryPage, programme, forms.story_data()),
        "column": (ColumnPage, programme, forms.column_data()),
        "article": (ColumnArticlePage, column, forms.article_data(issue_number="7")),
        "resource": (ResourcePage, programme, forms.resource_data(institute, audiences)),
    }[case]


@pytest.mark.parametrize("case", ["story", "column", "article", "resource"])
def test_editor_adds_and_edits_a_draft(editor_client, programme, column, institute, case):
    model, parent, data = created_pages(case, programme, column, institute)
    assert editor_client.get(add_url(model, parent)).status_code == 200

    response = editor_client.post(add_url(model, parent), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = model.objects.get(slug=data["slug"])
    assert not page.live  # an editor saves drafts; publishing is for chief editors
    assert page.get_parent().pk == parent.pk
    assert page.latest_revision.user.username == "editor"

    # The edit view renders the saved draft with what was typed; saving again makes a new revision.
    response = editor_client.get(edit_url(page))
    assert response.status_code == 200
    assert data["title"] in response.content.decode()
    response = editor_client.post(edit_url(page), {**data, "title": data["title"] + "（修订）"})
    assert response.status_code == 302, response.context["form"].errors
    page.refresh_from_db()
    assert page.draft_title.endswith("（修订）")
    assert page.revisions.count() == 2


def test_admin_adds_a_programme(admin_client, home):
    response = admin_client.post(add_url(ProgrammePage, home), forms.programme_data())
    assert response.status_code == 302
    assert ProgrammePage.objects.get(slug="kexue-yu-yishu").tagline == "当科学遇见艺术"


def test_edit_view_of_every_sample_page_type_renders(admin_client, programme, column, story, institute):
    audiences = Audience.objects.all()[:1]
    resource = ResourcePage(
        title="资源", slug="ziyuan", kind="book", institute=institute, licence="cc-by-4.0",
        summary="摘要", external_url="https://example.org/",
    )
    programme.add_child(instance=resource)
    resource.audiences = list(audiences)
    resource.save_revision().publish()
    article = ColumnArticlePage(title="文章", slug="wenzhang", issue_number=1, date="2026-01-01", body=[])
    column.add_child(instance=article)
    for page in [programme.get_parent(), programme, column, story, resource, article]:
        response = admin_client.get(edit_url(page))
        assert response.status_code == 200, page
        assert page.title in response.content.decode()


def test_preview_of_every_page_type(admin_client, home, programme, column, story, institute):
    resource = ResourcePage(
        title="预览资源", slug="yulan", kind="book", institute=institute, licence="cc-by-4.0",
        summary="摘要", external_url="https://example.org/",
    )
    programme.add_child(instance=resource)
    resource.save_revision()
    article = ColumnArticlePage(
        title="预览文章", slug="yulan-wenzhang", issue_number=3, date="2026-01-01",
        body=[("quote", {"text": "求是", "attribution": "竺可桢"})],
    )
    column.add_child(instance=article)
    article.save_revision()
    for page in [home, programme, column, story, resource, article]:
        response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
        assert response.status_code == 200, page
        assert page.title in response.content.decode()
