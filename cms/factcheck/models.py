"""Debunks (辟谣) with their reviewers from the expert directory (应急科普专家库), the 应急科普 hub
and the emergency flag a chief editor sets."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.core.blocks import BodyBlock
from cms.core.corrections import CorrectionNote, Retractable
from cms.core.search import ChineseSearchMixin
from cms.programmes.models import InProgramme
from cms.publish.protocol import Publishable

from .authorship import ExpertAuthored
from .documents import (
    DEBUNK_PREFETCH,
    debunk_document,
    debunk_index_document,
    debunk_listing_document,
    emergency_hub_document,
)
from .experts import expert_directory_document, expert_document
from .forms import DebunkForm, TrustPageForm
from .verdicts import Verdict


class Expert(ChineseSearchMixin, index.Indexed, models.Model):
    """A person in the expert directory. Contact data is for editors only and is never exported."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公开")
        INTERNAL = "internal", _("仅内部")

    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职称"), max_length=50, help_text=_("例如 研究员、教授、主任医师。"))
    institute = models.CharField(_("单位"), max_length=100)
    subjects = models.ManyToManyField("resources.Subject", verbose_name=_("专业领域"), blank=True,
                                      related_name="experts")
    bio = models.TextField(_("简介"), max_length=400, blank=True)
    photo = models.ForeignKey("wagtailimages.Image", verbose_name=_("照片"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    visibility = models.CharField(
        _("公开范围"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL,
        help_text=_("“公开”的专家在公众网站上显示姓名、职称、单位、领域、简介和照片；“仅内部”的专家只在后台可见。"),
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True, help_text=_("仅供编辑联系，绝不发布。"))
    email = models.EmailField(_("电子邮箱"), blank=True, help_text=_("仅供编辑联系，绝不发布。"))
    contact_note = models.TextField(_("联系备注"), blank=True, help_text=_("仅供编辑联系，绝不发布。"))
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=_("示例内容载入的虚构专家。"))

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("title")]),
        FieldPanel("institute"),
        FieldPanel("subjects"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("visibility"),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email"), FieldPanel("contact_note")],
                        heading=_("联系方式（仅内部，绝不发布）")),
        FieldPanel("is_sample"),
    ]

    search_fields = ChineseSearchMixin.search_fields + [
        index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("institute"),
        index.FilterField("visibility"),
    ]

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("应急科普专家库")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.title}，{self.institute}）"

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    @property
    def public_page(self):
        """The expert's page (ExpertPage), or None (an internal expert, or no 专家库 page yet)."""
        pages = list(self.public_pages.all())  # prefetched as ``…__public_pages`` by the pages linking to it
        return pages[0] if pages else None

    def public_card(self):
        """What the public site may show of this expert: never the contact fields."""
        return {"name": self.name, "title": self.title, "institute": self.institute,
                "fields": sorted(s.name for s in self.subjects.all()), "bio": " ".join(self.bio.split())}


class DebunkIndexPage(Publishable, InProgramme, Page):
    """A programme's 辟谣 section: its debunks, newest first. Pages under it follow the 应急科普
    workflow (screening + one chief editor's approval) unless an administrator assigns another."""

    base_form_class = TrustPageForm
    introduction = models.TextField(_("栏目介绍"), blank=True, max_length=300)
    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["programmes.ProgrammePage", "factcheck.EmergencyHubPage"]
    subpage_types = ["factcheck.DebunkPage"]

    class Meta:
        verbose_name = _("辟谣栏目")
        verbose_name_plural = _("辟谣栏目")

    export_depends_on = ("factcheck.DebunkPage",)  # lists debunks by a query (cms.publish.protocol)

    def to_document(self, context):
        return debunk_index_document(self, context)


