from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.core.blocks import BodyBlock
from cms.core.corrections import CorrectionNote, Retractable, RetractionFormMixin
from cms.core.forms import KepuPageForm
from cms.core.search import ChineseSearchMixin
from cms.core.validators import validate_past_year
from cms.factcheck.authorship import ExpertAuthored
from cms.factcheck.emergency import UrgentPathMark
from cms.moderation.images import validate_portrait
from cms.programmes.models import InProgramme
from cms.publish.protocol import Publishable

from .documents import EXPORT_PREFETCH, story_document


class StoryTag(TaggedItemBase):
    content_object = ParentalKey("stories.StoryPage", on_delete=models.CASCADE, related_name="tagged_items")


class StoryForm(RetractionFormMixin, KepuPageForm):
    """Only a chief editor may retract a story (the reason is required by the model)."""


class StoryPage(Retractable, Publishable, InProgramme, ChineseSearchMixin, UrgentPathMark, ExpertAuthored, Page):
    """A scientist story (科学家故事): one scientist or team."""

    base_form_class = StoryForm
    listing_key = "stories"  # its parent's archive pages: <parent>/page/stories/<n>/

    scientist_name = models.CharField(
        _("科学家姓名"), max_length=50, help_text=_("故事主人公的姓名；团队故事填写团队名称。"),
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("肖像"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    portrait_alt = models.CharField(
        _("肖像替代文本"), max_length=200, blank=True,
        help_text=_("向看不到图片的读者描述肖像，例如“钱学森在实验室中的黑白照片”。有肖像时必填。"),
    )
    discipline = models.CharField(_("学科"), max_length=50, help_text=_("例如 力学、数学、地质学。"))
    institution = models.CharField(_("单位"), max_length=100, blank=True, help_text=_("主要工作单位。"))
    summary = models.TextField(
        _("摘要"), max_length=300, help_text=_("一两句话概括，出现在列表、搜索结果和分享卡片中，不超过 300 字。"),
    )
    body = StreamField(BodyBlock(), verbose_name=_("正文"))
    tags = ClusterTaggableManager(through=StoryTag, blank=True, verbose_name=_("标签"))

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("scientist_name"),
                FieldRowPanel([FieldPanel("discipline"), FieldPanel("institution")]),
                FieldPanel("portrait"),
                FieldPanel("portrait_alt"),
            ],
            heading=_("科学家"),
        ),
        InlinePanel("honours", heading=_("荣誉"), label=_("荣誉")),
        FieldPanel("summary"),
        *ExpertAuthored.expert_author_panels,
        FieldPanel("body"),
        InlinePanel("sources", heading=_("参考来源"), label=_("来源")),
        FieldPanel("tags"),
        InlinePanel("related_stories", heading=_("相关故事"), label=_("相关故事")),
        InlinePanel("corrections", heading=_("更正说明"), label=_("更正说明")),
    ] + Retractable.retraction_panels

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("scientist_name", boost=3),
        index.AutocompleteField("scientist_name"),
        index.SearchField("discipline"),
        index.SearchField("institution"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("discipline"),
    ]

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("科学家故事")
        verbose_name_plural = _("科学家故事")

    def clean(self):
        super().clean()
        if self.portrait_id and not self.portrait_alt.strip():
            raise ValidationError({"portrait_alt": _("已选择肖像，请填写替代文本，供读屏软件朗读。")})
        if self.portrait_id:
            try:
                validate_portrait(self.portrait)
            except ValidationError as error:
                raise ValidationError({"portrait": error}) from None

    export_prefetch = EXPORT_PREFETCH

    def to_document(self, context):
        return story_document(self, context)


class StoryHonour(Orderable):
    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("荣誉名称"), max_length=100, help_text=_("例如 最美科技工作者。"))
    year = models.IntegerField(_("年份"), validators=[validate_past_year])

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("year")])]

    class Meta(Orderable.Meta):
        verbose_name = _("荣誉")

    def __str__(self):
        return f"{self.title} {self.year}"


class StorySource(Orderable):
    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("来源名称"), max_length=200)
    url = models.URLField(_("网址"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("参考来源")


class StoryRelatedStory(Orderable):
    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="related_stories")
    story = models.ForeignKey(
        StoryPage, verbose_name=_("故事"), on_delete=models.CASCADE, related_name="+",
    )

    panels = [PageChooserPanel("story", "stories.StoryPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("相关故事")

    def clean(self):
        super().clean()
        if self.page_id and self.story_id == self.page_id:
            raise ValidationError({"story": _("故事不能与自身相关联。")})


class StoryCorrection(CorrectionNote):
    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="corrections")
