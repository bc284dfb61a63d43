"""批量导入 in the admin: upload a sheet and a ZIP, read the dry run row by row, confirm; the template."""

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cms.moderation.roles import is_contributor

from . import run
from .forms import ImportUploadForm, areas_for
from .models import ImportBatch
from .resources import HEADERS

EXAMPLE_ROW = ["open-day-2026", "实验室开放日（示例）", "开放日", "青少年、公众", "物理", "署名 CC BY 4.0",
               "走进实验室，看科学家如何工作。", "https://example.org/open-day", "半天", "开放日指南.pdf"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_import(user):
    if not user.has_perm("imports.add_importbatch"):
        raise PermissionDenied


def upload(request):
    _may_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["sheet"]
        batch = ImportBatch.objects.create(
            user=request.user, area=form.cleaned_data["area"], sheet=sheet, sheet_name=sheet.name[:255],
            archive=form.cleaned_data["archive"] or "", submit_for_review=form.cleaned_data["submit_for_review"],
        )
        run.check(batch)
        return redirect("imports_batch", batch_id=batch.pk)
    batches = ImportBatch.objects.filter(user=request.user).select_related("area")[:20]
    return render(request, "imports/upload.html", {"form": form, "batches": batches})


def batch_detail(request, batch_id):
    _may_import(request.user)
    batch = get_object_or_404(ImportBatch.objects.select_related("area"), pk=batch_id)
    if batch.user_id != request.user.pk and is_contributor(request.user):
        raise PermissionDenied
    if batch.area not in areas_for(request.user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            report = run.confirm(batch)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if run.has_problems(report):
                messages.error(request, _("导入时发现了问题，没有写入任何内容。请查看下表。"))
            else:
                done = [e for e in report if e["action"] != _("无变化")]
                messages.success(request, _("已导入：%(n)s 项草稿新建或更新，其余无变化。") % {"n": len(done)})
        return redirect("imports_batch", batch_id=batch.pk)
    return render(request, "imports/batch.html", {
        "batch": batch, "report": batch.report, "problems": run.has_problems(batch.report),
    })


def template(request):
    _may_import(request.user)
    sheet = tablib.Dataset(EXAMPLE_ROW, headers=HEADERS, title="科普资源")
    response = HttpResponse(sheet.export("xlsx"), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=\"kepu-import-template.xlsx\""
    return response
