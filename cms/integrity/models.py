"""Integrity and policy documents (学风建设文件) and the public 学风建设 section that lists them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.core.corrections import CorrectionNote, Retractable
from cms.core.search import ChineseSearchMixin
from cms.publish.protocol import Publishable

from .documents import EXPORT_PREFETCH, integrity_document, integrity_section_document
from .forms import IntegrityDocumentForm, IntegritySectionForm


class IntegrityDocumentPage(Retractable, Publishable, ChineseSearchMixin, Page):
    """A document issued by an organisation: 自律公约, 职业道德准则, 评价规范, 通知, 处理结果通报."""

    class Kind(models.TextChoices):
        CONVENTION = "convention", _("自律公约")
        ETHICS = "ethics", _("职业道德准则")
        EVALUATION = "evaluation", _("评价规范")
        NOTICE = "notice", _("通知")
        CASE = "case", _("处理结果通报")

    class Validity(models.TextChoices):
        VALID = "valid", _("有效")
        REVISED = "revised", _("已修订")
        REPEALED = "repealed", _("已废止")

    kind = models.CharField(_("文件类型"), max_length=12, choices=Kind.choices)
    issuing_body = models.CharField(_("发布机构"), max_length=200, blank=True,
                                    help_text=_("印发文件的机构或学会；多个机构联合印发时用顿号分隔。"))
    number = models.CharField(_("文号"), max_length=60, blank=True, help_text=_("例如 国科办督〔2023〕90号。"))
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    effective_date = models.DateField(_("施行日期"), null=True, blank=True)
    validity = models.CharField(_("效力"), max_length=10, choices=Validity.choices, default=Validity.VALID)
    replaced_by = models.ForeignKey(
        "integrity.IntegrityDocumentPage", verbose_name=_("替代文件"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="replaces",
        help_text=_("已修订或已废止的文件，链接到取代它的文件。"),
    )
    summary = models.TextField(_("摘要"), max_length=300)
    body = RichTextField(_("正文"), blank=True)
    original_file = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("原件"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("印发的原始文件（PDF 等）。"),
    )
    named_persons = models.CharField(
        _("当事人姓名"), max_length=200, blank=True,
        help_text=_("仅处理结果通报，可留空。填写后须由主编确认才会公开。"),
    )
    names_confirmed = models.BooleanField(
        _("主编已确认公开当事人姓名"), default=False,
        help_text=_("只有主编可以勾选。修改姓名后需要重新确认。"),
    )

    base_form_class = IntegrityDocumentForm

    content_panels = Page.content_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("kind"), FieldPanel("validity")]),
            FieldRowPanel([FieldPanel("issuing_body"), FieldPanel("number")]),
            FieldRowPanel([FieldPanel("issue_date"), FieldPanel("effective_date")]),
            PageChooserPanel("replaced_by", "integrity.IntegrityDocumentPage"),
        ], heading=_("文件信息")),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("original_file"),
        MultiFieldPanel([FieldPanel("named_persons"), FieldPanel("names_confirmed")],
                        heading=_("当事人（处理结果通报）")),
        InlinePanel("corrections", label=_("更正说明")),
    ] + Retractable.retraction_panels

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("summary"), index.SearchField("body"), index.SearchField("number"),
        index.SearchField("issuing_body"), index.FilterField("kind"), index.FilterField("validity"),
    ]

    parent_page_types = ["integrity.IntegritySectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("学风建设文件")
        verbose_name_plural = _("学风建设文件")

    export_prefetch = EXPORT_PREFETCH

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.CASE:
            if not self.issuing_body.strip():
                errors["issuing_body"] = _("处理结果通报必须写明发布机构。")
            if not self.number.strip():
                errors["number"] = _("处理结果通报必须写明文号。")
            if self.issue_date is None:
                errors["issue_date"] = _("处理结果通报必须写明印发日期。")
        elif self.named_persons.strip():
            errors["named_persons"] = _("只有处理结果通报可以填写当事人姓名。")
        if self.validity == self.Validity.REVISED and self.replaced_by_id is None:
            errors["replaced_by"] = _("已修订的文件请选择修订后的新文件。")
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors["replaced_by"] = _("替代文件不能是它自己。")
        if self.issue_date and self.effective_date and self.effective_date < self.issue_date:
            errors["effective_date"] = _("施行日期不能早于印发日期。")
        if errors:
            raise ValidationError(errors)

    def to_document(self, context):
        return integrity_document(self, context)


class IntegrityCorrection(CorrectionNote):
    page = ParentalKey(IntegrityDocumentPage, on_delete=models.CASCADE, related_name="corrections")


class IntegritySectionPage(Publishable, Page):
    """学风建设: the documents in force, filterable by issuing body, kind and validity; 案例警示
    (the case notices); 已废止 documents marked and kept out of the default list."""

    base_form_class = IntegritySectionForm
    introduction = models.TextField(_("介绍"), blank=True, max_length=400)
    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["core.HomePage"]
    subpage_types = ["integrity.IntegrityDocumentPage"]
    max_count = 1

    class Meta:
        verbose_name = _("学风建设栏目")
        verbose_name_plural = _("学风建设栏目")

    export_depends_on = ("integrity.IntegrityDocumentPage",)  # lists them by a query (cms.publish.protocol)

    def to_document(self, context):
        return integrity_section_document(self, context)
