from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.core.blocks import BodyBlock
from cms.core.corrections import CorrectionNote, Retractable, RetractionFormMixin
from cms.core.forms import KepuPageForm
from cms.core.search import ChineseSearchMixin
from cms.programmes.models import InProgramme
from cms.publish.protocol import Publishable

from .documents import EXPORT_PREFETCH, contribution_area_document, resource_document


class Audience(models.Model):
    """Who a resource is for. The four audiences are created by a migration."""

    slug = models.SlugField(_("代码"), unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("受众")
        verbose_name_plural = _("受众")
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class Subject(index.Indexed, models.Model):
    """A subject (学科主题) from the managed vocabulary. Registered as a snippet."""

    name = models.CharField(_("名称"), max_length=30, unique=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("学科主题")
        verbose_name_plural = _("学科主题")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ResourceTag(TaggedItemBase):
    content_object = ParentalKey("resources.ResourcePage", on_delete=models.CASCADE, related_name="tagged_items")


class ResourceForm(RetractionFormMixin, KepuPageForm):
    """A resource must give readers something: a file, a link or an embed. Only a chief editor
    may retract one.

    In an institute's contribution area the contributing institute is that institute.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self._contribution_area()
        if area is not None and "institute" in self.fields and not self.instance.institute_id:
            self.initial["institute"] = area.institute_id

    def _contribution_area(self):
        parent = self.parent_page if self.instance._state.adding else self.instance.get_parent()
        parent = parent.specific if parent is not None else None
        return parent if isinstance(parent, ContributionAreaPage) else None

    def clean(self):
        cleaned_data = super().clean()
        area = self._contribution_area()
        institute = cleaned_data.get("institute")
        if area is not None and institute is not None and institute.pk != area.institute_id:
            self.add_error("institute", _("在“%(area)s”中投稿，贡献机构只能是“%(institute)s”。")
                           % {"area": area.title, "institute": area.institute})
        # The inline rows are validated after the page's own fields (ClusterForm.is_valid): validate
        # them now to see the files (is_valid keeps its result; the form asks again later).
        files = self.formsets.get("files")
        has_file = files is not None and files.is_valid() and any(
            form.cleaned_data.get("document") and not form.cleaned_data.get("DELETE")
            for form in files.forms
            if hasattr(form, "cleaned_data")
        )
        if not (has_file or cleaned_data.get("external_url") or cleaned_data.get("embed_url")):
            self.add_error(
                "external_url",
                _("请至少提供一项：上传文件、外部链接或嵌入地址，读者才能获取这份资源。"),
            )
        return cleaned_data


class ResourcePage(Retractable, Publishable, InProgramme, ChineseSearchMixin, Page):
    """A popularisation resource (科普资源)."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("视频")
        AUDIO = "audio", _("音频")
        BOOK = "book", _("图书")
        COURSEWARE = "courseware", _("课件")
        LECTURE = "lecture", _("讲座")
        EXHIBITION = "exhibition", _("展览")
        OPEN_DAY = "open_day", _("开放日")
        SCIENCE_BASE = "science_base", _("科普基地")
        ARTICLE = "article", _("文章")

    class Licence(models.TextChoices):
        CC_BY = "cc-by-4.0", _("署名 CC BY 4.0")
        CC_BY_SA = "cc-by-sa-4.0", _("署名-相同方式共享 CC BY-SA 4.0")
        CC_BY_NC = "cc-by-nc-4.0", _("署名-非商业性使用 CC BY-NC 4.0")
        CC_BY_NC_SA = "cc-by-nc-sa-4.0", _("署名-非商业性使用-相同方式共享 CC BY-NC-SA 4.0")
        CC_BY_ND = "cc-by-nd-4.0", _("署名-禁止演绎 CC BY-ND 4.0")
        CC0 = "cc0-1.0", _("公共领域贡献 CC0 1.0")
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("保留所有权利")

    kind = models.CharField(_("资源类型"), max_length=16, choices=Kind.choices)
    audiences = ParentalManyToManyField(Audience, verbose_name=_("受众"), related_name="resources")
    subjects = ParentalManyToManyField(Subject, verbose_name=_("学科主题"), blank=True, related_name="resources")
    institute = models.ForeignKey(
        "core.Institute", verbose_name=_("贡献机构"), null=True, blank=False,
        on_delete=models.PROTECT, related_name="resources",
    )
    licence = models.CharField(
        _("许可协议"), max_length=24, choices=Licence.choices, blank=True,
        help_text=_("资源的使用许可。未选择许可的资源不能通过审核。"),
    )
    summary = models.TextField(_("摘要"), max_length=300)
    body = StreamField(BodyBlock(), verbose_name=_("介绍"), blank=True)
    external_url = models.URLField(_("外部链接"), blank=True, help_text=_("资源在机构网站上的地址。"))
    embed_url = models.URLField(
        _("嵌入地址"), blank=True,
        help_text=_("视频或音频播放页的地址。公众网站不嵌入播放器，只显示指向这个地址的链接。"),
    )
    length = models.CharField(
        _("时长或篇幅"), max_length=50, blank=True, help_text=_("例如 45 分钟、320 页、展期三个月。"),
    )
    tags = ClusterTaggableManager(through=ResourceTag, blank=True, verbose_name=_("标签"))

    base_form_class = ResourceForm
    listing_key = "resources"  # its parent's archive pages: <parent>/page/resources/<n>/

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("length")]),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("subjects", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("institute"), FieldPanel("licence")]),
            ],
            heading=_("资源信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [InlinePanel("files", label=_("文件")), FieldPanel("external_url"), FieldPanel("embed_url")],
            heading=_("获取方式"),
        ),
        FieldPanel("tags"),
        InlinePanel("corrections", heading=_("更正说明"), label=_("更正说明")),
    ] + Retractable.retraction_panels

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("institute", [index.SearchField("name")]),
        index.FilterField("kind"),
        index.FilterField("licence"),
        index.FilterField("institute"),
    ]

    parent_page_types = ["programmes.ProgrammePage", "resources.ContributionAreaPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("科普资源")
        verbose_name_plural = _("科普资源")

    export_prefetch = EXPORT_PREFETCH

    def to_document(self, context):
        return resource_document(self, context)


class ResourceFile(Orderable):
    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.CASCADE, related_name="+",
    )
    title = models.CharField(_("显示名称"), max_length=100, blank=True, help_text=_("留空则使用文件标题。"))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("资源文件")


class ResourceCorrection(CorrectionNote):
    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="corrections")


class ContributionAreaPage(Publishable, InProgramme, Page):
    """An institute's contribution area (机构投稿区) under a programme.

    Contributors of that institute may add and edit resources here and nowhere else; what
    they submit goes through the 机构投稿审核 workflow (see cms/moderation/roles.py).
    """

    base_form_class = KepuPageForm

    institute = models.ForeignKey(
        "core.Institute", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="contribution_areas",
    )
    guidelines = models.TextField(
        _("投稿须知"), blank=True, help_text=_("给本机构投稿人看的说明，例如选题范围和文件要求。"),
    )

    content_panels = Page.content_panels + [FieldPanel("institute"), FieldPanel("guidelines")]

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = ["resources.ResourcePage"]

    export_prefetch = ("institute",)

    def to_document(self, context):
        return contribution_area_document(self, context)

    class Meta:
        verbose_name = _("机构投稿区")
        verbose_name_plural = _("机构投稿区")
