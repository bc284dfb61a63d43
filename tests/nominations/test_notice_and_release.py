"""公示 on the public site for its period only, objections in the admin, winners confirmed by the
chief editor after 公示, and each winner a draft story that goes live only through 编辑审核."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.moderation.scheduler import run_once
from cms.nominations.models import Nomination, NoticePage, Objection
from cms.publish import plan, render
from cms.publish.state import current
from cms.stories.models import StoryPage
from tests.moderation.conftest import approve

from .conftest import add_url, make_nomination, nomination_form

pytestmark = pytest.mark.django_db


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def notice_documents():
    cache = current().renders
    documents = render.render(plan.plan(cache), cache).documents
    return [d for d in documents.values() if d.meta.get("kind") == "notice"]


@pytest.fixture
def shortlist(client, users, units):
    """张三 (submitted through the admin, with photos) and 李四 shortlisted; 王五 not."""
    client.force_login(users["contributor"])
    assert client.post(add_url(), nomination_form(units["institute"], nominee="张三")).status_code == 302
    zhang = Nomination.objects.get(nominee_name="张三")
    li = make_nomination(units["province"], "李四", work_unit="示例大学<b>物理</b>系")
    make_nomination(units["society"], "王五")
    Nomination.objects.filter(pk__in=[zhang.pk, li.pk]).update(shortlisted=True)
    return {"张三": zhang, "李四": li}


def test_the_notice_is_public_for_its_period_only_and_says_how_to_object(programme, call, shortlist):
    notice = NoticePage(title="2026年最美科技工作者入围名单公示", slug="gongshi-2026", call=call,
                        introduction="经推荐、专家评审，现将入围名单予以公示。", live=False)
    programme.add_child(instance=notice)
    notice.save_revision().publish()  # approved now, online only from the start of 公示
    notice.refresh_from_db()
    assert not notice.live and notice.go_live_at == call.notice_starts_at
    assert notice_documents() == []

    with at(call.notice_starts_at + timedelta(minutes=1)):
        run_once()
    notice.refresh_from_db()
    assert notice.live
    [document] = notice_documents()
    assert document.meta["valid_until"] == call.notice_ends_at.isoformat()
    body = document.body
    assert "1. **张三**，示例冻土研究所，冻土工程（推荐单位：示例物理研究所）" in body
    assert "示例大学&lt;b&gt;物理&lt;/b&gt;系" in body  # text, never markup
    assert "王五" not in body
    assert "## 如何提出异议" in body and "请在公示期内以实名书面形式向评选办公室提出异议。" in body

    with at(call.notice_ends_at + timedelta(minutes=1)):
        run_once()
    notice.refresh_from_db()
    assert not notice.live and notice_documents() == []


def test_objections_are_recorded_in_the_admin(client, users, shortlist):
    client.force_login(users["editor"])
    response = client.post(reverse("wagtailsnippets_nominations_objection:add"), {
        "nomination": shortlist["张三"].pk, "received_at": "2026-11-20 10:00:00", "objector": "某某",
        "contact": "010-1", "content": "材料中的获奖时间有误。", "handling": "", "upheld": "",
    })
    assert response.status_code == 302
    assert Objection.objects.get().content == "材料中的获奖时间有误。"
    # Objections are for the editorial staff: a nominating unit's contributor cannot list them.
    client.force_login(users["contributor"])
    assert client.get(reverse("wagtailsnippets_nominations_objection:list")).status_code == 302


def test_winners_become_draft_stories_that_go_live_only_through_review(client, users, call, shortlist, programme):
    url = reverse("nominations_winners", args=(call.pk,))
    client.force_login(users["editor"])
    assert client.post(url, {"winner": [shortlist["张三"].pk]}).status_code in (302, 403)
    assert not Nomination.objects.filter(winner=True).exists()

    client.force_login(users["chief"])
    response = client.post(url, {"winner": [shortlist["张三"].pk]}, follow=True)
    assert "公示期尚未结束" in response.content.decode()
    assert not StoryPage.objects.exists()

    call.notice_starts_at = timezone.now() - timedelta(days=8)
    call.notice_ends_at = timezone.now() - timedelta(days=1)
    call.save()
    assert client.post(url, {"winner": [shortlist["张三"].pk]}).status_code == 302
    zhang = Nomination.objects.get(pk=shortlist["张三"].pk)
    story = zhang.story.specific
    assert zhang.winner and not story.live and story.get_parent().pk == programme.pk
    assert (story.scientist_name, story.institution, story.discipline) == ("张三", "示例冻土研究所", "冻土工程")
    assert [(h.title, h.year) for h in story.honours.all()] == [("最美科技工作者", 2026)]
    assert story.portrait == zhang.photos.first().image and story.portrait_alt
    assert "扎根高原开展冻土研究" in story.body[0].value.source
    assert ModelLogEntry.objects.filter(action="nominations.confirm_winner", object_id=str(zhang.pk)).exists()

    # It cannot go live without the normal review: the editor may not publish it…
    assert not story.permissions_for_user(users["editor"]).can_publish()
    client.force_login(users["editor"])
    assert "action-publish" not in client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    workflow = story.get_workflow()
    assert workflow.name == "编辑审核"
    workflow.start(story, users["editor"])
    # …初审 alone does not publish; 终审 by the chief editor does.
    assert approve(client_with(client, users["reviewer"]), story).status_code == 302
    story.refresh_from_db()
    assert not story.live
    assert approve(client_with(client, users["chief"]), story).status_code == 302
    story.refresh_from_db()
    assert story.live


def client_with(client, user):
    client.force_login(user)
    return client


def test_confirmed_winners_are_gathered_by_one_draft_campaign_for_their_joint_publicity(client, users, call, shortlist,
                                                                                         programme):
    """集中宣传: the first confirmation drafts a 专题 gathering the winner's story; a later one adds to it."""
    from cms.events.models import CampaignPage

    call.notice_starts_at = timezone.now() - timedelta(days=8)
    call.notice_ends_at = timezone.now() - timedelta(days=1)
    call.save()
    url = reverse("nominations_winners", args=(call.pk,))
    client.force_login(users["chief"])
    assert client.post(url, {"winner": [shortlist["张三"].pk]}).status_code == 302
    campaign = CampaignPage.objects.get()
    assert campaign.title == "最美科技工作者 2026 集中宣传"
    assert not campaign.live and campaign.get_parent().specific_class.__name__ == "HomePage"
    assert campaign.end_date - campaign.start_date == timedelta(days=30)
    zhang = Nomination.objects.get(pk=shortlist["张三"].pk)
    assert [p.piece_id for p in campaign.get_latest_revision_as_object().pieces.all()] == [zhang.story_id]
    page = client.get(url).content.decode()
    assert "集中宣传专题" in page and "最美科技工作者 2026 集中宣传" in page

    assert client.post(url, {"winner": [shortlist["李四"].pk]}).status_code == 302
    li = Nomination.objects.get(pk=shortlist["李四"].pk)
    assert CampaignPage.objects.count() == 1
    gathered = CampaignPage.objects.get().get_latest_revision_as_object().pieces.all()
    assert [p.piece_id for p in gathered] == [zhang.story_id, li.story_id]
    # Confirming nobody new changes nothing.
    revisions = campaign.revisions.count()
    assert client.post(url, {"winner": [li.pk]}).status_code == 302
    assert campaign.revisions.count() == revisions