class DebunkPage(Retractable, Publishable, InProgramme, ChineseSearchMixin, ExpertAuthored, Page):
    """A fact check: the claim as it circulates, a verdict on the fixed scale, the explanation,
    the evidence and the experts who reviewed it."""

    claim = models.TextField(_("流传说法"), max_length=500, help_text=_("照录网上流传的说法原文。"))
    claim_where = models.CharField(_("流传渠道"), max_length=200,
                                   help_text=_("在哪里看到的，例如 某短视频平台、微信群转发的文章。"))
    claim_url = models.URLField(_("流传出处链接"), blank=True, help_text=_("一个可公开访问的出处，可留空。"))
    claim_first_seen = models.DateField(_("最早发现日期"))
    claim_screenshot = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("流传截图"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    claim_screenshot_alt = models.CharField(_("截图替代文字"), max_length=200, blank=True,
                                            help_text=_("用文字说明截图内容，供读屏软件朗读。有截图时必填。"))
    verdict = models.CharField(_("核查结论"), max_length=10, choices=Verdict.choices)
    verdict_summary = models.CharField(_("一句话结论"), max_length=120)
    explanation = StreamField(BodyBlock(), verbose_name=_("解读"))
    last_reviewed = models.DateField(_("最近核查日期"))
    emergency = models.BooleanField(_("应急科普"), default=True,
                                    help_text=_("在应急科普专题页列出，并在页面上标明“应急科普”。"))

    base_form_class = DebunkForm

    content_panels = Page.content_panels + [
        MultiFieldPanel([
            FieldPanel("claim"),
            FieldRowPanel([FieldPanel("claim_where"), FieldPanel("claim_first_seen")]),
            FieldPanel("claim_url"),
            FieldRowPanel([FieldPanel("claim_screenshot"), FieldPanel("claim_screenshot_alt")]),
        ], heading=_("流传说法")),
        MultiFieldPanel([FieldPanel("verdict"), FieldPanel("verdict_summary")], heading=_("核查结论")),
        FieldPanel("explanation"),
        InlinePanel("sources", label=_("证据来源"), min_num=1),
        *ExpertAuthored.expert_author_panels,
        InlinePanel("reviewers", label=_("审核专家"), min_num=1),
        FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("emergency")]),
        InlinePanel("corrections", label=_("更正说明")),
    ] + Retractable.retraction_panels

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("claim"), index.SearchField("verdict_summary"), index.FilterField("verdict"),
    ]

    parent_page_types = ["factcheck.DebunkIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("辟谣")
        verbose_name_plural = _("辟谣")

    export_prefetch = DEBUNK_PREFETCH

    def clean(self):
        super().clean()
        if self.claim_screenshot_id and not self.claim_screenshot_alt.strip():
            raise ValidationError(
                {"claim_screenshot_alt": _("请用文字说明截图内容，看不到图片的读者才知道截图里写了什么。")})
        today = timezone.localdate()
        if self.claim_first_seen and self.claim_first_seen > today:
            raise ValidationError({"claim_first_seen": _("最早发现日期不能晚于今天。")})
        if self.claim_first_seen and self.last_reviewed and self.last_reviewed < self.claim_first_seen:
            raise ValidationError({"last_reviewed": _("最近核查日期不能早于最早发现日期。")})

    def to_document(self, context):
        return debunk_document(self, context)


class DebunkSource(Orderable):
    page = ParentalKey(DebunkPage, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("标题"), max_length=200)
    publisher = models.CharField(_("发布者"), max_length=100, help_text=_("期刊、机构或出版社。"))
    date = models.DateField(_("发布日期"), null=True, blank=True)
    url = models.URLField(_("链接"), blank=True)

    panels = [FieldPanel("title"), FieldRowPanel([FieldPanel("publisher"), FieldPanel("date")]), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("证据来源")


class DebunkReviewer(Orderable):
    page = ParentalKey(DebunkPage, on_delete=models.CASCADE, related_name="reviewers")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="reviews")

    panels = [FieldPanel("expert")]

    class Meta(Orderable.Meta):
        verbose_name = _("审核专家")


class DebunkCorrection(CorrectionNote):
    page = ParentalKey(DebunkPage, on_delete=models.CASCADE, related_name="corrections")


class HubPage(Publishable, Page):
    """A page of the 应急科普 hub: one of its kind, an introduction, and a list it renders itself."""

    base_form_class = TrustPageForm
    introduction = models.TextField(_("介绍"), blank=True, max_length=300)
    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["factcheck.EmergencyHubPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        abstract = True

    export_depends_on = ("factcheck.DebunkPage",)  # lists debunks by a query (cms.publish.protocol)


class DebunkListingPage(HubPage):
    """Every programme's debunks on one page, newest first (全部辟谣)."""

    class Meta:
        verbose_name = _("全部辟谣")
        verbose_name_plural = _("全部辟谣")

    def to_document(self, context):
        return debunk_listing_document(self, context)


class EmergencyHubPage(HubPage):
    """应急科普: every 应急科普 piece, newest first; the page the emergency banner links to. It holds
    the list of all debunks, the public expert directory and 辟谣 sections not tied to a programme."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["factcheck.DebunkListingPage", "factcheck.ExpertDirectoryPage", "factcheck.DebunkIndexPage"]

    class Meta:
        verbose_name = _("应急科普专题")
        verbose_name_plural = _("应急科普专题")

    # lists debunks and the stories approved through 应急科普 by a query (cms.publish.protocol)
    export_depends_on = ("factcheck.DebunkPage", "factcheck.DebunkIndexPage", "factcheck.DebunkListingPage",
                         "factcheck.ExpertDirectoryPage", "stories.StoryPage")

    @classmethod
    def export_returning(cls, label, ids):
        """Of the stories ``ids``, the hub lists those approved through 应急科普: every hub when one of
        them was (cms.publish.render.Changes); None for the other types it lists."""
        from cms.stories.models import StoryPage

        if apps.get_model(label) is not StoryPage:
            return None
        if not StoryPage._base_manager.filter(pk__in=ids, through_urgent_path=True).exists():
            return set()
        return set(cls.objects.values_list("pk", flat=True))

    def to_document(self, context):
        return emergency_hub_document(self, context)


class ExpertDirectoryPage(HubPage):
    """The public face of the expert directory: public experts only, each linking to their page."""

    subpage_types = ["factcheck.ExpertPage"]

    class Meta:
        verbose_name = _("专家库页面")
        verbose_name_plural = _("专家库页面")

    export_depends_on = ("factcheck.DebunkPage", "factcheck.Expert")

    def to_document(self, context):
        return expert_directory_document(self, context)


class ExpertPage(Publishable, Page):
    """A public expert's page: who they are and what they wrote, reviewed or spoke at. Made, kept up to date
    and removed with the expert (signals.py): nobody creates or edits one by hand, and an expert who
    is not public has none."""

    # One page per expert (the constraint below). A foreign key rather than a one-to-one field: the
    # expert's pages are a manager that the pieces linking to them prefetch (``public_pages``),
    # empty for an internal expert, where a one-to-one's missing page raises on reading.
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), null=True, on_delete=models.SET_NULL,
                               related_name="public_pages")

    content_panels = [FieldPanel("expert", read_only=True)]
    promote_panels = []
    parent_page_types = ["factcheck.ExpertDirectoryPage"]
    subpage_types = []
    is_creatable = False

    class Meta:
        verbose_name = _("专家页面")
        verbose_name_plural = _("专家页面")
        constraints = [models.UniqueConstraint(fields=["expert"], name="factcheck_one_page_per_expert")]

    # lists what the expert wrote, reviewed or spoke at by a query (cms.publish.protocol)
    export_depends_on = ("factcheck.DebunkPage", "events.EventPage", "factcheck.Expert", "stories.StoryPage",
                         "columns.ColumnArticlePage")

    @classmethod
    def export_returning(cls, label, ids):
        """The pages of the experts who wrote, reviewed or spoke at one of the pages ``ids``
        (cms.publish.render.Changes); None for the directory itself (``factcheck.Expert``)."""
        from .experts import expert_pages_returning

        return expert_pages_returning(apps.get_model(label), ids)

    def to_document(self, context):
        return expert_document(self, context)


class EmergencyAlert(models.Model):
    """An emergency a chief editor flags: while it is on and before its end time, the home page
    shows a banner linking to ``page`` (the 应急科普 hub or one piece). The scheduler turns it off
    at ``ends_at`` without anyone editing."""

    headline = models.CharField(_("横幅文字"), max_length=60, help_text=_("例如：台风“海燕”防灾避险科普。"))
    page = models.ForeignKey(Page, verbose_name=_("链接到"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("应急科普专题页或其中一篇。"))
    active = models.BooleanField(_("正在生效"), default=True)
    ends_at = models.DateTimeField(_("结束时间"), help_text=_("到时自动撤下首页横幅。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    panels = [FieldPanel("headline"), FieldPanel("page"), FieldPanel("ends_at"), FieldPanel("active")]

    class Meta:
        verbose_name = _("应急状态")
        verbose_name_plural = _("应急状态")
        ordering = ["-ends_at", "-pk"]

    def __str__(self):
        return self.headline

    def clean(self):
        super().clean()
        if self.active and self.ends_at and self.ends_at <= timezone.now():
            raise ValidationError({"ends_at": _("结束时间必须晚于现在，否则横幅不会显示。")})
