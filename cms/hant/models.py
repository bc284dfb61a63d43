"""The mirror's site setting and the editors' fixed pairs (繁体转换词对)."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .profiles import Profile

PREFIX = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# First path segments the Simplified site itself uses besides its programmes' slugs.
RESERVED_PREFIXES = {"tags", "library", "media", "assets", "search", "stylesheets", "javascripts", "feed.xml",
                     "sitemap.xml", "robots.txt", "404.html", "page"}
HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@register_setting(icon="globe")
class MirrorSettings(BaseGenericSetting):
    """Whether the publish step also writes the Traditional-script site, with which profile, where.
    One public site (like core.SiteSettings): the publish step runs without a request."""

    enabled = models.BooleanField(
        _("生成繁体站"), default=False,
        help_text=_("开启后，每次发布同时生成繁体字版本的整个网站（页面、列表、订阅源、标签页），"
                    "与简体站一一对应。"),
    )
    profile = models.CharField(
        _("转换方案"), max_length=8, choices=Profile.choices, default=Profile.HK,
        help_text=_("OpenCC 的转换方案：面向港澳读者选香港，面向台湾读者选台湾。"
                    "“用语”方案还会换成当地的说法。"),
    )
    prefix = models.CharField(
        _("网址前缀"), max_length=30, default="zh-hant", blank=True,
        help_text=_("繁体站放在 /前缀/ 下，页面网址在前缀之后与简体站相同，例如 /zh-hant/tags/航天/。"
                    "填写了独立域名时可以留空。"),
    )
    host = models.URLField(
        _("独立域名"), blank=True,
        help_text=_("可选。填写后繁体站放在这个地址的根上（例如 https://hk.kepu.example/），不再使用前缀。"
                    "网页服务器也要为这个域名配置（见 README“Production”），否则读者打不开。"),
    )

    panels = [FieldPanel("enabled"), FieldPanel("profile"), FieldPanel("prefix"), FieldPanel("host")]

    class Meta:
        verbose_name = _("繁体站设置")

    def clean(self):
        super().clean()
        self.prefix = (self.prefix or "").strip().strip("/")
        errors = {}
        if self.host:
            parts = urlsplit(self.host)
            if parts.path not in ("", "/") or parts.query or parts.fragment:
                errors["host"] = _("独立域名只填写协议和域名，例如 https://hk.kepu.example/，不要带路径。")
            else:
                from cms.core.models import SiteSettings

                if urlsplit(SiteSettings.load().base_url).netloc == parts.netloc:
                    errors["host"] = _("独立域名不能与简体站的公众网站地址相同；要放在同一域名下，请改用网址前缀。")
                elif parts.scheme not in ("http", "https"):
                    errors["host"] = _("独立域名请以 https:// 开头，例如 https://hk.kepu.example/。")
        elif not self.prefix:
            errors["prefix"] = _("请填写网址前缀（例如 zh-hant），或者填写独立域名。")
        if self.prefix and not PREFIX.fullmatch(self.prefix):
            errors["prefix"] = _("网址前缀只能用小写字母、数字和连字符，例如 zh-hant。")
        elif self.prefix and self.prefix in RESERVED_PREFIXES | top_level_slugs():
            errors["prefix"] = _("网址前缀“%(prefix)s”已被简体站的栏目或文件使用，请换一个。") % {"prefix": self.prefix}
        if errors:
            raise ValidationError(errors)


def top_level_slugs():
    """The slugs of the home page's children: the first segment of their public URLs."""
    from wagtail.models import Page

    home = Page.get_first_root_node().get_children().first()
    return set(home.get_children().values_list("slug", flat=True)) if home else set()


class TermPair(models.Model):
    """A term and how the mirror writes it, applied before OpenCC: house style, a name, an institution."""

    class Region(models.TextChoices):
        ALL = "", _("所有方案")
        HK = "hk", _("仅香港方案")
        TW = "tw", _("仅台湾方案")

    term = models.CharField(_("简体写法"), max_length=40, help_text=_("网站上简体原文里的写法，例如 信息、周干峙。"))
    conversion = models.CharField(
        _("繁体写法"), max_length=40, help_text=_("繁体站上一律写成这样，例如 資訊、周干峙。OpenCC 不再改动它。"),
    )
    region = models.CharField(
        _("适用范围"), max_length=2, choices=Region.choices, default=Region.ALL, blank=True,
        help_text=_("只对香港或台湾方案生效时选择；同一写法可以分别为两地各设一对。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如：人名、机构名、本站用语。"))

    class Meta:
        verbose_name = _("繁体转换词对")
        verbose_name_plural = _("繁体转换词对")
        ordering = ["term", "region"]
        constraints = [models.UniqueConstraint(
            fields=["term", "region"], name="hant_termpair_unique_term_region",
            violation_error_message=_("这个简体写法在同一适用范围下已有词对，请直接修改那一条。"),
        )]

    def __str__(self):
        return f"{self.term} → {self.conversion}"

    def clean(self):
        super().clean()
        self.term, self.conversion = (self.term or "").strip(), (self.conversion or "").strip()
        errors = {}
        for field, value in (("term", self.term), ("conversion", self.conversion)):
            if any(char in value for char in "\r\n\t"):
                errors[field] = _("请只填写一个词，不要包含换行或制表符。")
        if "term" not in errors and not HAN.search(self.term):
            errors["term"] = _("简体写法里没有汉字：只有汉字需要转换，字母和数字繁体站上照原样。")
        if "conversion" not in errors and not self.conversion:
            errors["conversion"] = _("请填写繁体写法。")
        if not errors:
            clash = TermPair.objects.filter(term=self.term, region=self.region).exclude(pk=self.pk)
            if clash.exists():
                errors["term"] = _("“%(term)s”在“%(region)s”下已有词对（%(other)s），请直接修改那一条。") % {
                    "term": self.term, "region": self.get_region_display(), "other": clash.first()}
        if errors:
            raise ValidationError(errors)
