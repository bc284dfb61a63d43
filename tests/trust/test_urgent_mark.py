"""The 应急科普 mark is a stored fact of the page: set when the 应急科普 workflow approves it, kept by
every later revision, not copied, and backfilled from the workflow states for pages approved before
the field existed."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.models import Page

from cms.moderation.wagtail_hooks import URGENT_ACTION
from cms.stories.models import StoryPage
from tests import forms

pytestmark = pytest.mark.django_db


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["stories", "storypage", parent.pk])


def approve(client, page):
    """What the approver does in the admin: approve the current task."""
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    assert client.post(url, {"comment": ""}).status_code in (200, 302)


def marked(page):
    return StoryPage.objects.get(pk=page.pk).through_urgent_path


@pytest.fixture
def submitted(client, users, programme):
    """Two stories an editor submitted: one through 应急科普, one through the ordinary review."""
    client.force_login(users["editor"])
    # (no tags: screening takes a new page's own tags for links to an unpublished page)
    urgent = forms.story_data(title="伍连德：扑灭鼠疫的医生", slug="wu-liande", tags="")
    ordinary = forms.story_data(title="华罗庚：数学的故事", slug="hua-luogeng", tags="")
    assert client.post(add_url(programme), {**urgent, URGENT_ACTION: "1"}).status_code == 302
    assert client.post(add_url(programme), {**ordinary, "action-submit": "1"}).status_code == 302
    return StoryPage.objects.get(slug="wu-liande"), StoryPage.objects.get(slug="hua-luogeng")


def test_the_urgent_workflow_marks_what_it_approves_and_the_mark_outlives_later_revisions(
        client, users, submitted):
    story, other = submitted
    assert not marked(story)  # submitted, not yet approved
    client.force_login(users["chief"])
    approve(client, story)
    assert StoryPage.objects.get(pk=story.pk).live and marked(story)
    # the revision approved was written before the mark: publishing it again (as a revert to it or a
    # scheduled go-live does) leaves the page marked
    revision = StoryPage.objects.get(pk=story.pk).live_revision
    assert revision.content["through_urgent_path"] is False
    revision.publish(user=users["chief"])
    assert marked(story)

    client.force_login(users["reviewer"])  # the ordinary story goes live through 初审 and 终审
    approve(client, other)
    client.force_login(users["chief"])
    approve(client, other)
    assert StoryPage.objects.get(pk=other.pk).live and not marked(other)

    # a later edit of the urgent story, through the ordinary review, leaves it marked
    client.force_login(users["editor"])
    edit = forms.story_data(title="伍连德：扑灭鼠疫的医生", slug="wu-liande", tags="", summary="更新后的摘要。")
    assert client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]),
                       {**edit, "action-submit": "1"}).status_code == 302
    client.force_login(users["reviewer"])
    approve(client, story)
    client.force_login(users["chief"])
    approve(client, story)
    story = StoryPage.objects.get(pk=story.pk)
    assert story.summary == "更新后的摘要。" and story.through_urgent_path

    copy = story.copy(update_attrs={"slug": "wu-liande-copy", "title": "副本"})
    assert not marked(copy)  # a copy did not go through 应急科普


def test_the_migration_marks_the_stories_the_urgent_workflow_approved_before(client, users, submitted):
    story, other = submitted
    client.force_login(users["chief"])
    approve(client, story)
    StoryPage.objects.update(through_urgent_path=False)  # as before the field existed
    migration = importlib.import_module("cms.stories.migrations.0003_urgent_path_mark")
    migration.mark_stories_the_urgent_workflow_approved(apps, None)
    assert marked(story) and not marked(other)
