"""Reading what an institute uploads, with limits: the sheet (XLSX through openpyxl, CSV through
the csv module, both into a tablib Dataset) and the ZIP of files, read in memory, never extracted.

Refused with a Chinese message (ValidationError): more than MAX_ROWS rows, a sheet or ZIP larger
than its limit, a ZIP whose files would expand past the limits or by more than MAX_RATIO (a ZIP
bomb), an entry whose name leaves the archive (``../x``, ``/etc/x``, ``C:\\x``), a sheet without the
template's columns.
"""

import csv
import io
import posixpath
import zipfile

import tablib
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ROWS = 1000
MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_ENTRY_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100  # a file that expands more than 100-fold (and past 1 MB) is a ZIP bomb, not a document
CHUNK = 1024 * 1024


def _too_many_rows():
    return ValidationError(
        _("表格超过 %(max)s 行，请拆分成几个表格分批导入。") % {"max": MAX_ROWS}, code="too_many_rows",
    )


def _check_zip_entries(archive, what):
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ValidationError(_("%(what)s中的文件太多（%(n)s 个），上限是 %(max)s 个。")
                              % {"what": what, "n": len(infos), "max": MAX_ENTRIES}, code="too_many_entries")
    total = 0
    for info in infos:
        total += info.file_size
        expands = info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or expands:
            raise ValidationError(
                _("%(what)s中的“%(name)s”解压后过大（%(size)s），疑似压缩炸弹，已拒绝。")
                % {"what": what, "name": info.filename, "size": filesizeformat(info.file_size)},
                code="zip_bomb",
            )
    return infos


def _open_zip(data, what):
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ValidationError(_("%(what)s不是有效的 ZIP 文件。") % {"what": what}, code="bad_zip") from None


def safe_entry_name(name):
    """The entry's path inside the archive, or None when it would leave it."""
    if "\\" in name or "\0" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("..") or normal in (".", "") or "/../" in f"/{name}/":
        return None
    return normal


class Archive:
    """The uploaded ZIP: entry names checked at once, contents read on demand with a hard limit."""

    def __init__(self, data):
        self.entries = {}
        if not data:
            return
        if len(data) > MAX_ARCHIVE_BYTES:
            raise ValidationError(_("文件包超过 %(max)s。") % {"max": filesizeformat(MAX_ARCHIVE_BYTES)},
                                  code="archive_too_large")
        self.zip = _open_zip(data, _("文件包"))
        for info in _check_zip_entries(self.zip, _("文件包")):
            if info.is_dir():
                continue
            name = safe_entry_name(info.filename)
            if name is None:
                raise ValidationError(
                    _("文件包中的“%(name)s”指向文件包以外的位置，已拒绝整个文件包。") % {"name": info.filename},
                    code="path_traversal",
                )
            self.entries[name] = info

    def __contains__(self, name):
        return safe_entry_name(name) in self.entries

    def read(self, name):
        """The entry's bytes, read in chunks and never past MAX_ENTRY_BYTES whatever its header says."""
        info = self.entries[safe_entry_name(name)]
        chunks, size = [], 0
        with self.zip.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > MAX_ENTRY_BYTES:
                    raise ValidationError(_("文件“%(name)s”解压后过大，已拒绝。") % {"name": name}, code="zip_bomb")
                chunks.append(chunk)
        return b"".join(chunks)


def _rows_from_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 编码。"), code="bad_encoding")
    rows = []
    for row in csv.reader(io.StringIO(text)):
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
        rows.append(row)
    return rows


def _rows_from_xlsx(data):
    from openpyxl import load_workbook

    _check_zip_entries(_open_zip(data, _("表格")), _("表格"))  # an XLSX is a ZIP: no bombs either
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a malformed workbook
        raise ValidationError(_("无法读取这个 XLSX 表格，请用表格软件重新另存后再上传。"), code="bad_xlsx") from None
    rows = []
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
            rows.append(["" if value is None else str(value) for value in row])
    finally:
        workbook.close()
    return rows


def read_sheet(data, name, headers):
    """The sheet as a tablib Dataset with the template's ``headers``; blank rows dropped."""
    if len(data) > MAX_SHEET_BYTES:
        raise ValidationError(_("表格文件超过 %(max)s。") % {"max": filesizeformat(MAX_SHEET_BYTES)},
                              code="sheet_too_large")
    extension = posixpath.splitext(name.lower())[1]
    if extension == ".csv":
        rows = _rows_from_csv(data)
    elif extension == ".xlsx":
        rows = _rows_from_xlsx(data)
    else:
        raise ValidationError(_("只接受 XLSX 或 CSV 格式的表格。"), code="sheet_format")
    if not rows:
        raise ValidationError(_("表格是空的。"), code="empty")
    header = [cell.strip() for cell in rows[0]]
    missing = [h for h in headers if h not in header]
    if missing:
        raise ValidationError(_("表格缺少这些列：%(missing)s。请使用后台提供的模板。")
                              % {"missing": "、".join(missing)}, code="missing_columns")
    dataset = tablib.Dataset(headers=list(headers))
    for row in rows[1:]:
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        if any(cells.get(h) for h in headers):
            dataset.append([cells.get(h, "") for h in headers])
    return dataset
