"""python manage.py influence_report [--quarter 2026Q3] [-o FILE] — the quarterly 影响力报告 as XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.reach.figures import all_reads, latest_quarter
from cms.reach.influence import influence_workbook
from cms.reach.periods import Quarter


class Command(BaseCommand):
    help = ("生成一个季度的影响力报告（XLSX：各品牌项目、机构、内容类型、月份的阅读量和发布篇数，"
            "热门内容，季度环比，附图表）。")

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="季度，如 2026Q3；默认是有阅读数据的最近一个季度。")
        parser.add_argument("-o", "--output", help="输出文件；默认 影响力报告-<季度>.xlsx（当前目录）。")

    def handle(self, *args, quarter=None, output=None, **options):
        if quarter:
            try:
                chosen = Quarter.parse(quarter)
            except ValueError as error:
                raise CommandError(f"季度写作 2026Q3 这样的格式，收到的是“{quarter}”。") from error
        else:
            chosen = latest_quarter(all_reads())
            if chosen is None:
                raise CommandError("还没有阅读数据：请先运行 ingest_access_logs。")
        path = Path(output or f"影响力报告-{chosen.code}.xlsx")
        path.write_bytes(influence_workbook(chosen).getvalue())
        self.stdout.write(f"已生成{chosen.label}影响力报告：{path}")
