"""Events (活动) and campaigns (专题) as Wagtail pages.

An event happens at a time in Asia/Shanghai (the site's time zone), whole days or from a start to
an end time, at a venue and/or online; a recurring event (an open day every Saturday in July) is
one page with a rule and exception dates, never a page per date. A campaign gathers pieces from
every programme in a date window: chosen by hand (ordered) and by tag, type and programme rule;
a campaign may hold waves, campaigns of their own inside its window.
"""

from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.core.blocks import BodyBlock
from cms.core.forms import KepuPageForm
from cms.core.search import ChineseSearchMixin
from cms.programmes.models import InProgramme, ProgrammePage
from cms.publish.protocol import Publishable

from . import when
from .forms import CampaignForm, EventForm

# The page types a campaign may gather (hand-picked or by rule).
PIECE_TYPES = ("stories.storypage", "columns.columnarticlepage", "resources.resourcepage", "events.eventpage")


class EventTag(TaggedItemBase):
    content_object = ParentalKey("events.EventPage", on_delete=models.CASCADE, related_name="tagged_items")


class EventIndexPage(Publishable, Page):
    """活动: a programme's events (its children), or under the home page every event of the site,
    upcoming first by start time, then 往期."""

    base_form_class = KepuPageForm

    introduction = models.TextField(_("导语"), blank=True, max_length=300)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["core.HomePage", "programmes.ProgrammePage"]
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("活动列表")
        verbose_name_plural = _("活动")

    export_depends_on = ("events.EventPage",)  # lists events by a query (cms.publish.protocol)

    def to_document(self, context):
        from .documents import event_index_document

        return event_index_document(self, context)

    def attachments(self, context):
        """Files beside the document (the publish seam asked for in the README): events.ics."""
        from .documents import event_index_attachments

        return event_index_attachments(self, context)


