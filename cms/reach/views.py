"""The reach reports (报告 → 阅读量 / 热门内容 / 季度环比) and the quarterly 影响力报告 download.

They are Wagtail report views: filters, a table, CSV and XLSX export of exactly the rows on the
page; each has a chart drawn as inline SVG above its table.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from . import charts
from .figures import DIMENSIONS, all_reads, quarter_on_quarter, reads_by, top_pieces
from .filters import DateRangeFilterSet, QuarterFilterSet, ReadsFilterSet
from .periods import Quarter

PERMISSION = "reach.view_reach_reports"


class ReachReport(ReportView):
    header_icon = "doc-full"
    paginate_by = 200

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def export_headings(self):
        return {column.name: column.label for column in self.columns}

    @cached_property
    def list_export(self):
        return [column.name for column in self.columns]

    def get_queryset(self):
        return self.rows()

    def filter_queryset(self, queryset):
        return queryset  # rows() applies the filters: it computes rows, not a queryset

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["chart"] = self.chart(context["object_list"]) if context["object_list"] else ""
        context["influence_url"] = None
        return context


class ReadsReportView(ReachReport):
    page_title = _("阅读量")
    index_url_name = "reach_reads"
    index_results_url_name = "reach_reads_results"
    results_template_name = "reach/report_results.html"
    filterset_class = ReadsFilterSet
    export_filename = "kepu-reads"

    @cached_property
    def dimension(self):
        group = self.filters.form.cleaned_data.get("group") if self.filters.is_valid() else None
        return group or "programme"

    @cached_property
    def columns(self):
        return [Column("label", label=DIMENSIONS[self.dimension]), Column("views", label="阅读量（次）"),
                Column("visitors", label="访客（人次/日合计）"), Column("published", label="发布篇数")]

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        if "group" not in kwargs["data"]:
            kwargs["data"] = kwargs["data"].copy()
            kwargs["data"]["group"] = "programme"
        return kwargs

    def rows(self):
        start, end = self.filters.date_range()
        return reads_by(self.dimension, all_reads(), start, end)

    def chart(self, rows):
        labels = [row.label for row in rows]
        name = DIMENSIONS[self.dimension]
        if self.dimension in ("month", "quarter"):
            return charts.line_chart(f"按{name}的阅读量与访客", labels, [
                charts.Series("阅读量", [row.views for row in rows]),
                charts.Series("访客", [row.visitors for row in rows])])
        return charts.bar_chart(f"按{name}的阅读量", labels, [charts.Series("阅读量", [row.views for row in rows])])


class TopPiecesReportView(ReachReport):
    page_title = _("热门内容")
    index_url_name = "reach_top"
    index_results_url_name = "reach_top_results"
    results_template_name = "reach/report_results.html"
    filterset_class = DateRangeFilterSet
    export_filename = "kepu-top-pieces"
    columns = [Column("rank", label="排名"), Column("title", label="标题"), Column("programme", label="品牌项目"),
               Column("type", label="内容类型"), Column("views", label="阅读量（次）"),
               Column("visitors", label="访客（人次/日合计）"), Column("path", label="网址路径")]

    def rows(self):
        start, end = self.filters.date_range()
        return top_pieces(all_reads(), start, end, limit=50)

    def chart(self, rows):
        rows = rows[:10]
        return charts.bar_chart("阅读量前十的内容", [row.title for row in rows],
                                [charts.Series("阅读量", [row.views for row in rows])])


class QuarterReportView(ReachReport):
    page_title = _("季度环比")
    index_url_name = "reach_quarters"
    index_results_url_name = "reach_quarters_results"
    results_template_name = "reach/report_results.html"
    filterset_class = QuarterFilterSet
    export_filename = "kepu-quarters"

    @cached_property
    def quarter(self):
        return self.filters.chosen() if self.filters else None

    @cached_property
    def columns(self):
        quarter = self.quarter
        current = quarter.label if quarter else "本季度"
        previous = quarter.previous().label if quarter else "上季度"
        return [Column("label", label="品牌项目"), Column("current", label=f"{current}阅读量"),
                Column("previous", label=f"{previous}阅读量"), Column("change_text", label="环比")]

    def rows(self):
        return quarter_on_quarter(all_reads(), self.quarter) if self.quarter else []

    def chart(self, rows):
        programmes = rows[1:]
        return charts.bar_chart(f"{self.quarter.label}与上季度各品牌项目阅读量", [row.label for row in programmes], [
            charts.Series(self.quarter.label, [row.current for row in programmes]),
            charts.Series(self.quarter.previous().label, [row.previous for row in programmes])])

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if self.quarter:
            from django.urls import reverse

            context["influence_url"] = reverse("reach_influence_report", args=[self.quarter.code])
            context["influence_label"] = f"下载{self.quarter.label}影响力报告（XLSX）"
        return context


def influence_report(request, quarter):
    """The quarter's 影响力报告 as an XLSX file."""
    from .influence import influence_workbook  # (here: openpyxl is slow to import, and only this view needs it)

    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    try:
        chosen = Quarter.parse(quarter)
    except ValueError as error:
        raise Http404("没有这个季度") from error
    workbook = influence_workbook(chosen)
    return FileResponse(workbook, as_attachment=True, filename=f"影响力报告-{chosen.code}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
