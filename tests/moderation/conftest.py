"""Fixtures for the moderation tests: test data paths, contribution areas, admin form posts."""

import json
import os
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.core.models import Institute, User
from cms.moderation.roles import CONTRIBUTOR
from cms.resources.models import Audience, ContributionAreaPage, ResourcePage

# Test data written elsewhere lives beside the repository, in ../shared/testdata/.
TESTDATA = Path(
    os.environ.get("KEPU_TESTDATA") or Path(__file__).resolve().parents[2].parent / "shared" / "testdata"
)
if not (TESTDATA / "README.md").exists():
    raise RuntimeError(
        f"找不到共享测试数据 {TESTDATA}：仓库旁应有 shared/testdata/（或用 KEPU_TESTDATA 指定其位置）。"
    )
XSS_DIR = TESTDATA / "xss"
HOSTILE_IMAGES = TESTDATA / "images" / "hostile"
PASSWORD = "kepu-test-pass-123"


def xss_vectors():
    """Every vector in ../shared/testdata/xss/, as (file stem, index, record)."""
    vectors = []
    for path in sorted(XSS_DIR.glob("*.jsonl")):
        for index, line in enumerate(path.read_text(encoding="utf-8").split("\n")):
            if line.strip():
                vectors.append((path.stem, index, json.loads(line)))
    return vectors


def hostile_files():
    return sorted(p for p in HOSTILE_IMAGES.rglob("*") if p.is_file() and p.name != "LICENSE")


def story_form(title="屠呦呦：青蒿素的发现者", body="<p>屠呦呦从古籍中得到启发。</p>", **extra):
    data = {
        "title": title, "slug": extra.pop("slug", "tu-youyou"), "scientist_name": "屠呦呦", "discipline": "药学",
        "institution": "中国中医科学院", "summary": "她发现了青蒿素。", "portrait_alt": "", "tags": "",
        "body": streamfield([("paragraph", rich_text(body))]),
        "honours": inline_formset([]), "sources": inline_formset([]), "related_stories": inline_formset([]),
        "comments": inline_formset([]), "corrections": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def resource_form(institute, title="实验室开放日", licence="cc-by-4.0", **extra):
    data = {
        "title": title, "slug": extra.pop("slug", "open-day"), "kind": "open_day", "length": "",
        "institute": institute.pk, "licence": licence,
        "summary": "走进实验室。", "body": streamfield([]), "external_url": "https://example.org/open-day",
        "embed_url": "", "files": inline_formset([]), "tags": "", "comments": inline_formset([]),
        "corrections": inline_formset([]),
    }
    data.update(extra)
    return {**nested_form_data(data), "audiences": [Audience.objects.first().pk]}


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))


def approve(client, page, comment=""):
    state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.pk))
    return client.post(url, {"comment": comment})


def reject(client, page, comment):
    state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", state.pk))
    return client.post(url, {"comment": comment})


@pytest.fixture
def other_institute(db):
    return Institute.objects.create(name="示例化学研究所", kind="research_institute", region="上海")


@pytest.fixture
def areas(programme, institute, other_institute):
    """One contribution area per institute under the programme."""
    made = {}
    for key, inst, slug in (("own", institute, "contrib-physics"), ("other", other_institute, "contrib-chemistry")):
        area = ContributionAreaPage(title=f"{inst.name}投稿区", slug=slug, institute=inst)
        programme.add_child(instance=area)
        area.save_revision().publish()
        made[key] = area
    return made


@pytest.fixture
def other_contributor(users, roles, other_institute):
    user = User.objects.create_user(username="contributor2", password=PASSWORD, email="c2@example.org",
                                    institute=other_institute)
    user.groups.add(roles[CONTRIBUTOR])
    return user


def make_resource(parent, institute, title="示例资源", publish=False, **fields):
    fields.setdefault("kind", "video")
    fields.setdefault("summary", "一段科普视频。")
    fields.setdefault("licence", "cc-by-4.0")
    fields.setdefault("external_url", "https://example.org/video")
    resource = ResourcePage(title=title, institute=institute, **fields)
    parent.add_child(instance=resource)
    revision = resource.save_revision()
    if publish:
        revision.publish()
    return resource


def client_for(client, user):
    client.force_login(user)
    return client
