"""What editors see: latin slugs, menus that lead somewhere, the rejection comment in the editor, review
messages that say what happened, and a second click on a finished review step answered in Chinese."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.urls import reverse

from cms.core.site_server import make_server
from cms.core.slugs import pinyin_slug
from cms.moderation.outcome import WorkflowActionOnce
from cms.stories.models import StoryPage
from tests.editing.http_session import AdminSession
from tests.moderation.conftest import add_url, approve, client_for, reject, story_form


@pytest.mark.parametrize(("title", "slug"), [
    ("钱学森", "qian-xuesen"),
    ("钱学森：中国航天之父", "qian-xuesen"),
    ("格致论道", "gezhi-lundao"),
    ("科学与中国", "kexue-yu-zhongguo"),
    ("中国科普博览", "zhongguo-kepu-bolan"),
    ("激光的故事（投稿草稿）", "jiguang-de-gushi"),
    ("C919 大飞机", "c919-da-feiji"),
])
def test_pinyin_slugs_in_the_sample_contents_style(title, slug):
    assert pinyin_slug(title) == slug


def submitted_story(client, users, programme, title="屠呦呦：青蒿素的发现者", slug="屠呦呦青蒿素的发现者"):
    client_for(client, users["editor"])
    response = client.post(add_url(StoryPage, programme), {**story_form(title=title, slug=slug), "action-submit": "1"})
    assert response.status_code == 302
    return StoryPage.objects.get(title=title)


def test_a_new_page_gets_a_latin_slug_unique_among_siblings_and_a_typed_one_stays(client, users, programme):
    first = submitted_story(client, users, programme)
    second = submitted_story(client, users, programme, title="屠呦呦：获得诺贝尔奖")
    own = submitted_story(client, users, programme, title="屠呦呦：三", slug="artemisinin")
    assert (first.slug, second.slug, own.slug) == ("tu-youyou", "tu-youyou-2", "artemisinin")


def test_review_messages_say_what_passed_and_what_comes_next(client, users, programme):
    story = submitted_story(client, users, programme)
    response = approve(client_for(client, users["reviewer"]), story)
    response = client.get(response["Location"])
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts[-1:] == ["《屠呦呦：青蒿素的发现者》已通过初审，接下来等待终审（主编）。"]

    # The same click again (the task is finished): a Chinese message, not a 403 or a 500.
    first_task = story.workflow_states.get().task_states.get(task__name="初审")
    url = reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "approve", first_task.pk))
    response = client.post(url, {"comment": ""}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][-1:] == [
        "这一步刚才已经处理过了，没有重复执行：《屠呦呦：青蒿素的发现者》已通过初审，接下来等待终审（主编）。"
    ]

    story.refresh_from_db()
    response = approve(client_for(client, users["chief"]), story)
    response = client.get(response["Location"])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "《屠呦呦：青蒿素的发现者》已通过终审并发布，公众网站随后更新。"
    ]
    story.refresh_from_db()
    assert story.live and story.revisions.count() == 1

    # 终审's 通过 again: the workflow is over, and the answer says what the first click did.
    last_task = story.workflow_states.get().task_states.get(task__name="终审")
    url = reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "approve", last_task.pk))
    response = client.post(url, {"comment": "", "next": reverse("wagtailadmin_home")}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1:] == [
        "这一步刚才已经处理过了，没有重复执行：《屠呦呦：青蒿素的发现者》已通过终审并发布，公众网站随后更新。"
    ]


def test_a_second_click_whose_request_began_before_the_first_finished_says_what_the_first_did(
        client, users, programme, rf):
    """The double click on 终审's 通过 as a slow server sees it: the second request has read the step (still
    waiting) when the first one approves it, and only then asks whether the workflow is over."""
    story = submitted_story(client, users, programme)
    approve(client_for(client, users["reviewer"]), story)
    story.refresh_from_db()
    last = story.current_workflow_task_state
    args = {"page_id": story.pk, "action_name": "approve", "task_state_id": last.pk}
    request = rf.post(reverse("wagtailadmin_pages:workflow_action", kwargs=args), {"comment": ""})
    request.user, request.session = users["chief"], {}
    request._messages = FallbackStorage(request)
    second = WorkflowActionOnce()
    second.setup(request, **args)
    assert approve(client_for(client, users["chief"]), story).status_code == 302  # the first click
    response = second.dispatch(request, **args)
    assert response.status_code == 302
    assert [str(m) for m in request._messages] == [
        "这一步刚才已经处理过了，没有重复执行：《屠呦呦：青蒿素的发现者》已通过终审并发布，公众网站随后更新。"
    ]
    story.refresh_from_db()
    assert story.live and story.revisions.count() == 1


def edit_form_review(client, story, action, **extra_data):
    """The editor's form as the reviewer sends it with a review action (Wagtail's workflow-action.js)."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    once = AdminSession.hidden(html)
    data = {**story_form(title=story.title, slug=story.slug), **once, "action-workflow-action": "true",
            "workflow-action-name": action, "workflow-action-extra-data": json.dumps(extra_data)}
    return reverse("wagtailadmin_pages:edit", args=(story.pk,)), data


def test_a_review_action_in_the_editor_says_what_happened_once_however_often_it_is_sent(client, users, programme):
    story = submitted_story(client, users, programme)
    client_for(client, users["reviewer"])
    url, data = edit_form_review(client, story, "reject", comment="请补充出处。")
    first = client.post(url, data, follow=True)
    revisions = story.revisions.count()
    sent_back = "《屠呦呦：青蒿素的发现者》在初审被退回修改，意见已告知作者。"
    assert [str(m) for m in first.context["messages"]] == [sent_back]
    # The same form again (a double click whose first answer the browser dropped): what the first did.
    again = client.post(url, data, follow=True)
    assert [str(m) for m in again.context["messages"]] == [f"这一步刚才已经处理过了，没有重复执行：{sent_back}"]
    assert story.revisions.count() == revisions  # the repeat saved nothing


def test_the_author_reads_the_rejection_comment_in_the_editor(client, users, programme):
    story = submitted_story(client, users, programme)
    reject(client_for(client, users["reviewer"]), story, "请补充青蒿素提取的年份和出处。")
    edit = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    html = client_for(client, users["editor"]).get(edit).content.decode()
    panel = html[html.index('aria-label="退回意见"'):]
    assert "初审退回意见（reviewer）" in panel[:400] and "请补充青蒿素提取的年份和出处。" in panel[:600]


def test_a_contributor_sees_no_listings_they_cannot_use(client, users, areas):
    menu = client_for(client, users["contributor"]).get(reverse("wagtailadmin_home")).content.decode()
    for listing in ("/admin/programmes/", "/admin/stories/", "/admin/columns/", "/admin/column_articles/"):
        assert listing not in menu
    assert "/admin/resources/" in menu
    menu = client_for(client, users["editor"]).get(reverse("wagtailadmin_home")).content.decode()
    assert all(f"/admin/{name}/" in menu for name in ("programmes", "stories", "columns", "resources"))


def test_the_site_server_answers_a_missing_page_with_the_sites_404(tmp_path):
    (tmp_path / "404.html").write_text("<title>页面不存在</title>", encoding="utf-8")
    (tmp_path / "index.html").write_text("首页", encoding="utf-8")
    server = make_server(tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        assert urllib.request.urlopen(base).read().decode() == "首页"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "no-such-page/")
        assert missing.value.code == 404
        assert missing.value.read().decode() == "<title>页面不存在</title>"
    finally:
        server.shutdown()
        server.server_close()
