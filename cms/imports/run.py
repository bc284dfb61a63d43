"""Running an import batch: the dry run (everything checked, nothing written) and the confirmed run.

The report is one entry per sheet row, in Chinese: its line in the sheet, 编号, 标题, what would
happen or happened (新建 / 更新 / 无变化 / 有问题) and every problem found.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult

from .files import Archive, read_sheet
from .models import ImportBatch
from .resources import HEADERS, ResourceRowResource

ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: _("新建草稿"),
    RowResult.IMPORT_TYPE_UPDATE: _("更新草稿"),
    RowResult.IMPORT_TYPE_SKIP: _("无变化"),
    RowResult.IMPORT_TYPE_INVALID: _("有问题"),
    RowResult.IMPORT_TYPE_ERROR: _("有问题"),
}
COLUMN_OF = {"slug": "编号", "title": "标题", "kind": "类型", "audiences": "受众", "subjects": "学科主题",
             "licence": "许可协议", "summary": "摘要", "external_url": "外部链接", "length": "时长或篇幅",
             "files": "文件"}


def _problems(row_result):
    if row_result.validation_error is not None:
        error = row_result.validation_error
        if hasattr(error, "error_dict"):
            return [message if name == NON_FIELD_ERRORS else f"{COLUMN_OF.get(name, name)}：{message}"
                    for name, messages in error.message_dict.items() for message in messages]
        return list(error.messages)
    return [_("处理这一行时出错：%(error)s") % {"error": e.error} for e in row_result.errors]


def run(batch, *, dry_run):
    """Import ``batch``; returns the report (a list of dicts). Refuses (ValidationError) a sheet or
    ZIP that cannot be read safely. A confirmed run writes nothing unless every row is clean."""
    with batch.sheet.open("rb") as sheet:
        dataset = read_sheet(sheet.read(), batch.sheet_name, HEADERS)
    archive_data = b""
    if batch.archive:
        with batch.archive.open("rb") as archive:
            archive_data = archive.read()
    resource = ResourceRowResource(area=batch.area, archive=Archive(archive_data), user=batch.user,
                                   submit=batch.submit_for_review)
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, raise_errors=False)
        report = [
            {"line": index + 2, "key": values[0], "title": values[1],
             "action": str(ACTIONS.get(row.import_type, row.import_type)), "problems": _problems(row)}
            for index, (row, values) in enumerate(zip(result.rows, dataset, strict=True))
        ]
        if not dry_run and any(entry["problems"] for entry in report):
            transaction.set_rollback(True)
    return report


def check(batch):
    """The dry run, recorded on the batch."""
    try:
        batch.report = run(batch, dry_run=True)
    except ValidationError as error:
        batch.report = [{"line": 0, "key": "", "title": "", "action": _("有问题"), "problems": error.messages}]
    batch.status = ImportBatch.Status.REFUSED if has_problems(batch.report) else ImportBatch.Status.CHECKED
    batch.save(update_fields=["report", "status"])
    return batch.report


def confirm(batch):
    """The confirmed run, only for a batch whose dry run found no problem."""
    if batch.status != ImportBatch.Status.CHECKED:
        raise ValidationError(_("这批导入的试导入发现了问题或已经导入过，不能确认。请修正后重新上传。"))
    report = run(batch, dry_run=False)
    if has_problems(report):
        batch.report, batch.status = report, ImportBatch.Status.REFUSED
    else:
        batch.report, batch.status = report, ImportBatch.Status.IMPORTED
    batch.save(update_fields=["report", "status"])
    return report


def has_problems(report):
    return any(entry["problems"] for entry in report)
