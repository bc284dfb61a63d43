from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.core.forms import KepuPageForm
from cms.core.search import ChineseSearchMixin
from cms.core.validators import hex_colour, latin_slug
from cms.publish.protocol import Publishable

from .documents import EXPORT_PREFETCH, programme_document


class ProgrammePage(Publishable, ChineseSearchMixin, Page):
    """A brand programme (品牌项目): every public piece belongs to exactly one."""

    base_form_class = KepuPageForm

    tagline = models.CharField(_("口号"), max_length=60, help_text=_("一句话介绍，显示在首页项目卡片上。"))
    introduction = RichTextField(
        _("项目介绍"), features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("项目主页顶部的介绍。"),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("标志"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    brand_colour = models.CharField(
        _("品牌色"), max_length=7, default="#1f6feb", validators=[hex_colour],
        help_text=_("#RRGGBB 形式，用于公众网站上的项目标识。"),
    )
    home_order = models.PositiveSmallIntegerField(
        _("首页排序"), default=100, help_text=_("数字越小，在首页越靠前。"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("tagline"),
        FieldPanel("introduction"),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("brand_colour"), FieldPanel("home_order")], heading=_("品牌")),
    ]

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("tagline"),
        index.SearchField("introduction"),
    ]

    parent_page_types = ["core.HomePage"]
    subpage_types = [
        "stories.StoryPage", "columns.ColumnPage", "resources.ResourcePage", "resources.ContributionAreaPage",
        "events.EventIndexPage",
        "nominations.NoticePage",
        "factcheck.DebunkIndexPage",
    ]

    class Meta:
        verbose_name = _("品牌项目")
        verbose_name_plural = _("品牌项目")

    def clean(self):
        super().clean()
        try:
            latin_slug(self.slug)
        except ValidationError as error:
            raise ValidationError({"slug": error}) from None

    export_prefetch = EXPORT_PREFETCH

    def to_document(self, context):
        return programme_document(self, context)


class InProgramme:
    """For pages that live under a programme: the programme they belong to."""

    @property
    def programme(self):
        return ProgrammePage.objects.ancestor_of(self).first()
