"""The slug ``page`` is the public site's own (a listing's archive pages live at …/page/<n>/): an editor who
types it is told so on the form when saving, and a latin slug made from a title never is it."""

import html

from django.urls import reverse

from cms.core.slugs import pinyin_slug, unique_among_siblings
from cms.stories.models import StoryPage
from tests.conftest import make_story
from tests.moderation.conftest import add_url, client_for, story_form

MESSAGE = "缩略名（网址别名）“page”由网站保留：列表的分页网址（…/page/2/）要用它。请换一个。"


def shown(response):
    return html.unescape(response.content.decode())


def test_a_new_page_with_the_slug_page_is_not_saved_and_the_form_says_why(client, users, programme):
    client_for(client, users["editor"])
    response = client.post(add_url(StoryPage, programme), {**story_form(title="网页的故事", slug="page")})
    assert response.status_code == 200  # the form again, not a redirect to the saved page
    assert MESSAGE in shown(response)
    assert not StoryPage.objects.filter(title="网页的故事").exists()


def test_a_slug_typed_as_Page_is_refused_too(client, users, programme):
    client_for(client, users["editor"])
    response = client.post(add_url(StoryPage, programme), {**story_form(title="网页的故事", slug="Page")})
    assert "缩略名（网址别名）“Page”由网站保留" in shown(response)
    assert not StoryPage.objects.filter(title="网页的故事").exists()


def test_renaming_a_saved_page_to_page_keeps_its_slug_and_says_why(client, users, programme):
    story = make_story(programme, title="钱学森：中国航天之父", slug="qian-xuesen")
    client_for(client, users["editor"])
    url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    response = client.post(url, story_form(title=story.title, slug="page"))
    assert response.status_code == 200
    assert MESSAGE in shown(response)
    story.refresh_from_db()
    assert story.slug == "qian-xuesen"
    assert story.get_latest_revision().as_object().slug == "qian-xuesen"  # no draft with the slug either


def test_the_latin_slug_of_a_title_Page_is_suffixed_as_a_clash_would_be(client, users, programme):
    """Wagtail fills the slug from the title as you type ("page网页的故事"); Kepu makes it latin."""
    client_for(client, users["editor"])
    response = client.post(add_url(StoryPage, programme),
                           {**story_form(title="Page：网页的故事", slug="page网页的故事"), "action-submit": "1"})
    assert response.status_code == 302
    assert StoryPage.objects.get(title="Page：网页的故事").slug == "page-2"


def test_the_title_ye_is_not_page():
    assert pinyin_slug("页") == "ye"
    assert pinyin_slug("Page") == "page"


def test_pages_made_by_code_skip_the_reserved_slug_and_its_taken_suffixes(programme):
    """Nominations and expert pages get their slugs from unique_among_siblings, not from the form."""
    assert unique_among_siblings("page", programme) == "page-2"
    make_story(programme, title="页二", slug="page-2")
    assert unique_among_siblings("page", programme) == "page-3"
    assert unique_among_siblings("ye", programme) == "ye"


def test_a_copy_named_page_is_not_made_and_the_copy_form_says_why(client, users, programme):
    """Wagtail's 复制 form asks for the copy's slug (new_slug) on its own form, not the page form."""
    story = make_story(programme, title="钱学森：中国航天之父", slug="qian-xuesen")
    client_for(client, users["editor"])
    url = reverse("wagtailadmin_pages:copy", args=(story.pk,))
    assert 'name="new_slug"' in shown(client.get(url))
    response = client.post(url, {"new_title": "钱学森（副本）", "new_slug": "page", "new_parent_page": programme.pk})
    assert response.status_code == 200  # the form again
    assert MESSAGE in shown(response)
    assert not StoryPage.objects.filter(slug="page").exists()
    assert not StoryPage.objects.filter(title="钱学森（副本）").exists()

    response = client.post(url, {"new_title": "钱学森（副本）", "new_slug": "qian-xuesen-2",
                                 "new_parent_page": programme.pk})
    assert response.status_code == 302  # any other free slug is copied as before
    assert StoryPage.objects.get(slug="qian-xuesen-2").title == "钱学森（副本）"
