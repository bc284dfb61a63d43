from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.core.blocks import BodyBlock
from cms.core.corrections import CorrectionNote, Retractable, RetractionFormMixin
from cms.core.forms import KepuPageForm
from cms.core.search import ChineseSearchMixin
from cms.factcheck.authorship import ExpertAuthored
from cms.programmes.models import InProgramme
from cms.publish.protocol import Publishable

from .documents import ARTICLE_EXPORT_PREFETCH, article_document, column_document


class ColumnPage(Publishable, InProgramme, ChineseSearchMixin, Page):
    """A 学风传承 column: a running series with its own editor and cadence."""

    base_form_class = KepuPageForm
    listing_key = "columns"  # its parent's archive pages: <parent>/page/columns/<n>/

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("每周")
        BIWEEKLY = "biweekly", _("每两周")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        IRREGULAR = "irregular", _("不定期")

    introduction = RichTextField(_("专栏介绍"), features=["bold", "italic", "link", "ol", "ul"])
    column_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专栏编辑"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="edited_columns",
        help_text=_("负责本专栏选题和约稿的编辑。"),
    )
    cadence = models.CharField(_("更新频率"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldRowPanel([FieldPanel("column_editor"), FieldPanel("cadence")]),
    ]

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("introduction"),
        index.FilterField("cadence"),
    ]

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = ["columns.ColumnArticlePage"]

    class Meta:
        verbose_name = _("学风传承专栏")
        verbose_name_plural = _("学风传承专栏")

    def to_document(self, context):
        return column_document(self, context)


class ColumnArticleTag(TaggedItemBase):
    content_object = ParentalKey("columns.ColumnArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ColumnArticleForm(RetractionFormMixin, KepuPageForm):
    """Checks that the issue number is not already taken in the same column; only a chief editor
    may retract an article."""

    def clean(self):
        cleaned_data = super().clean()
        number = cleaned_data.get("issue_number")
        column = self.parent_page if self.instance._state.adding else self.instance.get_parent()
        if number is not None and column is not None:
            taken = ColumnArticlePage.objects.child_of(column).filter(issue_number=number)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "issue_number",
                    _("本专栏已有第 %(number)s 期《%(title)s》，请换一个期号。")
                    % {"number": number, "title": taken.first().title},
                )
        return cleaned_data


class ColumnArticlePage(Retractable, Publishable, InProgramme, ChineseSearchMixin, ExpertAuthored, Page):
    """One article of a column, numbered by issue."""

    issue_number = models.PositiveIntegerField(_("期号"), help_text=_("本专栏内的期数，不可重复。"))
    date = models.DateField(_("日期"))
    summary = models.TextField(_("摘要"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"))
    tags = ClusterTaggableManager(through=ColumnArticleTag, blank=True, verbose_name=_("标签"))

    base_form_class = ColumnArticleForm
    listing_key = "articles"  # its parent's archive pages: <parent>/page/articles/<n>/

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("issue_number"), FieldPanel("date")]),
        FieldPanel("summary"),
        *ExpertAuthored.expert_author_panels,
        FieldPanel("body"),
        InlinePanel("featured_scientists", heading=_("本期人物"), label=_("人物")),
        FieldPanel("tags"),
        InlinePanel("corrections", heading=_("更正说明"), label=_("更正说明")),
    ] + Retractable.retraction_panels

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("issue_number"),
        index.FilterField("date"),
    ]

    parent_page_types = ["columns.ColumnPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("专栏文章")
        verbose_name_plural = _("专栏文章")

    export_prefetch = ARTICLE_EXPORT_PREFETCH

    def to_document(self, context):
        return article_document(self, context)


class FeaturedScientist(Orderable):
    page = ParentalKey(ColumnArticlePage, on_delete=models.CASCADE, related_name="featured_scientists")
    story = models.ForeignKey(
        "stories.StoryPage", verbose_name=_("科学家故事"), on_delete=models.CASCADE, related_name="+",
    )

    panels = [PageChooserPanel("story", "stories.StoryPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("本期人物")


class ColumnArticleCorrection(CorrectionNote):
    page = ParentalKey(ColumnArticlePage, on_delete=models.CASCADE, related_name="corrections")
