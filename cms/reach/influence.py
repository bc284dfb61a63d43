"""The quarterly 影响力报告: one XLSX workbook with the quarter's figures and charts (openpyxl).

Sheets: 概览 (totals and the change against the quarter before), then one sheet per grouping
(品牌项目, 机构, 内容类型, 月份), 热门内容 and 季度环比, each a table with its chart beside it.
The same functions fill the admin's report pages, so the workbook and the pages agree.
"""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .figures import DIMENSIONS, all_reads, quarter_on_quarter, reads_by, top_pieces

HEADER = PatternFill("solid", fgColor="1F5FA8")
TITLE = Font(bold=True, size=14)


def _table(sheet, headings, rows, start_row=3):
    sheet.append([])
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=start_row, column=column, value=heading)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER
        cell.alignment = Alignment(horizontal="center")
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=start_row + offset, column=column, value=value)
    for column in range(1, len(headings) + 1):
        width = max([len(str(headings[column - 1]))] + [len(str(row[column - 1])) for row in rows]) * 2 + 2
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 10), 48)
    return start_row, start_row + len(rows)


def _bar(sheet, title, first, last, value_columns, anchor, horizontal=True):
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.height, chart.width = max(7.5, 0.6 * (last - first) + 3), 16
    for column in value_columns:
        chart.add_data(Reference(sheet, min_col=column, min_row=first, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in the table
    sheet.add_chart(chart, anchor)


def influence_workbook(quarter):
    """The workbook for ``quarter`` (a periods.Quarter), as a BytesIO ready to be sent or saved."""
    reads = all_reads()
    start, end = quarter.start, quarter.end
    workbook = Workbook()
    overview = workbook.active
    overview.title = "概览"
    overview["A1"] = f"科普影响力报告 · {quarter.label}"
    overview["A1"].font = TITLE
    overview["A2"] = f"统计期间 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}；生成于 {timezone.localtime():%Y-%m-%d %H:%M}"
    by_programme = reads_by("programme", reads, start, end)
    comparison = quarter_on_quarter(reads, quarter)
    total = comparison[0]
    _table(overview, ["指标", "数值"], [
        ["阅读量（次）", sum(row.views for row in by_programme)],
        ["访客（人次/日合计）", sum(row.visitors for row in by_programme)],
        ["发布篇数", sum(row.published for row in by_programme)],
        [f"{quarter.previous().label}阅读量（次）", total.previous],
        ["阅读量环比", total.change_text],
    ])
    overview.append([])
    overview.append(["阅读量：打开页面的次数，不含爬虫、资源文件、站内搜索和非 200 的请求。"
                     "访客：每天独立访客之和（按日加盐散列估算，不保存 IP 地址）。"])

    for name in ("programme", "institute", "campaign", "type", "month"):
        label = DIMENSIONS[name]
        rows = by_programme if name == "programme" else reads_by(name, reads, start, end)
        sheet = workbook.create_sheet(label)
        sheet["A1"] = f"按{label}：{quarter.label}"
        sheet["A1"].font = TITLE
        first, last = _table(sheet, [label, "阅读量（次）", "访客（人次/日合计）", "发布篇数"],
                             [[row.label, row.views, row.visitors, row.published] for row in rows])
        if not rows:
            continue
        if name == "month":
            chart = LineChart()
            chart.title, chart.height, chart.width = f"按月的阅读量与访客（{quarter.label}）", 7.5, 16
            chart.add_data(Reference(sheet, min_col=2, max_col=3, min_row=first, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=first + 1, max_row=last))
            sheet.add_chart(chart, "F3")
        else:
            _bar(sheet, f"按{label}的阅读量（{quarter.label}）", first, last, [2], "F3")

    sheet = workbook.create_sheet("热门内容")
    sheet["A1"] = f"阅读量前 20 的内容：{quarter.label}"
    sheet["A1"].font = TITLE
    pieces = top_pieces(reads, start, end, limit=20)
    headings = ["排名", "标题", "品牌项目", "内容类型", "阅读量（次）", "访客（人次/日合计）", "网址路径"]
    _table(sheet, headings, [[p.rank, p.title, p.programme, p.type, p.views, p.visitors, p.path] for p in pieces])

    sheet = workbook.create_sheet("季度环比")
    sheet["A1"] = f"{quarter.label}与{quarter.previous().label}"
    sheet["A1"].font = TITLE
    first, last = _table(sheet, ["品牌项目", f"{quarter.label}阅读量", f"{quarter.previous().label}阅读量", "环比"],
                         [[row.label, row.current, row.previous, row.change_text] for row in comparison])
    if len(comparison) > 1:
        chart = BarChart()
        chart.type, chart.title = "bar", "各品牌项目阅读量：本季度与上季度"
        chart.height, chart.width = max(7.5, 1.0 * len(comparison) + 3), 16
        for column, title in ((2, quarter.label), (3, quarter.previous().label)):  # the programmes, not 合计
            chart.series.append(Series(Reference(sheet, min_col=column, min_row=first + 2, max_row=last), title=title))
        chart.set_categories(Reference(sheet, min_col=1, min_row=first + 2, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"
        sheet.add_chart(chart, "F3")

    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output
