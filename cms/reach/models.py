"""What Kepu keeps of its readers: daily counts per public page, and which log files it has read.

No IP address, user agent or visitor hash is ever stored: the ingester counts unique visitors per
day with a salt it makes for that day and forgets (cms/reach/ingest.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


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


@register_setting(icon="view")
class ReachSettings(BaseGenericSetting):
    """Whether the public site shows each piece's 阅读量 (off unless someone turns it on)."""

    show_reads = models.BooleanField(
        _("在公开页面显示阅读量"), default=False,
        help_text=_("开启后，每篇内容的页面显示截至最近一次读取访问日志的累计阅读量（超过 10 万显示为“10万+”）；"
                    "列表页、首页和标签页不显示，复制到公众号的内容也不带阅读量。"),
    )

    panels = [FieldPanel("show_reads")]

    class Meta:
        verbose_name = _("阅读量显示设置")


class PublicReads(models.Model):
    """A page's all-time page views as its public page shows them: written by the ingester only
    when the total changed, and read by the page's document (cms/reach/public.py), so a changed
    total renders that page again and nothing else. Only the count: no other field, so that its
    fingerprint changes with the count alone."""

    page = models.OneToOneField("wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("页面"))
    views = models.PositiveBigIntegerField(_("阅读量"), default=0)

    class Meta:
        verbose_name = _("公开阅读量")
        verbose_name_plural = _("公开阅读量")

    def __str__(self):
        return f"{self.page_id}: {self.views}"
