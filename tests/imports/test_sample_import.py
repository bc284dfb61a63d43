"""The sample import sheet and ZIP kept with the sample content: as built, and clean in a dry run."""

import pytest
from django.core.files.base import ContentFile

from cms.imports import run, sample
from cms.imports.models import ImportBatch
from cms.resources.models import ResourcePage, Subject

pytestmark = pytest.mark.django_db


def test_the_kept_files_are_the_built_ones():
    assert sample.SHEET.read_bytes() == sample.sheet_bytes()
    assert sample.ARCHIVE.read_bytes() == sample.archive_bytes()


def test_the_sample_sheet_imports_cleanly(users, areas):
    Subject.objects.create(name="物理学")
    batch = ImportBatch(user=users["contributor"], area=areas["own"], sheet_name=sample.SHEET.name)
    batch.sheet.save("sample.csv", ContentFile(sample.SHEET.read_bytes()), save=False)
    batch.archive.save("sample.zip", ContentFile(sample.ARCHIVE.read_bytes()), save=False)
    batch.save()
    report = run.check(batch)
    assert [(e["key"], e["action"], e["problems"]) for e in report] == [
        ("shiyan-guangxue-kejian", "新建草稿", []), ("chaodao-jiangzuo", "新建草稿", []),
        ("jiguang-zhanlan", "新建草稿", [])]
    run.confirm(batch)
    assert ResourcePage.objects.child_of(areas["own"]).count() == 3
