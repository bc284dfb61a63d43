"""The page tree is the site's structure: each type only where it belongs."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.core.models import HomePage
from cms.events.models import CampaignPage, EventIndexPage
from cms.programmes.models import ProgrammePage
from cms.resources.models import ContributionAreaPage, ResourcePage
from cms.stories.models import StoryPage

ALLOWED = {
    HomePage: {ProgrammePage, CampaignPage, EventIndexPage},
    ProgrammePage: {StoryPage, ColumnPage, ResourcePage, ContributionAreaPage, EventIndexPage},
    CampaignPage: {CampaignPage},
    EventIndexPage: set(),  # events only in a programme's 活动 (tests/events/test_pages.py)
    ColumnPage: {ColumnArticlePage},
    ContributionAreaPage: {ResourcePage},
    StoryPage: set(),
    ColumnArticlePage: set(),
    ResourcePage: set(),
}
ALL_TYPES = list(ALLOWED)


@pytest.mark.parametrize("parent", ALL_TYPES, ids=lambda m: m.__name__)
@pytest.mark.parametrize("child", ALL_TYPES, ids=lambda m: m.__name__)
def test_child_types(db, parent, child):
    assert child.can_create_at(parent()) == (child in ALLOWED[parent])


def test_only_one_home_page(home):
    assert not HomePage.can_create_at(Page.get_first_root_node())


def test_story_cannot_be_added_under_home_in_the_admin(admin_client, home):
    url = reverse("wagtailadmin_pages:add", args=["stories", "storypage", home.pk])
    response = admin_client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "没有权限" in response.content.decode()
    assert not StoryPage.objects.exists()


def test_add_subpage_offers_only_allowed_types(admin_client, programme):
    response = admin_client.get(reverse("wagtailadmin_pages:add_subpage", args=[programme.pk]))
    offered = {(app_label, model_name) for _label, app_label, model_name, _desc in response.context["page_types"]}
    assert offered == {
        ("stories", "storypage"), ("columns", "columnpage"), ("resources", "resourcepage"),
        ("resources", "contributionareapage"), ("events", "eventindexpage"), ("nominations", "noticepage"),
        ("factcheck", "debunkindexpage"),
    }


def test_story_cannot_be_moved_under_home(admin_client, story, home):
    url = reverse("wagtailadmin_pages:move_confirm", args=[story.pk, home.pk])
    response = admin_client.post(url)
    story.refresh_from_db()
    assert story.get_parent().specific_class is ProgrammePage
    assert response.status_code in (302, 403)