class EventPage(Publishable, InProgramme, ChineseSearchMixin, Page):
    """An event (活动): 报告会, 宣讲, 讲座, 开放日 …"""

    class Kind(models.TextChoices):
        REPORT = "report", _("报告会")
        TOUR = "tour", _("宣讲")
        LECTURE = "lecture", _("讲座")
        OPEN_DAY = "open_day", _("开放日")
        EXHIBITION = "exhibition", _("展览")
        STUDY = "study", _("科学教育/研学")
        CONTEST = "contest", _("比赛")
        PERFORMANCE = "performance", _("演出")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("如期举行")
        CANCELLED = "cancelled", _("已取消")
        POSTPONED = "postponed", _("延期（新时间待定）")
        RESCHEDULED = "rescheduled", _("已改期")
        MOVED_ONLINE = "moved_online", _("改为线上举行")

    class Repeat(models.TextChoices):
        NONE = "", _("不重复")
        DAILY = "daily", _("每天")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    kind = models.CharField(_("活动类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    status_note = models.CharField(
        _("状态说明"), max_length=200, blank=True,
        help_text=_("取消、延期或改期时告诉读者原因和后续安排，会醒目地显示在活动页顶部。"),
    )
    previous_start_date = models.DateField(
        _("原定日期"), null=True, blank=True, help_text=_("已改期的活动填写原定的开始日期。"),
    )
    summary = models.TextField(_("摘要"), max_length=300)

    all_day = models.BooleanField(_("全天"), default=False, help_text=_("全天活动只填日期，不填时间。"))
    start_date = models.DateField(_("开始日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True, help_text=_("北京时间。"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("当天结束的活动留空。"))
    end_time = models.TimeField(_("结束时间"), null=True, blank=True, help_text=_("北京时间。"))
    repeat = models.CharField(_("重复"), max_length=8, choices=Repeat.choices, blank=True, default="")
    repeat_until = models.DateField(
        _("重复截止日期"), null=True, blank=True, help_text=_("最后一次可能举办的日期（含）。"),
    )

    venue_name = models.CharField(_("场地"), max_length=100, blank=True, help_text=_("例如 中国科技会堂。"))
    venue_address = models.CharField(_("地址"), max_length=200, blank=True)
    city = models.CharField(_("城市"), max_length=30, blank=True, help_text=_("例如 北京、贵州平塘。"))
    province = models.CharField(_("省份"), max_length=30, blank=True, help_text=_("省、自治区、直辖市。"))

    organiser = models.ForeignKey(
        "core.Institute", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="organised_events",
    )
    co_organisers = ParentalManyToManyField(
        "core.Institute", verbose_name=_("协办单位"), blank=True, related_name="co_organised_events",
    )
    audiences = ParentalManyToManyField(
        "resources.Audience", verbose_name=_("面向"), blank=True, related_name="events",
    )

    registration_deadline = models.DateTimeField(_("报名截止时间"), null=True, blank=True)
    registration_url = models.URLField(_("报名链接"), blank=True)
    registration_instructions = models.TextField(
        _("报名方式"), blank=True, max_length=500, help_text=_("没有报名链接时，说明如何报名，例如发送邮件到哪里。"),
    )
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)

    body = StreamField(BodyBlock(), verbose_name=_("活动介绍"), blank=True)
    tags = ClusterTaggableManager(through=EventTag, blank=True, verbose_name=_("标签"))

    base_form_class = EventForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]), FieldPanel("status_note"),
             FieldPanel("previous_start_date")],
            heading=_("活动"),
        ),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("all_day"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
                FieldRowPanel([FieldPanel("repeat"), FieldPanel("repeat_until")]),
                InlinePanel("exceptions", label=_("不举办的日期")),
            ],
            heading=_("时间（北京时间）"),
        ),
        MultiFieldPanel(
            [FieldPanel("venue_name"), FieldPanel("venue_address"),
             FieldRowPanel([FieldPanel("city"), FieldPanel("province")])],
            heading=_("线下场地"),
        ),
        InlinePanel("streams", heading=_("线上平台"), label=_("平台")),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("co_organisers", widget=forms.CheckboxSelectMultiple),
             FieldPanel("audiences", widget=forms.CheckboxSelectMultiple)],
            heading=_("主办与面向"),
        ),
        MultiFieldPanel(
            [FieldPanel("registration_deadline"), FieldPanel("registration_url"),
             FieldPanel("registration_instructions"), FieldPanel("capacity")],
            heading=_("报名"),
        ),
        FieldPanel("body"),
        InlinePanel("speakers", heading=_("主讲人"), label=_("主讲人")),
        InlinePanel("materials", heading=_("活动资料"), label=_("资料")),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("venue_name"),
        index.SearchField("city"),
        index.FilterField("kind"),
        index.FilterField("start_date"),
        index.FilterField("city"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")

    @classmethod
    def can_create_at(cls, parent):
        """Only in a programme's 活动 (every piece belongs to a programme), not the site-wide list."""
        grandparent = parent.get_parent() if parent.pk else None
        return super().can_create_at(parent) and grandparent is not None and isinstance(
            grandparent.specific, ProgrammePage)

    def clean(self):
        super().clean()
        errors = when.problems(self)
        if self.status == self.Status.RESCHEDULED and not self.previous_start_date:
            errors.setdefault("previous_start_date", _("已改期的活动请填写原定日期。"))
        if self.venue_name and not self.city:
            errors.setdefault("city", _("填写了场地时，请同时填写所在城市。"))
        if self.registration_deadline and self.start_date and not self.all_day and self.start_time:
            if self.registration_deadline > when.start(self):
                errors.setdefault("registration_deadline", _("报名截止时间应早于活动开始时间。"))
        if errors:
            raise ValidationError(errors)

    # The event's time, as the rest of the app reads it (see when.py).
    def occurrences(self):
        return when.occurrences(self)

    export_prefetch = (
        "organiser", "co_organisers", "audiences", "tags", "streams", "exceptions",
        "speakers__story", "speakers__expert__public_pages", "materials__resource",
    )

    def to_document(self, context):
        from .documents import event_document

        return event_document(self, context)

    def attachments(self, context):
        """Files beside the document (the publish seam asked for in the README): <slug>.ics."""
        from .documents import event_attachments

        return event_attachments(self, context)


class EventException(Orderable):
    """A date on which a recurring event does not take place (EXDATE)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("例如 设备检修，暂停开放。"))

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("note")])]

    class Meta(Orderable.Meta):
        verbose_name = _("不举办的日期")


class EventStream(Orderable):
    """An online platform: where to watch live, and the replay afterwards."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="streams")
    platform = models.CharField(_("平台"), max_length=50, help_text=_("例如 中国科协官网、学习强国、哔哩哔哩。"))
    live_url = models.URLField(_("直播链接"), blank=True)
    replay_url = models.URLField(_("回放链接"), blank=True)

    panels = [FieldPanel("platform"), FieldRowPanel([FieldPanel("live_url"), FieldPanel("replay_url")])]

    class Meta(Orderable.Meta):
        verbose_name = _("线上平台")

    def clean(self):
        super().clean()
        if not (self.live_url or self.replay_url):
            raise ValidationError({"live_url": _("请填写直播链接或回放链接。")})


class EventSpeaker(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("姓名"), max_length=50, blank=True,
                            help_text=_("选择了科学家故事或公开的专家时可以留空。"))
    affiliation = models.CharField(_("单位与职务"), max_length=100, blank=True)
    story = models.ForeignKey(
        "stories.StoryPage", verbose_name=_("科学家故事"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    expert = models.ForeignKey(
        "factcheck.Expert", verbose_name=_("专家库中的专家"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="talks",
        help_text=_("公开的专家在活动页上链接到其专家页面；仅内部的专家不会显示姓名。"),
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("affiliation")]),
              PageChooserPanel("story", "stories.StoryPage"), FieldPanel("expert")]

    class Meta(Orderable.Meta):
        verbose_name = _("主讲人")

    @property
    def public_expert(self):
        """The expert from the directory, if they are public (an internal one never shows)."""
        return self.expert if self.expert is not None and self.expert.is_public else None

    @property
    def display_name(self):
        if self.name:
            return self.name
        if self.story:
            return self.story.scientist_name
        return self.public_expert.name if self.public_expert else ""

    def clean(self):
        super().clean()
        if not self.name and not self.story_id and not (self.expert and self.expert.is_public):
            raise ValidationError({"name": _("请填写主讲人姓名，或选择其科学家故事或公开的专家。")})


class EventMaterial(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="materials")
    resource = models.ForeignKey(
        "resources.ResourcePage", verbose_name=_("科普资源"), on_delete=models.CASCADE, related_name="+",
    )

    panels = [PageChooserPanel("resource", "resources.ResourcePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("活动资料")


def _piece_types():
    labels = [label.split(".") for label in PIECE_TYPES]
    return Q(*[Q(app_label=app, model=model) for app, model in labels], _connector=Q.OR)


class CampaignPage(Publishable, ChineseSearchMixin, Page):
    """A campaign (专题): a dated gathering of pieces and events across programmes; may hold waves."""

    base_form_class = CampaignForm

    theme = models.CharField(_("主题"), max_length=100, help_text=_("例如 弘扬科学家精神，涵养优良学风。"))
    organisers = ParentalManyToManyField(
        "core.Institute", verbose_name=_("主办单位"), blank=True, related_name="campaigns",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    peak_date = models.DateField(_("高潮日"), null=True, blank=True, help_text=_("例如 5月30日 全国科技工作者日。"))
    peak_label = models.CharField(_("高潮日名称"), max_length=50, blank=True)
    lead = models.TextField(_("导语"), max_length=500)
    banner = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("横幅图片"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    banner_alt = models.CharField(_("横幅替代文本"), max_length=200, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    rule_tags = ParentalManyToManyField(
        "taggit.Tag", verbose_name=_("按标签收录"), blank=True, related_name="+",
        help_text=_("自动收录带有任一所选标签的内容。"),
    )
    rule_types = ParentalManyToManyField(
        ContentType, verbose_name=_("按类型收录"), blank=True, related_name="+", limit_choices_to=_piece_types,
        help_text=_("只选类型不选标签时，收录该类型的全部内容。"),
    )
    rule_programmes = ParentalManyToManyField(
        "programmes.ProgrammePage", verbose_name=_("限定品牌项目"), blank=True, related_name="+",
        help_text=_("留空表示所有品牌项目。"),
    )
    rule_within_window = models.BooleanField(
        _("只收录专题期间的内容"), default=True,
        help_text=_("按规则收录时，只收录专题时间内发布的内容和举办的活动。"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("theme"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
             FieldRowPanel([FieldPanel("peak_date"), FieldPanel("peak_label")])],
            heading=_("时间"),
        ),
        FieldPanel("organisers", widget=forms.CheckboxSelectMultiple),
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("banner"), FieldPanel("banner_alt")], heading=_("横幅")),
        FieldPanel("body"),
        InlinePanel("pieces", heading=_("精选内容（按顺序）"), label=_("内容")),
        MultiFieldPanel(
            [FieldPanel("rule_tags"), FieldPanel("rule_types", widget=forms.CheckboxSelectMultiple),
             FieldPanel("rule_programmes", widget=forms.CheckboxSelectMultiple), FieldPanel("rule_within_window")],
            heading=_("自动收录规则"),
        ),
    ]

    search_fields = Page.search_fields + ChineseSearchMixin.search_fields + [
        index.SearchField("theme"),
        index.SearchField("lead"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]

    parent_page_types = ["core.HomePage", "events.CampaignPage"]
    subpage_types = ["events.CampaignPage"]

    class Meta:
        verbose_name = _("专题")
        verbose_name_plural = _("专题")

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于开始日期。")
        elif self.peak_date and self.start_date and self.end_date and not (
                self.start_date <= self.peak_date <= self.end_date):
            errors["peak_date"] = _("高潮日须在专题的开始和结束日期之间。")
        if self.banner_id and not self.banner_alt.strip():
            errors["banner_alt"] = _("已选择横幅图片，请填写替代文本，供读屏软件朗读。")
        if errors:
            raise ValidationError(errors)

    export_prefetch = ("organisers", "banner", "pieces__piece", "rule_tags", "rule_types", "rule_programmes")
    export_depends_on = (*PIECE_TYPES, "events.CampaignPage")  # its rule and waves are queries

    @classmethod
    def export_returning(cls, label, ids):
        """The campaigns that gather one of the pieces ``ids`` (a piece type's label), by hand or by their
        rule, or whose waves do (cms.publish.render.Changes); None for the campaigns themselves."""
        from .gathering import gathering

        if label == "events.CampaignPage":
            return None
        return gathering(apps.get_model(label), ids)

    def to_document(self, context):
        from .documents import campaign_document

        return campaign_document(self, context)


class CampaignPiece(Orderable):
    """A piece chosen by hand, in the editor's order."""

    page = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="pieces")
    piece = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("内容"), on_delete=models.CASCADE, related_name="+",
    )

    panels = [PageChooserPanel("piece", [label for label in PIECE_TYPES])]

    class Meta(Orderable.Meta):
        verbose_name = _("精选内容")
