"""A bulk import (批量导入) of resources from an institute: the uploaded sheet and ZIP, kept between
the dry run and the confirmed run, with what each did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        CHECKED = "checked", _("已试导入，待确认")
        IMPORTED = "imported", _("已导入")
        REFUSED = "refused", _("有问题，未导入")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    area = models.ForeignKey("resources.ContributionAreaPage", verbose_name=_("投稿区"), on_delete=models.CASCADE,
                             related_name="+")
    sheet = models.FileField(_("表格"), upload_to="imports/sheets/")
    sheet_name = models.CharField(_("表格文件名"), max_length=255)
    archive = models.FileField(_("文件包"), upload_to="imports/archives/", blank=True)
    submit_for_review = models.BooleanField(_("导入后提交机构投稿审核"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CHECKED)
    report = models.JSONField(_("结果"), default=list)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sheet_name}（{self.area}）"
