"""Bulk import of resources: the dry run shows row by row what would happen and every problem and
writes nothing; the confirmed run creates drafts in the contribution area; re-importing changes
nothing; a changed row updates its draft; hostile sheets and ZIPs are refused."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.documents.models import Document
from wagtail.models import Revision

from cms.imports.resources import HEADERS
from cms.resources.models import ResourcePage
from tests.moderation.conftest import make_resource

from .conftest import FILES, ROWS, confirm, csv_bytes, png_bytes, upload, xlsx, zip_bytes

pytestmark = pytest.mark.django_db


def actions(batch):
    batch.refresh_from_db()
    return [(entry["key"], entry["action"]) for entry in batch.report]


def problems(batch):
    batch.refresh_from_db()
    return {entry["key"]: entry["problems"] for entry in batch.report}


def test_dry_run_then_confirm_then_reimport_and_a_changed_row(client, users, areas, physics):
    client.force_login(users["contributor"])
    area = areas["own"]
    response, batch = upload(client, area, xlsx(ROWS), zip_bytes(FILES))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "第 2 行" in page and "新建草稿" in page and "确认导入" in page
    assert actions(batch) == [("guangzi-kaifangri", "新建草稿"), ("liangzi-kejian", "新建草稿")]
    # The dry run wrote nothing: no page, no document.
    assert not ResourcePage.objects.exists() and not Document.objects.exists()

    assert confirm(client, batch).status_code == 302
    drafts = {p.slug: p for p in ResourcePage.objects.child_of(area)}
    assert set(drafts) == {"guangzi-kaifangri", "liangzi-kejian"}
    course = drafts["liangzi-kejian"]
    assert not course.live and course.institute == area.institute and course.licence == "cc-by-sa-4.0"
    assert course.kind == "courseware" and [a.name for a in course.audiences.all()] == ["教师"]
    assert sorted(f.document.title for f in course.files.all()) == ["封面.png", "量子.pdf"]
    assert course.owner == users["contributor"] and course.current_workflow_state is None
    revisions = Revision.objects.count()

    # The same sheet again: nothing to do, nothing written.
    _response, again = upload(client, area, xlsx(ROWS), zip_bytes(FILES))
    assert actions(again) == [("guangzi-kaifangri", "无变化"), ("liangzi-kejian", "无变化")]
    confirm(client, again)
    assert Revision.objects.count() == revisions and Document.objects.count() == 3

    # A changed row updates its draft (a new revision), the other stays as it is.
    changed = [ROWS[0][:6] + ["走进光子实验室，看激光如何工作。"] + ROWS[0][7:], ROWS[1]]
    _response, third = upload(client, area, csv_bytes(changed), zip_bytes(FILES), name="resources.csv")
    assert actions(third) == [("guangzi-kaifangri", "更新草稿"), ("liangzi-kejian", "无变化")]
    confirm(client, third)
    assert Revision.objects.count() == revisions + 1
    draft = ResourcePage.objects.get(slug="guangzi-kaifangri").get_latest_revision_as_object()
    assert draft.summary == "走进光子实验室，看激光如何工作。" and not draft.live


def test_every_problem_is_listed_in_chinese_and_nothing_is_written(client, users, areas, physics, institute):
    make_resource(areas["other"], areas["other"].institute, title="已有的科普视频")
    before = ResourcePage.objects.count()
    good = ROWS[0]
    rows = [
        ["no-licence", "无许可的资源", "视频", "公众", "", "", "摘要。", "https://example.org/a", "", ""],
        ["bad-kind", "类型不明", "全息影像", "公众", "", "cc0-1.0", "摘要。", "https://example.org/b", "", ""],
        ["bad-audience", "受众不明", "视频", "外星人", "", "cc0-1.0", "摘要。", "https://example.org/c", "", ""],
        ["absent-file", "缺文件", "课件", "教师", "", "cc0-1.0", "摘要。", "", "", "不存在.pdf"],
        ["bad-image", "坏图片", "课件", "教师", "", "cc0-1.0", "摘要。", "", "", "坏.png"],
        ["duplicate", "已有的科普视频", "视频", "公众", "", "cc0-1.0", "摘要。", "https://example.org/d", "", ""],
        ["formula", '=HYPERLINK("https://evil.example/","点我")', "视频", "公众", "", "cc0-1.0", "摘要。",
         "https://example.org/e", "", ""],
        good, good,
    ]
    client.force_login(users["editor"])
    _response, batch = upload(client, areas["own"], xlsx(rows), zip_bytes({"坏.png": png_bytes()[:60]}))
    found = problems(batch)
    expected = {
        "no-licence": "缺少许可协议",
        "bad-kind": "类型：未知的资源类型“全息影像”",
        "bad-audience": "受众：未知的受众：外星人",
        "absent-file": "表格中列出的文件“不存在.pdf”不在文件包中",
        "bad-image": "已损坏或不完整",
        "duplicate": "与已有资源“已有的科普视频”",
        "formula": "“标题”列的内容以“=”开头，可能是表格公式，已拒绝",
        "guangzi-kaifangri": "编号“guangzi-kaifangri”在表格中出现了不止一次",
    }
    for key, message in expected.items():
        assert any(message in problem for problem in found[key]), (key, found[key])
    # The first 光子 row itself is fine but for its file, absent from this ZIP.
    assert confirm(client, batch).status_code == 302
    assert ResourcePage.objects.count() == before and not Document.objects.exists()


def test_the_reserved_key_page_is_refused_with_its_reason(client, users, areas, physics):
    """编号 becomes the slug, and ``page`` is the public site's own (…/page/2/): a resource with it would
    stop every publish until someone renamed it."""
    client.force_login(users["contributor"])
    row = ["page", "网页设计入门", "视频", "公众", "物理", "cc0-1.0", "摘要。", "https://example.org/web", "", ""]
    _response, batch = upload(client, areas["own"], xlsx([row, ROWS[1]]), zip_bytes(FILES))
    assert problems(batch)["page"] == ["编号“page”由网站保留：列表的分页网址（…/page/2/）要用它。请换一个编号。"]
    confirm(client, batch)
    assert not ResourcePage.objects.filter(slug="page").exists()


@pytest.mark.parametrize("case", ["zip_bomb", "traversal", "rows_10000", "not_a_sheet", "missing_columns"])
def test_hostile_uploads_are_refused_whole(client, users, areas, physics, case):
    sheet, archive, name = xlsx(ROWS), zip_bytes(FILES), "resources.xlsx"
    if case == "zip_bomb":
        archive = zip_bytes({**FILES, "big.pdf": b"\0" * (10 * 1024 * 1024)})
    if case == "traversal":
        archive = zip_bytes({**FILES, "../../x.pdf": b"%PDF"})
    if case == "rows_10000":
        sheet, name = csv_bytes([[f"r{n}", f"资源{n}", "视频", "公众", "", "cc0-1.0", "摘要", "", "", ""]
                                 for n in range(10_000)]), "resources.csv"
    if case == "not_a_sheet":
        sheet = b"PK\x03\x04 not really a workbook"
    if case == "missing_columns":
        sheet = xlsx([row[:3] for row in ROWS], headers=HEADERS[:3])
    message = {
        "zip_bomb": "“big.pdf”解压后过大（10.0 MB），疑似压缩炸弹，已拒绝",
        "traversal": "“../../x.pdf”指向文件包以外的位置，已拒绝整个文件包",
        "rows_10000": "表格超过 1000 行",
        "not_a_sheet": "不是有效的 ZIP 文件",
        "missing_columns": "表格缺少这些列：受众、学科主题、许可协议、摘要、外部链接、时长或篇幅、文件",
    }[case]
    client.force_login(users["contributor"])
    response, batch = upload(client, areas["own"], sheet, archive, name=name)
    text = client.get(response.url).content.decode().replace("\xa0", " ")
    assert message in text, text[-3000:]
    assert "确认导入" not in text
    confirm(client, batch)
    assert not ResourcePage.objects.exists() and not Document.objects.exists()


def test_submitted_for_review_and_only_into_the_own_institutes_area(client, users, areas, physics):
    client.force_login(users["contributor"])
    response, _batch = upload(client, areas["other"], xlsx(ROWS), zip_bytes(FILES))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    _response, batch = upload(client, areas["own"], xlsx(ROWS[:1]), zip_bytes(FILES), submit=True)
    confirm(client, batch)
    resource = ResourcePage.objects.get()
    assert resource.current_workflow_state.workflow.name == "机构投稿审核" and not resource.live


def test_the_template_sheet_has_the_columns_the_import_reads(client, users):
    client.force_login(users["contributor"])
    response = client.get(reverse("imports_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADERS
