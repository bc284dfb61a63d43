from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.publish.protocol import Publishable

from .documents import home_document
from .search import ChineseSearchMixin


class Institute(ChineseSearchMixin, index.Indexed, models.Model):
    """A contributing organisation (机构). Registered as a snippet."""

    class Kind(models.TextChoices):
        RESEARCH_INSTITUTE = "research_institute", _("科研院所")
        UNIVERSITY = "university", _("高等院校")
        SOCIETY = "society", _("学会")
        LOCAL_ASSOCIATION = "local_association", _("地方科协")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    region = models.CharField(_("地区"), max_length=50, help_text=_("省、自治区、直辖市，如 北京、广东。"))
    website = models.URLField(_("网站"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("标志"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("region"), FieldPanel("website"), FieldPanel("logo")]

    search_fields = ChineseSearchMixin.search_fields + [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("region"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """An admin user; contributors belong to the institute whose resources they draft."""

    institute = models.ForeignKey(
        Institute, verbose_name=_("所属机构"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
        help_text=_("机构投稿人只能为所属机构投稿。编辑部成员留空。"),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class HomePage(Publishable, Page):
    """The site root: the brand programmes hang under it."""

    introduction = RichTextField(
        _("首页导语"), blank=True, features=["bold", "italic", "link"],
        help_text=_("出现在公众网站首页顶部的一两句话。"),
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "programmes.ProgrammePage", "events.CampaignPage", "events.EventIndexPage", "factcheck.EmergencyHubPage",
        "integrity.IntegritySectionPage",
    ]
    max_count = 1
    export_depends_on = ("factcheck.EmergencyAlert",)  # the banner (cms.publish.protocol)

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")

    def to_document(self, context):
        return home_document(self, context)


@register_setting(icon="site")
class SiteSettings(BaseGenericSetting):
    """What the publish step needs to know about the public site."""

    site_name = models.CharField(_("网站名称"), max_length=100, default="Kepu 科普")
    base_url = models.URLField(
        _("公众网站地址"), default="http://127.0.0.1:8001/",
        help_text=_("静态网站对外的根地址，用于规范链接、站点地图和订阅源。"),
    )
    description = models.CharField(_("网站简介"), max_length=200, blank=True)
    copyright = models.CharField(_("版权声明"), max_length=200, blank=True)

    panels = [FieldPanel("site_name"), FieldPanel("base_url"), FieldPanel("description"), FieldPanel("copyright")]

    class Meta:
        verbose_name = _("网站设置")
