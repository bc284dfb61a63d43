"""Bad input gets a clear Chinese message on the form and loses nothing else typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.core.blocks import TimelineBlock
from cms.programmes.models import ProgrammePage
from cms.resources.models import Audience, ResourcePage
from cms.stories.models import StoryHonour, StoryPage
from tests import forms
from tests.conftest import make_story


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def rejected(client, url, data):
    """POST the form; it must come back (200) with errors, and the page text."""
    response = client.post(url, data)
    assert response.status_code == 200, "the form should have been rejected"
    return response.context["form"], response.content.decode()


def assert_kept(html, *typed):
    for value in typed:
        assert value in html, f"the editor's input {value!r} was lost"


def test_portrait_without_alt_text(editor_client, programme, image):
    form, html = rejected(editor_client, add_url(StoryPage, programme), forms.story_data(portrait=str(image.pk)))
    assert "请填写替代文本" in str(form.errors["portrait_alt"])
    assert_kept(html, "华罗庚：数学的故事", "一位自学成才的数学家。", "中国科学院数学研究所")
    assert not StoryPage.objects.exists()


def test_duplicate_slug(editor_client, programme):
    # A latin slug the editor typed is kept (a Chinese one is replaced by pinyin): here it is taken.
    story = make_story(programme, slug="qian-xuesen")
    form, html = rejected(editor_client, add_url(StoryPage, programme), forms.story_data(slug=story.slug))
    assert f"已有使用网址别名“{story.slug}”的页面" in str(form.errors["slug"])
    assert_kept(html, "华罗庚：数学的故事", "一位自学成才的数学家。")
    assert StoryPage.objects.count() == 1


def test_honour_year_in_the_future(editor_client, programme):
    next_year = timezone.localdate().year + 1
    data = forms.story_data(honours=inline_formset([{"title": "最美科技工作者", "year": str(next_year)}]))
    form, html = rejected(editor_client, add_url(StoryPage, programme), data)
    assert f"年份 {next_year} 还没有到来" in html
    assert_kept(html, "最美科技工作者", "华罗庚：数学的故事")
    assert not StoryPage.objects.exists()


def test_over_long_scientist_name(editor_client, programme):
    form, html = rejected(editor_client, add_url(StoryPage, programme), forms.story_data(scientist_name="长" * 51))
    assert "最多 50 个字，现在是 51 个字" in str(form.errors["scientist_name"])
    assert_kept(html, "一位自学成才的数学家。", "长" * 51)


def test_programme_slug_must_be_latin(admin_client, home):
    form, html = rejected(admin_client, add_url(ProgrammePage, home), forms.programme_data(slug="Kexue_Yishu"))
    assert "只能使用小写拉丁字母" in str(form.errors["slug"])
    assert_kept(html, "当科学遇见艺术")


def test_brand_colour_must_be_hex(admin_client, home):
    form, _html = rejected(admin_client, add_url(ProgrammePage, home), forms.programme_data(brand_colour="red"))
    assert "#RRGGBB" in str(form.errors["brand_colour"])


def test_duplicate_issue_number_in_a_column(editor_client, programme):
    column = ColumnPage(title="专栏", slug="zhuanlan", introduction="<p>介绍</p>")
    programme.add_child(instance=column)
    first = ColumnArticlePage(title="开篇", slug="kaipian", issue_number=1, date=datetime.date(2026, 1, 1), body=[])
    column.add_child(instance=first)
    form, html = rejected(editor_client, add_url(ColumnArticlePage, column), forms.article_data(issue_number="1"))
    assert "本专栏已有第 1 期《开篇》" in str(form.errors["issue_number"])
    assert_kept(html, "第一期摘要。")


def test_resource_needs_a_file_link_or_embed(editor_client, programme, institute):
    audiences = list(Audience.objects.values_list("pk", flat=True)[:1])
    data = forms.resource_data(institute, audiences, external_url="")
    form, html = rejected(editor_client, add_url(ResourcePage, programme), data)
    assert "请至少提供一项" in str(form.errors["external_url"])
    assert_kept(html, "天文望远镜入门", "望远镜怎样看见遥远的星系。")


def test_a_resource_with_only_a_file_is_accepted(editor_client, programme, institute):
    """The file is in an inline row: the check must see it although the rows are validated after the page."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document.objects.create(title="望远镜课件", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="kejian.pdf"))
    audiences = list(Audience.objects.values_list("pk", flat=True)[:1])
    data = forms.resource_data(institute, audiences, external_url="")
    data.update(forms.nested_form_data({"files": inline_formset([{"document": str(document.pk), "title": ""}])}))
    response = editor_client.post(add_url(ResourcePage, programme), data)
    assert response.status_code == 302, response.context["form"].errors
    assert [f.document_id for f in ResourcePage.objects.get(slug="wangyuanjing").files.all()] == [document.pk]


def test_resource_needs_an_audience(editor_client, programme, institute):
    form, _html = rejected(editor_client, add_url(ResourcePage, programme), forms.resource_data(institute, []))
    assert "必须填写" in str(form.errors["audiences"])


def test_timeline_events_must_be_in_order(db):
    block = TimelineBlock()
    events = [{"year": 1950, "event": "回国"}, {"year": 1936, "event": "出国"}]
    value = block.to_python({"heading": "", "events": events})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_story_model_validation(programme):
    story = make_story(programme)
    story.honours = [StoryHonour(title="荣誉", year=timezone.localdate().year + 5)]
    with pytest.raises(ValidationError) as excinfo:
        story.honours.first().full_clean(exclude=["page"])
    assert "还没有到来" in str(excinfo.value)
