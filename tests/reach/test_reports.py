"""The reports under 报告 against the fixture logs: the figures a person finds by hand, the same in
the XLSX and CSV exports and the quarterly 影响力报告, and charts that fetch nothing."""

import csv
import io

import pytest
import resvg_py
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.reach.conftest import LOGS, ingest

OTHER = "网站生成的页面（标签、资源库分类等）"


@pytest.fixture
def reads(logs, programme):
    ingest(logs / "access.log.2.gz", logs / "access.log.1", LOGS / "access-2025-12.log")


def table(response):
    """The report's table as rows of cell texts, the heading first."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    grid = soup.find("table", class_="listing")
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in grid.find_all("tr")]


def xlsx(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def test_reads_per_programme_month_and_date_range(admin_client, reads, story):
    url = "/admin/reach/reads/?group=programme"
    page = table(admin_client.get(url))
    # 2025-12: 3 story views; March: the story 6, the programme page 2; the tag page 1. The story was
    # first published today: one piece, counted when no date range is chosen.
    assert page == [["品牌项目", "阅读量（次）", "访客（人次/日合计）", "发布篇数"],
                    ["格致论道", "11", "10", "1"], [OTHER, "1", "1", "0"]]
    assert xlsx(admin_client, url) == page
    exported = list(csv.reader(io.StringIO(b"".join(admin_client.get(url + "&export=csv").streaming_content)
                                           .decode("utf-8"))))
    assert exported == page

    march_11 = "/admin/reach/reads/?group=programme&day_from=2026-03-11&day_to=2026-03-11"
    assert table(admin_client.get(march_11))[1:] == [["格致论道", "3", "3", "0"]]

    months = table(admin_client.get("/admin/reach/reads/?group=month&day_to=2026-03-31"))
    assert months[1:] == [["2025年12月", "3", "3", "0"], ["2026年3月", "9", "8", "0"]]
    types = table(admin_client.get("/admin/reach/reads/?group=type&day_to=2026-03-31"))
    assert types[1:] == [["科学家故事", "9", "8", "0"], ["品牌项目", "2", "2", "0"], [OTHER, "1", "1", "0"]]


def test_reads_per_campaign_count_what_each_campaign_gathers(admin_client, reads, story, home):
    """The story is gathered by two campaigns: its 9 views and 8 visitors count in both rows."""
    import datetime

    from cms.events.models import CampaignPage, CampaignPiece

    for title, slug in (("科学道德和学风建设宣传月", "xuanchuanyue"), ("全国科技工作者日", "kejigongzuozhe-ri")):
        campaign = CampaignPage(title=title, slug=slug, theme="弘扬科学家精神", lead="导语。",
                                start_date=datetime.date(2025, 11, 1), end_date=datetime.date(2026, 5, 31))
        campaign.pieces = [CampaignPiece(piece=story)]
        home.add_child(instance=campaign)
    page = table(admin_client.get("/admin/reach/reads/?group=campaign"))
    assert page == [["专题", "阅读量（次）", "访客（人次/日合计）", "发布篇数"],
                    ["全国科技工作者日", "9", "8", "1"], ["科学道德和学风建设宣传月", "9", "8", "1"],
                    ["（不属于任何专题）", "2", "2", "0"], [OTHER, "1", "1", "0"]]


def test_views_by_page_for_a_public_read_count(reads, story, programme):
    from cms.reach.figures import views_by_page

    assert views_by_page() == {story.pk: 9, programme.pk: 2}


def test_top_pieces_and_quarter_on_quarter(admin_client, reads):
    top = table(admin_client.get("/admin/reach/top/"))
    assert top == [["排名", "标题", "品牌项目", "内容类型", "阅读量（次）", "访客（人次/日合计）", "网址路径"],
                   ["1", "钱学森：中国航天之父", "格致论道", "科学家故事", "9", "8", "/gezhi-lundao/qian-xuesen/"]]
    url = "/admin/reach/quarters/?quarter=2026Q1"
    response = admin_client.get(url)
    quarters = table(response)
    assert quarters == [["品牌项目", "2026年第1季度阅读量", "2025年第4季度阅读量", "环比"],
                        ["合计", "9", "3", "+200.0%"], ["格致论道", "8", "3", "+166.7%"], [OTHER, "1", "0", "新增"]]
    assert xlsx(admin_client, url) == quarters
    assert b"/admin/reach/influence/2026Q1.xlsx" in response.content


def test_the_charts_are_titled_svg_that_fetch_nothing(admin_client, reads):
    for url in ("/admin/reach/reads/?group=programme", "/admin/reach/reads/?group=month", "/admin/reach/top/",
                "/admin/reach/quarters/?quarter=2026Q1"):
        soup = BeautifulSoup(admin_client.get(url).content.decode(), "html.parser")
        (svg,) = soup.select("#listing-results figure svg")
        assert svg["role"] == "img" and svg.find("title").get_text() and svg.find("desc").get_text()
        assert set(svg["aria-labelledby"].split()) == {svg.find("title")["id"], svg.find("desc")["id"]}
        for element in [svg, *svg.find_all(True)]:
            for name, value in element.attrs.items():
                assert name not in {"href", "xlink:href", "src"} and "url(" not in str(value), (url, name)
        assert not svg.find(["image", "script", "foreignObject", "style", "a"])
        # A real renderer draws it (well-formed SVG), with nothing loaded from outside.
        png = resvg_py.svg_to_bytes(svg_string=str(svg), skip_system_fonts=True)
        assert png.startswith(b"\x89PNG")


def test_influence_report_holds_the_pages_figures(admin_client, reads, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "report.xlsx"
    call_command("influence_report", "--quarter", "2026Q1", "-o", str(target), stdout=io.StringIO())
    book = load_workbook(target)
    assert book.sheetnames == ["概览", "品牌项目", "机构", "专题", "内容类型", "月份", "热门内容", "季度环比"]

    def cells(name):
        return [[value for value in row if value is not None] for row in book[name].iter_rows(values_only=True)]

    assert ["阅读量（次）", 9] in cells("概览") and ["阅读量环比", "+200.0%"] in cells("概览")
    assert ["格致论道", 8, 7, 0] in cells("品牌项目")
    assert ["2026年3月", 9, 8, 0] in cells("月份")
    assert ["合计", 9, 3, "+200.0%"] in cells("季度环比")
    story = [1, "钱学森：中国航天之父", "格致论道", "科学家故事", 6, 5, "/gezhi-lundao/qian-xuesen/"]
    assert story in cells("热门内容")
    assert all(book[name]._charts for name in ("品牌项目", "月份", "季度环比"))
    downloaded = admin_client.get("/admin/reach/influence/2026Q1.xlsx")
    assert downloaded.status_code == 200 and downloaded["Content-Disposition"].startswith("attachment")


def test_editors_see_the_reports_and_contributors_do_not(client, users, reads):
    from tests.test_admin_chinese import english

    client.force_login(users["editor"])
    for url in ("/admin/reach/reads/?group=month", "/admin/reach/top/", "/admin/reach/quarters/"):
        response = client.get(url)
        assert response.status_code == 200
        assert english(response.content.decode(), typed={"XLSX", "CSV"}) == []  # format names are no English
    assert "/admin/reach/reads/" in client.get("/admin/").content.decode()  # in the 报告 menu
    client.force_login(users["contributor"])
    for url in ("/admin/reach/reads/", "/admin/reach/top/", "/admin/reach/influence/2026Q1.xlsx"):
        refused = client.get(url)
        assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's 没有权限 message
    assert "/admin/reach/reads/" not in client.get("/admin/").content.decode()
