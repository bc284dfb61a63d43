"""A correction reaches readers only once the review approves it, on the BUILT site: the piece's page,
its entry in the site feed (feed.xml) and the 更正记录 page (/corrections/). An editor adds a dated
correction to a live story and submits it; the site is published after the submission, after the
first approval (初审, 审核) and after the final one (终审, 主编). A minimal tree, published by this
module only."""

import html
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset

from cms.publish.pipeline import publish
from tests import forms
from tests.conftest import make_story
from tests.publish.trees import folders, site_file  # noqa: F401 (folders: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]

SLUG = "hua-luogeng-test"  # forms.story_data's slug: the form below edits this story
NOTE = {"date": "2026-02-01", "wrong": "1950 年回国", "right": "1950 年 2 月回到北京"}
TOLD = "2026-02-01 更正：原文“1950 年回国”，应为“1950 年 2 月回到北京”。"  # the feed's and 更正记录's words


def approve(client, user, page):
    client.force_login(user)
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    assert client.post(url, {"comment": ""}).status_code in (200, 302)


def what_readers_see(settings, programme):
    """After a publish: (the note at the top of the story, the story's feed entry, the 更正记录 lines)."""
    page = BeautifulSoup(site_file(settings, programme.slug, SLUG, "index.html").read_text("utf-8"), "html.parser")
    note = " ".join(aside.get_text(" ", strip=True) for aside in page.select(".kepu-correction"))
    channel = ET.fromstring(site_file(settings, "feed.xml").read_bytes()).find("channel")
    (entry,) = [item for item in channel.findall("item")
                if item.findtext("link").endswith(f"/{programme.slug}/{SLUG}/")]
    told = html.unescape(entry.findtext("description") or "")  # HTML in the feed: decoded once more
    record = site_file(settings, "corrections", "index.html")
    lines = []
    if record.exists():
        body = BeautifulSoup(record.read_text("utf-8"), "html.parser")
        lines = [li.get_text("", strip=True) for li in body.select(".kepu-body li")]
    return note, told, lines


def test_a_correction_shows_on_the_page_in_the_feed_and_on_the_record_after_approval_and_not_before(
        settings, client, users, programme):
    story = make_story(programme, title="华罗庚：数学的故事", slug=SLUG, scientist_name="华罗庚",
                       discipline="数学", summary="一位自学成才的数学家。")
    client.force_login(users["editor"])
    data = forms.story_data(tags="", corrections=inline_formset([NOTE]))
    response = client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), {**data, "action-submit": "1"})
    assert response.status_code == 302

    publish()  # submitted
    note, told, lines = what_readers_see(settings, programme)
    assert (note, told, lines) == ("", "一位自学成才的数学家。", [])
    assert not site_file(settings, "corrections", "index.html").exists()

    approve(client, users["reviewer"], story)  # 初审 approved; 终审 still to come
    publish()
    assert what_readers_see(settings, programme) == ("", "一位自学成才的数学家。", [])

    approve(client, users["chief"], story)  # 终审: the revision with the correction goes live
    publish()
    note, told, lines = what_readers_see(settings, programme)
    assert note == "更正 （共 1 处） 2026-02-01：原文1950 年回国；现更正为：1950 年 2 月回到北京"
    assert told == f"一位自学成才的数学家。 {TOLD}"
    assert lines == [f"华罗庚：数学的故事：{TOLD}"]
