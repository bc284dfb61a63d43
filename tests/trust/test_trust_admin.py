"""Trust rules in the admin and the model: case notices, confirmed names, retraction by a chief
editor with a reason, debunks on the 应急科普 path, and the emergency flag the scheduler ends."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.factcheck.emergency import current_alert
from cms.factcheck.models import DebunkIndexPage, DebunkPage, DebunkReviewer, DebunkSource, EmergencyAlert, Expert
from cms.integrity.models import IntegrityDocumentPage, IntegritySectionPage
from cms.moderation import scheduler
from cms.moderation.roles import URGENT_WORKFLOW

pytestmark = pytest.mark.django_db


def latest_of(page):
    return Page.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


@pytest.fixture
def section(home):
    page = IntegritySectionPage(title="学风建设", slug="xuefeng-jianshe")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def notice_data(**overrides):
    data = {
        "title": "关于一起数据造假行为的处理结果通报", "slug": "chuli-tongbao-1", "kind": "case", "validity": "valid",
        "issuing_body": "示例学会", "number": "示例学会通〔2025〕9号", "issue_date": "2025-03-01",
        "effective_date": "", "replaced_by": "", "summary": "调查属实，给予通报批评。",
        "body": rich_text("<p>经调查，某会员论文数据造假属实。</p>"), "original_file": "",
        "named_persons": "", "retraction_reason": "", "retracted_at": "",
        "corrections": inline_formset([]), "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data({k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("missing, message", [
    ("number", "处理结果通报必须写明文号。"),
    ("issue_date", "处理结果通报必须写明印发日期。"),
    ("issuing_body", "处理结果通报必须写明发布机构。"),
])
def test_a_case_notice_without_body_date_or_number_is_refused_and_nothing_typed_is_lost(
        editor_client, section, missing, message):
    response = editor_client.post(add_url(IntegrityDocumentPage, section), notice_data(**{missing: ""}))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[missing])
    html = response.content.decode()
    for typed in ("关于一起数据造假行为的处理结果通报", "调查属实，给予通报批评。", "示例学会"):
        assert typed in html
    assert not IntegrityDocumentPage.objects.exists()


def test_names_in_a_case_notice_need_a_chief_editors_confirmation(client, users, section):
    client.force_login(users["editor"])
    response = client.post(add_url(IntegrityDocumentPage, section),
                           notice_data(named_persons="张某某", names_confirmed="on"))
    assert response.status_code == 200
    assert "只有主编可以确认公开当事人姓名。" in str(response.context["form"].errors["names_confirmed"])

    response = client.post(add_url(IntegrityDocumentPage, section), notice_data(named_persons="张某某"))
    assert response.status_code == 302
    notice = IntegrityDocumentPage.objects.get()
    assert latest_of(notice).names_confirmed is False

    client.force_login(users["chief"])
    response = client.post(edit_url(notice), notice_data(named_persons="张某某", names_confirmed="on"))
    assert response.status_code == 302
    assert latest_of(notice).names_confirmed is True

    client.force_login(users["editor"])  # an editor changing the names withdraws the confirmation
    response = client.post(edit_url(notice), notice_data(named_persons="李某某", names_confirmed="on"))
    assert response.status_code == 302
    latest = latest_of(notice)
    assert (latest.named_persons, latest.names_confirmed) == ("李某某", False)


@pytest.fixture
def expert(db):
    return Expert.objects.create(name="示例专家", title="研究员", institute="示例研究所", visibility="public",
                                 phone="010-5555-9999")


@pytest.fixture
def debunk_section(programme):
    page = DebunkIndexPage(title="科学辟谣", slug="kexue-piyao")
    programme.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_debunk(section, expert, **fields):
    page = DebunkPage(
        title="“人类只用了大脑的 10%”？", slug="da-nao", claim="人类只用了大脑的 10%。", claim_where="短视频",
        claim_first_seen=datetime.date(2025, 3, 2), verdict="rumour", verdict_summary="大脑各区域都在工作。",
        explanation=[("paragraph", "<p>脑成像研究表明大脑各区域都有活动。</p>")],
        last_reviewed=datetime.date(2025, 3, 9), **fields,
    )
    page.sources = [DebunkSource(title="神经科学原理", publisher="示例出版社")]
    page.reviewers = [DebunkReviewer(expert=expert)]
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def debunk_data(page, expert, **overrides):
    data = {
        "title": page.title, "slug": page.slug, "claim": page.claim, "claim_where": page.claim_where,
        "claim_url": "", "claim_first_seen": "2025-03-02", "claim_screenshot": "", "claim_screenshot_alt": "",
        "verdict": "rumour", "verdict_summary": page.verdict_summary,
        "explanation": streamfield([("paragraph", rich_text("<p>脑成像研究表明大脑各区域都有活动。</p>"))]),
        "last_reviewed": "2025-03-09", "emergency": "on",
        "sources": inline_formset([{"title": "神经科学原理", "publisher": "示例出版社", "date": "", "url": ""}],
                                  min=1),
        "reviewers": inline_formset([{"expert": str(expert.pk)}], min=1),
        "corrections": inline_formset([]), "comments": inline_formset([]),
        "retraction_reason": "", "retracted_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_debunks_take_the_urgent_path_by_default(debunk_section, expert):
    page = make_debunk(debunk_section, expert)
    assert page.get_workflow().name == URGENT_WORKFLOW


def test_only_a_chief_editor_retracts_and_only_with_a_reason(client, users, debunk_section, expert):
    page = make_debunk(debunk_section, expert)
    client.force_login(users["editor"])
    response = client.post(edit_url(page), debunk_data(page, expert, retracted="on", retraction_reason="来源有误"))
    assert response.status_code == 200
    assert "只有主编可以撤稿或撤销撤稿。" in str(response.context["form"].errors["retracted"])

    client.force_login(users["chief"])
    response = client.post(edit_url(page), debunk_data(page, expert, retracted="on"))
    assert response.status_code == 200
    assert "撤稿必须填写撤稿原因" in str(response.context["form"].errors["retraction_reason"])
    assert "人类只用了大脑的 10%。" in response.content.decode()  # nothing typed is lost

    response = client.post(edit_url(page), debunk_data(page, expert, retracted="on", retraction_reason="来源有误"))
    assert response.status_code == 302
    latest = latest_of(page)
    assert latest.retracted and latest.retraction_reason == "来源有误"
    assert latest.retracted_at == timezone.localdate()


def test_the_scheduler_ends_an_emergency_at_its_end_time(home, django_capture_on_commit_callbacks):
    hub = Page.objects.get(pk=home.pk)
    now = timezone.now()
    ending = EmergencyAlert.objects.create(headline="台风防灾科普", page=hub, ends_at=now + datetime.timedelta(hours=1))
    assert current_alert(now) == ending
    EmergencyAlert.objects.filter(pk=ending.pk).update(ends_at=now - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        report = scheduler.run_once()
    assert "应急状态“台风防灾科普”已到结束时间，首页横幅已撤下。" in report
    assert current_alert() is None and not EmergencyAlert.objects.get().active
    assert callbacks  # a publish is queued: the home page drops the banner


def test_only_a_chief_editor_flags_an_emergency_and_editors_see_the_expert_directory(client, users, home):
    add = reverse("wagtailsnippets_factcheck_emergencyalert:add")
    ends = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    data = {"headline": "台风防灾科普", "page": str(home.pk), "ends_at": ends, "active": "on"}
    client.force_login(users["editor"])
    assert client.get(reverse("wagtailsnippets_factcheck_expert:list")).status_code == 200
    assert client.post(add, data).status_code in (302, 403) and not EmergencyAlert.objects.exists()
    client.force_login(users["chief"])
    assert client.post(add, data).status_code == 302
    assert current_alert().headline == "台风防灾科普"
    past = dict(data, headline="已经结束的", ends_at="2020-01-01 00:00")
    response = client.post(add, past)
    assert response.status_code == 200 and "结束时间必须晚于现在" in response.content.decode()


def test_a_screenshot_needs_alt_text_and_a_revised_document_its_replacement(debunk_section, expert, section, image):
    from django.core.exceptions import ValidationError

    page = make_debunk(debunk_section, expert)
    page.claim_screenshot = image
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "请用文字说明截图内容" in str(error.value.message_dict["claim_screenshot_alt"])

    document = IntegrityDocumentPage(title="公约", slug="gongyue", kind="convention", validity="revised",
                                     summary="公约。")
    with pytest.raises(ValidationError) as error:
        section.add_child(instance=document)
    assert "已修订的文件请选择修订后的新文件。" in str(error.value.message_dict["replaced_by"])


def test_a_submitted_debunk_passes_screening_and_goes_live_on_one_chief_editors_approval(
        client, users, debunk_section, expert):
    draft = DebunkPage(title="“人类只用了大脑的 10%”？", slug="da-nao", claim="人类只用了大脑的 10%。",
                       claim_where="短视频", verdict_summary="大脑各区域都在工作。")
    client.force_login(users["editor"])
    response = client.post(add_url(DebunkPage, debunk_section), {**debunk_data(draft, expert), "action-submit": "1"})
    assert response.status_code == 302
    page = DebunkPage.objects.get(slug="da-nao")
    state = page.current_workflow_state
    assert state.workflow.name == URGENT_WORKFLOW and state.status == "in_progress"
    assert not page.live

    client.force_login(users["chief"])
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    assert client.post(url, {"comment": ""}).status_code in (200, 302)
    page.refresh_from_db()
    assert page.live and page.current_workflow_state is None
