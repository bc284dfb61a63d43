"""The sheet's rows as resource drafts in an institute's contribution area (django-import-export).

A row's 编号 is the draft's slug in the area (never a reserved one: ``page``): importing the same row
again finds the same draft; an unchanged row is skipped (nothing written), a changed row saves a
new revision of the draft. A live resource is never changed by an import: its new revision waits
for review. Files named in the row come from the ZIP; images among them cross the image validator,
and each becomes a Wagtail document in the institute's collection.

A dry run (``import_data(dry_run=True)``) reads and checks everything and writes nothing: no page,
no revision, no file.
"""

import io
import posixpath
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from cms.core.slugs import is_reserved
from cms.moderation.images import clean_image_upload, looks_like_image
from cms.moderation.roles import institute_collection
from cms.resources.models import Audience, ResourceFile, ResourcePage, Subject

HEADERS = ["编号", "标题", "类型", "受众", "学科主题", "许可协议", "摘要", "外部链接", "时长或篇幅", "文件"]
SEPARATORS = re.compile(r"[、,，;；\n]+")
# What a spreadsheet program would run as a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝")
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOCUMENT_EXTENSIONS = {"pdf", "doc", "docx", "ppt", "pptx", "odt", "odp", "txt", "epub", "mp3", "mp4", "m4a", "webm",
                       "jpg", "jpeg", "png", "gif", "webp"}


def digest(data):
    return hash_filelike(io.BytesIO(data))


def split_names(value):
    return [part.strip() for part in SEPARATORS.split(value or "") if part.strip()]


class LabelChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (视频) or its code (video)."""

    def __init__(self, choices, what, **kwargs):
        super().__init__(**kwargs)
        self.by_text = {str(label): code for code, label in choices} | {code: code for code, _label in choices}
        self.what = what

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return ""
        if value not in self.by_text:
            raise ValueError(_("未知的%(what)s“%(value)s”。") % {"what": self.what, "value": value})
        return self.by_text[value]


class NamesWidget(widgets.ManyToManyWidget):
    """Names separated by 、 , ; — every one must exist."""

    def __init__(self, model, what, **kwargs):
        super().__init__(model, field="name", separator="、", **kwargs)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        names = split_names(value)
        found = list(self.model.objects.filter(name__in=names))
        unknown = [n for n in names if n not in {obj.name for obj in found}]
        if unknown:
            raise ValueError(_("未知的%(what)s：%(names)s。") % {"what": self.what, "names": "、".join(unknown)})
        return found


class ResourceRowResource(resources.ModelResource):
    slug = fields.Field(attribute="slug", column_name="编号")
    title = fields.Field(attribute="title", column_name="标题")
    kind = fields.Field(attribute="kind", column_name="类型",
                        widget=LabelChoiceWidget(ResourcePage.Kind.choices, _("资源类型")))
    audiences = fields.Field(attribute="audiences", column_name="受众", widget=NamesWidget(Audience, _("受众")))
    subjects = fields.Field(attribute="subjects", column_name="学科主题", widget=NamesWidget(Subject, _("学科主题")))
    licence = fields.Field(attribute="licence", column_name="许可协议",
                           widget=LabelChoiceWidget(ResourcePage.Licence.choices, _("许可协议")))
    summary = fields.Field(attribute="summary", column_name="摘要")
    external_url = fields.Field(attribute="external_url", column_name="外部链接")
    length = fields.Field(attribute="length", column_name="时长或篇幅")

    class Meta:
        model = ResourcePage
        import_id_fields = ["slug"]
        fields = ["slug", "title", "kind", "audiences", "subjects", "licence", "summary", "external_url", "length"]
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True

    def __init__(self, *, area, archive, user, submit=False):
        super().__init__()
        self.area, self.archive, self.user, self.submit = area, archive, user, submit
        self.seen_keys = set()
        self.created_pages = []

    # -- finding the draft a row stands for ------------------------------------------------

    def get_instance(self, instance_loader, row):
        key = (row.get("编号") or "").strip()
        page = ResourcePage.objects.child_of(self.area).filter(slug=key).first()
        return page.get_latest_revision_as_object() if page else None

    def init_instance(self, row=None):
        return ResourcePage(institute_id=self.area.institute_id, live=False, owner=self.user)

    # -- checking a row -----------------------------------------------------------------------

    def before_import_row(self, row, **kwargs):
        errors = []
        for header, value in row.items():
            if str(value or "").lstrip(" ").startswith(FORMULA_START):
                errors.append(_("“%(column)s”列的内容以“%(start)s”开头，可能是表格公式，已拒绝。请删去开头的符号。")
                              % {"column": header, "start": str(value).lstrip(" ")[:1]})
        key = (row.get("编号") or "").strip()
        if not KEY.match(key):
            errors.append(_("编号“%(key)s”无效：只能使用小写拉丁字母、数字和连字符，例如 open-day-2026。")
                          % {"key": key})
        elif is_reserved(key):  # (the public site's archive pages: …/page/2/; it would not publish)
            errors.append(_("编号“%(key)s”由网站保留：列表的分页网址（…/page/2/）要用它。请换一个编号。")
                          % {"key": key})
        elif key in self.seen_keys:
            errors.append(_("编号“%(key)s”在表格中出现了不止一次。") % {"key": key})
        self.seen_keys.add(key)
        if not (row.get("许可协议") or "").strip():
            errors.append(_("缺少许可协议：未选择许可的资源不能通过审核。"))
        if errors:
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in (self.fields["audiences"], self.fields["subjects"]):
            try:
                setattr(instance, field.attribute, field.clean(row))
            except ValueError as error:
                errors.setdefault(field.attribute, []).append(str(error))
        if not instance.audiences.all():
            errors.setdefault("audiences", []).append(_("请至少填写一个受众。"))
        instance._import_files = []
        try:
            instance._import_files = self.files_of(row)
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.messages)
        self.check_fields(instance, errors)
        duplicate = ResourcePage.objects.filter(title=instance.title).exclude(pk=instance.pk).first()
        if duplicate is not None:
            errors.setdefault("title", []).append(
                _("与已有资源“%(title)s”（%(where)s）重复。") % {"title": duplicate.title,
                                                          "where": duplicate.get_parent().title})
        if errors:
            raise ValidationError(errors)

    def check_fields(self, instance, errors):
        """The model's own field checks (required, lengths, URL) and the resource form's rule that
        readers must get at something: a file or a link."""
        checked = {"title", "kind", "licence", "summary", "external_url", "length"}
        try:
            instance.clean_fields(exclude=[f.name for f in ResourcePage._meta.fields if f.name not in checked])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if not instance._import_files and not instance.external_url and "files" not in errors:
            errors.setdefault("external_url", []).append(_("请至少提供一项：文件或外部链接，读者才能获取这份资源。"))

    def files_of(self, row):
        """[(name, bytes)] for the files the row names; each present in the ZIP and, if an image, valid."""
        files, errors = [], []
        for name in split_names(row.get("文件")):
            extension = posixpath.splitext(name)[1].lower().lstrip(".")
            if extension not in DOCUMENT_EXTENSIONS:
                errors.append(_("文件“%(name)s”的格式不受支持。") % {"name": name})
            elif name not in self.archive:
                errors.append(_("表格中列出的文件“%(name)s”不在文件包中。") % {"name": name})
            else:
                data = self.archive.read(name)
                if looks_like_image(name):
                    try:
                        data = clean_image_upload(ContentFile(data, name=posixpath.basename(name))).read()
                    except ValidationError as error:
                        errors.extend(error.messages)
                        continue
                files.append((name, data))
        if errors:
            raise ValidationError(errors)
        return files

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    # -- unchanged rows are skipped ---------------------------------------------------------------

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is None or original.pk is None or import_validation_errors:
            return False
        for name in ("title", "kind", "licence", "summary", "external_url", "length"):
            if getattr(instance, name) != getattr(original, name):
                return False
        for name in ("audiences", "subjects"):
            if {o.pk for o in getattr(instance, name).all()} != {o.pk for o in getattr(original, name).all()}:
                return False
        wanted = sorted(digest(data) for _name, data in instance._import_files)
        return wanted == sorted(f.document.get_file_hash() for f in original.files.all())

    # -- writing (never in a dry run) -----------------------------------------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        self.attach_files(instance)
        if is_create:
            self.area.add_child(instance=instance)
        revision = instance.save_revision(user=self.user, log_action=True)
        if self.submit:
            workflow = instance.get_workflow()
            if workflow is not None and instance.current_workflow_state is None:
                workflow.start(Page.objects.get(pk=instance.pk).specific, self.user)
        self.created_pages.append((instance.pk, revision.pk))

    def save_m2m(self, instance, row, **kwargs):
        """Audiences and subjects travel with the page and its revision (ParentalManyToManyField)."""

    def attach_files(self, instance):
        existing = {f.document.get_file_hash(): f for f in instance.files.all()}
        collection = institute_collection(self.area.institute)
        Document = get_document_model()
        attached = []
        for name, data in instance._import_files:
            known = existing.get(digest(data))
            if known is not None:
                attached.append(ResourceFile(document=known.document, title=known.title))
                continue
            document = Document(title=posixpath.basename(name), collection=collection, uploaded_by_user=self.user)
            document.file.save(posixpath.basename(name), ContentFile(data), save=False)
            document._set_document_file_metadata()
            document.save()
            attached.append(ResourceFile(document=document, title=""))
        instance.files = attached
