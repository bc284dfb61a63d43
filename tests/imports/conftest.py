"""Sheets and ZIPs as an institute sends them, built in memory."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image as PILImage

from cms.imports.models import ImportBatch
from cms.imports.resources import HEADERS
from cms.resources.models import Subject
from tests.moderation.conftest import areas, other_institute  # noqa: F401  (fixtures)

ROWS = [
    ["guangzi-kaifangri", "光子实验室开放日", "开放日", "青少年、公众", "物理", "署名 CC BY 4.0",
     "走进光子实验室。", "https://example.org/guangzi", "半天", "开放日指南.pdf"],
    ["liangzi-kejian", "量子力学入门课件", "课件", "教师", "物理", "cc-by-sa-4.0",
     "十讲量子力学。", "", "十讲", "课件/量子.pdf、课件/封面.png"],
]


def png_bytes(colour=(20, 120, 200)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


FILES = {"开放日指南.pdf": b"%PDF-1.4\n% guide\n", "课件/量子.pdf": b"%PDF-1.4\n% quantum\n",
         "课件/封面.png": png_bytes()}


def xlsx(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def physics(db):
    return Subject.objects.get_or_create(name="物理")[0]


def upload(client, area, sheet, archive=None, name="resources.xlsx", submit=False):
    """POST the upload form; returns (response, the batch it made or None)."""
    data = {"area": area.pk, "sheet": SimpleUploadedFile(name, sheet)}
    if archive is not None:
        data["archive"] = SimpleUploadedFile("files.zip", archive)
    if submit:
        data["submit_for_review"] = "on"
    response = client.post(reverse("imports_upload"), data)
    return response, ImportBatch.objects.order_by("-pk").first()


def confirm(client, batch):
    return client.post(reverse("imports_batch", args=(batch.pk,)))
