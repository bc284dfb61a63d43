"""What Kepu keeps of its readers: daily counts per public page, and which log files it has read.

No IP address, user agent or visitor hash is ever stored: the ingester counts unique visitors per
day with a salt it makes for that day and forgets (cms/reach/ingest.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageReads(models.Model):
    """Page views and unique visitors of one public page on one day (the log's local date)."""

    day = models.DateField(_("日期"), db_index=True)
    path = models.CharField(_("网址路径"), max_length=1000)
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("页面"))
    views = models.PositiveIntegerField(_("阅读量"), default=0)
    visitors = models.PositiveIntegerField(_("访客数"), default=0)

    class Meta:
        verbose_name = _("每日阅读量")
        verbose_name_plural = _("每日阅读量")
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="reach_one_row_per_day_and_path")]
        permissions = [("view_reach_reports", _("查看传播报告"))]

    def __str__(self):
        return f"{self.day} {self.path}"


class IngestedLog(models.Model):
    """A log file read before, known by its first line: how far it was read and a digest of that part.

    The same file read again (or renamed, or compressed by logrotate) is recognised and only what
    was appended since is counted.
    """

    first_line_sha256 = models.CharField(max_length=64, unique=True)
    consumed_bytes = models.BigIntegerField(default=0)  # of the uncompressed text, up to a complete line
    consumed_sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=1000)  # the last name it was read under, for people
    lines = models.BigIntegerField(default=0)
    ingested_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("已读取的访问日志")
        verbose_name_plural = _("已读取的访问日志")

    def __str__(self):
        return self.name
