"""Corrections and retraction of stories, column articles and resources in the admin; expert pages
following the expert directory; event speakers from the directory."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.events.models import EventSpeaker
from cms.factcheck.models import EmergencyHubPage, Expert, ExpertDirectoryPage, ExpertPage
from cms.resources.models import Audience, ResourcePage
from cms.stories.models import StoryPage
from tests import forms

pytestmark = pytest.mark.django_db


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def latest_of(page):
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


def live(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def pieces(programme, institute):
    """A live story, column article and resource, each with the form data that edits it."""
    column = live(programme, ColumnPage(title="名师学风", slug="mingshi", introduction="<p>介绍</p>"))
    body = [("paragraph", "<p>正文。</p>")]
    story, article = forms.story_data(), forms.article_data()
    resource = forms.resource_data(institute, list(Audience.objects.values_list("pk", flat=True)[:1]))
    return {
        "story": (live(programme, StoryPage(title="华罗庚", slug=story["slug"], scientist_name="华罗庚",
                                            discipline="数学", summary="数学家。", body=body)), story),
        "article": (live(column, ColumnArticlePage(title="第一期", slug=article["slug"], issue_number=1,
                                                   date=datetime.date(2026, 1, 1), body=body)), article),
        "resource": (live(programme, ResourcePage(title="望远镜", slug=resource["slug"], kind="video",
                                                  institute=institute, licence="cc-by-4.0", summary="望远镜。",
                                                  external_url="https://example.org/telescope", body=body)),
                     resource),
    }


@pytest.mark.parametrize("case", ["story", "article", "resource"])
def test_only_a_chief_editor_retracts_a_piece_and_only_with_a_reason(client, users, pieces, case):
    page, data = pieces[case]
    client.force_login(users["editor"])
    response = client.post(edit_url(page), {**data, "retracted": "on", "retraction_reason": "来源有误"})
    assert response.status_code == 200
    assert "只有主编可以撤稿或撤销撤稿。" in str(response.context["form"].errors["retracted"])
    assert not latest_of(page).retracted

    client.force_login(users["chief"])
    response = client.post(edit_url(page), {**data, "retracted": "on"})
    assert response.status_code == 200
    assert "撤稿必须填写撤稿原因" in str(response.context["form"].errors["retraction_reason"])

    response = client.post(edit_url(page), {**data, "retracted": "on", "retraction_reason": "来源有误"})
    assert response.status_code == 302
    latest = latest_of(page)
    assert (latest.retracted, latest.retraction_reason, latest.retracted_at) == (True, "来源有误", timezone.localdate())

    client.force_login(users["editor"])  # nor may an editor take a retraction back
    response = client.post(edit_url(page), {**data, "retraction_reason": "来源有误"})
    assert "只有主编可以撤稿或撤销撤稿。" in str(response.context["form"].errors["retracted"])


@pytest.mark.parametrize("case", ["story", "article", "resource"])
def test_a_correction_is_part_of_the_revision_and_reaches_readers_only_when_it_is_published(
        editor_client, pieces, case):
    page, data = pieces[case]
    assert "更正说明" in editor_client.get(edit_url(page)).content.decode()
    note = {"date": "2026-02-01", "wrong": "写成了 1950 年", "right": "应为 1955 年"}
    response = editor_client.post(edit_url(page), {**data, **forms.nested_form_data(
        {"corrections": inline_formset([note])}), "action-submit": "1"})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    live = type(page).objects.get(pk=page.pk)
    assert list(live.corrections.all()) == []  # what readers get is still the approved revision
    latest = latest_of(page)
    assert [(c.date.isoformat(), c.wrong, c.right) for c in latest.corrections.all()] == [
        ("2026-02-01", "写成了 1950 年", "应为 1955 年")]
    latest.get_latest_revision().publish()  # what the final approval does
    assert [c.right for c in type(page).objects.get(pk=page.pk).corrections.all()] == ["应为 1955 年"]


def test_a_correction_submitted_for_review_needs_its_date_and_both_texts(editor_client, pieces):
    page, data = pieces["story"]
    for note, missing in [({"date": "", "wrong": "旧说法", "right": "新说法"}, "date"),
                          ({"date": "2026-02-01", "wrong": "", "right": "新说法"}, "wrong"),
                          ({"date": "2026-02-01", "wrong": "旧说法", "right": ""}, "right")]:
        response = editor_client.post(edit_url(page), {
            **data, **forms.nested_form_data({"corrections": inline_formset([note])}), "action-submit": "1"})
        assert response.status_code == 200
        assert list(response.context["form"].formsets["corrections"].errors[0]) == [missing]


@pytest.fixture
def directory(home):
    hub = EmergencyHubPage(title="应急科普", slug="yingji-kepu")
    home.add_child(instance=hub)
    hub.save_revision().publish()
    page = ExpertDirectoryPage(title="专家库", slug="zhuanjia")
    hub.add_child(instance=page)
    page.save_revision().publish()
    return page


def expert_page(expert):
    return ExpertPage.objects.filter(expert=expert).first()


def test_a_public_expert_has_a_page_that_follows_the_directory(admin_client, directory):
    expert = Expert.objects.create(name="林知远", title="研究员", institute="示例研究所", visibility="public",
                                   phone="010-5555-0101")
    page = expert_page(expert)
    assert page.live and page.title == "林知远" and page.slug == "lin-zhiyuan"
    assert page.get_parent().pk == directory.pk
    assert admin_client.get(edit_url(page)).status_code == 200  # shown, made from the directory
    assert ExpertPage not in directory.specific_class.creatable_subpage_models()  # nobody adds one by hand
    expert.name = "林知远（已更名）"
    expert.save()
    page = expert_page(expert)
    assert page.title == "林知远（已更名）" and page.slug == "lin-zhiyuan" and page.live
    expert.visibility = Expert.Visibility.INTERNAL
    expert.save()
    assert not ExpertPage.objects.exists()  # an internal expert has no page, not even an unpublished one
    expert.visibility = Expert.Visibility.PUBLIC
    expert.save()
    assert expert_page(expert).live
    expert.delete()
    assert not ExpertPage.objects.exists()
    Expert.objects.create(name="许清和", title="教授", institute="示例学院", visibility="internal")
    assert not ExpertPage.objects.exists()


def test_publishing_the_directory_gives_the_public_experts_their_pages(home):
    public = Expert.objects.create(name="周明澈", title="主任医师", institute="示例医院", visibility="public")
    Expert.objects.create(name="许清和", title="教授", institute="示例学院", visibility="internal")
    assert not ExpertPage.objects.exists()  # no directory page yet
    hub = EmergencyHubPage(title="应急科普", slug="yingji-kepu")
    home.add_child(instance=hub)
    hub.save_revision().publish()
    page = ExpertDirectoryPage(title="专家库", slug="zhuanjia")
    hub.add_child(instance=page)
    page.save_revision().publish()
    assert [(p.expert, p.live) for p in ExpertPage.objects.all()] == [(public, True)]


def test_an_event_speaker_may_be_a_public_expert_and_an_internal_one_never_shows():
    public = Expert(name="林知远", title="研究员", institute="示例研究所", visibility="public")
    internal = Expert(name="许清和", title="教授", institute="示例学院", visibility="internal")
    assert EventSpeaker(expert=public).display_name == "林知远"
    speaker = EventSpeaker(expert=internal)
    assert speaker.display_name == "" and speaker.public_expert is None
    with pytest.raises(ValidationError) as error:
        speaker.clean()
    assert "请填写主讲人姓名，或选择其科学家故事或公开的专家。" in str(error.value.message_dict["name"])
    assert EventSpeaker(expert=internal, name="一位专家").display_name == "一位专家"
    EventSpeaker(expert=public).clean()
