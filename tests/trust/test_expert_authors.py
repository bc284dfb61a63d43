"""专家作者: editors pick the directory's experts who wrote a story, a column article or a debunk; the
piece names its public authors (linked to their page), and a public expert's page lists what they
wrote, newest first. Internal experts and contact data never reach the documents the site is built
from. Rendered by the publish package's render step (no site build)."""

import datetime

import pytest
from django.urls import reverse

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.factcheck.models import (
    DebunkIndexPage,
    DebunkPage,
    DebunkReviewer,
    DebunkSource,
    EmergencyHubPage,
    Expert,
    ExpertDirectoryPage,
)
from cms.publish import plan, render
from cms.publish.state import current
from cms.stories.models import StoryPage
from tests import forms
from tests.conftest import make_story

pytestmark = pytest.mark.django_db
BODY = [("paragraph", "<p>正文。</p>")]
CONTACT = ("010-5555-0101", "lin@example.org", "周末请勿打扰", "010-5555-0202", "xu@example.org")


def live(parent, page, **relations):
    parent.add_child(instance=page)
    for name, value in relations.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


@pytest.fixture
def experts(home):
    hub = live(home, EmergencyHubPage(title="应急科普", slug="yingji-kepu"))
    live(hub, ExpertDirectoryPage(title="专家库", slug="zhuanjia"))
    public = Expert.objects.create(name="林知远", title="研究员", institute="示例研究所", visibility="public",
                                   phone=CONTACT[0], email=CONTACT[1], contact_note=CONTACT[2])
    internal = Expert.objects.create(name="许清和", title="教授", institute="示例学院", visibility="internal",
                                     phone=CONTACT[3], email=CONTACT[4])
    return public, internal


@pytest.fixture
def pieces(programme, experts):
    """A story both experts wrote, a column article and a debunk the public one wrote, in that order;
    and two stories of the public expert that readers do not get: a retracted one and a draft."""
    public, internal = experts
    story = live(programme, StoryPage(title="伍连德：扑灭鼠疫的医生", slug="wu-liande", scientist_name="伍连德",
                                      discipline="医学", summary="扑灭东北鼠疫的医生。", body=BODY),
                 expert_authors=[public, internal])
    column = live(programme, ColumnPage(title="名师学风", slug="mingshi", introduction="<p>介绍</p>"))
    article = live(column, ColumnArticlePage(title="第一期：严谨", slug="di-yi-qi", issue_number=1,
                                             date=datetime.date(2026, 1, 1), body=BODY),
                   expert_authors=[public])
    section = live(programme, DebunkIndexPage(title="科学辟谣", slug="kexue-piyao"))
    debunk = DebunkPage(
        title="“人类只用了大脑的 10%”？", slug="da-nao", claim="人类只用了大脑的 10%。", claim_where="短视频",
        claim_first_seen=datetime.date(2025, 3, 2), verdict="rumour", verdict_summary="大脑各区域都在工作。",
        explanation=BODY, last_reviewed=datetime.date(2025, 3, 9))
    debunk = live(section, debunk, sources=[DebunkSource(title="神经科学原理", publisher="示例出版社")],
                  reviewers=[DebunkReviewer(expert=internal)], expert_authors=[public])
    retracted = live(programme, StoryPage(title="撤下的故事", slug="chexia", scientist_name="某人", discipline="医学",
                                          summary="摘要。", body=BODY, retracted=True, retraction_reason="来源有误"),
                     expert_authors=[public])
    draft = make_story(programme, title="草稿故事", slug="caogao", publish=False)
    draft.expert_authors = [public]
    draft.save_revision()
    return story, article, debunk, retracted


def documents():
    cache = current().renders
    return render.render(plan.plan(cache), cache).documents


def test_a_public_experts_page_lists_what_they_wrote_and_each_piece_names_its_public_authors(programme, pieces):
    docs = documents()
    expert = docs["yingji-kepu/zhuanjia/lin-zhiyuan.md"]
    wrote = expert.body.split("## 撰写的文章\n\n")[1].split("\n\n")[0]
    assert wrote.splitlines() == [
        "- [“人类只用了大脑的 10%”？](../../gezhi-lundao/kexue-piyao/da-nao.md) · 辟谣",
        "- [第一期：严谨](../../gezhi-lundao/mingshi/di-yi-qi.md) · 专栏文章",
        "- [伍连德：扑灭鼠疫的医生](../../gezhi-lundao/wu-liande.md) · 科学家故事",
    ]
    byline = "专家作者：[林知远](../yingji-kepu/zhuanjia/lin-zhiyuan.md)（研究员，示例研究所）"
    story = docs["gezhi-lundao/wu-liande.md"]
    assert byline in story.body.splitlines() and story.meta["authors"] == ["林知远"]
    article = docs["gezhi-lundao/mingshi/di-yi-qi.md"]
    assert "专家作者：[林知远](../../yingji-kepu/zhuanjia/lin-zhiyuan.md)（研究员，示例研究所）" in article.body
    assert article.meta["authors"] == ["林知远"]
    debunk = docs["gezhi-lundao/kexue-piyao/da-nao.md"]
    assert "专家作者：[林知远](../../yingji-kepu/zhuanjia/lin-zhiyuan.md)（研究员，示例研究所）" in debunk.body
    assert debunk.meta["authors"] == ["林知远"]  # the internal reviewer is not named either

    everything = "\n".join(f"{d.meta}\n{d.body}" for d in docs.values())
    for secret in ("许清和", "示例学院", *CONTACT):
        assert secret not in everything


def test_editors_pick_expert_authors_and_the_choice_goes_through_review(editor_client, programme, experts):
    public, internal = experts
    story = make_story(programme, title="华罗庚：数学的故事", slug="hua-luogeng-test")
    data = {**forms.story_data(tags=""), "expert_authors": [str(public.pk), str(internal.pk)]}
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert "专家作者" in response.content.decode() and f'value="{internal.pk}"' in response.content.decode()
    response = editor_client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), {**data, "action-submit": "1"})
    assert response.status_code == 302
    assert list(StoryPage.objects.get(pk=story.pk).expert_authors.all()) == []  # readers: not yet
    latest = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object()
    assert {e.name for e in latest.expert_authors.all()} == {"林知远", "许清和"}
