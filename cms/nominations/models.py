"""A selection (评选) like 最美科技工作者: the call, its nominating units and quotas, the nominations
with their materials, the rounds of expert scoring, objections during 公示, and the 公示 page.

A nomination moves forward by ``reached_round`` (1 = in the first round; advancing from round n
sets n + 1), then ``shortlisted`` (advanced from the last round: on the 公示 page), then ``winner``
(confirmed by the chief editor after 公示), and finally ``story`` (its draft scientist story).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from cms.core.forms import KepuPageForm
from cms.programmes.models import InProgramme
from cms.publish.protocol import Publishable

from .documents import notice_document

MB = 1024 * 1024


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省级科协")
    SOCIETY = "society", _("全国学会")
    CENTRAL = "central", _("中央单位")
    INSTITUTE = "institute", _("科研机构")


class Call(ClusterableModel):
    """A call for nominations (评选活动)."""

    title = models.CharField(_("名称"), max_length=100, unique=True)
    honour = models.CharField(_("荣誉称号"), max_length=50, help_text=_("获选者得到的称号，例如 最美科技工作者。"))
    honour_year = models.PositiveSmallIntegerField(_("荣誉年份"), validators=[MinValueValidator(1949)])
    rules = models.TextField(_("评选规则"), help_text=_("推荐条件、程序和要求，推荐单位填写时可以看到。"))
    opens_at = models.DateTimeField(_("开始推荐时间"), help_text=_("北京时间。"))
    closes_at = models.DateTimeField(_("截止推荐时间"), help_text=_("北京时间。截止后不再接受推荐。"))
    deeds_min_chars = models.PositiveIntegerField(
        _("事迹材料最少字数"), default=300, help_text=_("事迹材料必填，少于这个字数不能提交。"),
    )
    require_recommendation = models.BooleanField(_("必须填写推荐意见"), default=True)
    photo_min = models.PositiveSmallIntegerField(_("照片最少张数"), default=3)
    photo_max = models.PositiveSmallIntegerField(_("照片最多张数"), default=5)
    photo_min_bytes = models.PositiveIntegerField(
        _("每张照片最小字节数"), default=2 * MB, help_text=_("例如 2 MB = 2097152 字节。"),
    )
    photo_extensions = models.CharField(
        _("照片格式（扩展名）"), max_length=50, default="jpg",
        help_text=_("以逗号分隔，例如 jpg。jpg 也接受 .jpeg。"),
    )
    attachments_min = models.PositiveSmallIntegerField(_("附件最少份数"), default=0)
    attachments_max = models.PositiveSmallIntegerField(_("附件最多份数"), default=3)
    notice_starts_at = models.DateTimeField(_("公示开始时间"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("公示结束时间"), null=True, blank=True)
    objection_instructions = models.TextField(
        _("异议受理方式"), blank=True,
        help_text=_("公示页上告诉公众如何提出异议：受理单位、电话、邮箱、地址和要求。"),
    )
    story_programme = models.ForeignKey(
        "programmes.ProgrammePage", verbose_name=_("获选者故事所在品牌项目"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    campaign = models.ForeignKey(
        "events.CampaignPage", verbose_name=_("集中宣传专题"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("确认获选者时生成的专题草稿，汇集获选者的故事。"),
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("honour"), FieldPanel("honour_year")]),
        FieldPanel("rules"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        InlinePanel("units", heading=_("推荐单位与名额"), label=_("推荐单位")),
        InlinePanel("kind_quotas", heading=_("按类型的名额"), label=_("名额")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("deeds_min_chars"), FieldPanel("require_recommendation")]),
                FieldRowPanel([FieldPanel("photo_min"), FieldPanel("photo_max")]),
                FieldRowPanel([FieldPanel("photo_min_bytes"), FieldPanel("photo_extensions")]),
                FieldRowPanel([FieldPanel("attachments_min"), FieldPanel("attachments_max")]),
            ],
            heading=_("推荐材料要求"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("notice_starts_at"), FieldPanel("notice_ends_at")]),
             FieldPanel("objection_instructions")],
            heading=_("公示"),
        ),
        FieldPanel("story_programme"),
    ]

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("截止时间必须晚于开始时间。")
        if self.photo_max < self.photo_min:
            errors["photo_max"] = _("照片最多张数不能少于最少张数。")
        if self.attachments_max < self.attachments_min:
            errors["attachments_max"] = _("附件最多份数不能少于最少份数。")
        if self.notice_starts_at and self.notice_ends_at and self.notice_ends_at <= self.notice_starts_at:
            errors["notice_ends_at"] = _("公示结束时间必须晚于开始时间。")
        if bool(self.notice_starts_at) != bool(self.notice_ends_at):
            errors["notice_ends_at"] = _("公示开始和结束时间要么都填，要么都不填。")
        if errors:
            raise ValidationError(errors)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def notice_over(self, now=None):
        now = now or timezone.now()
        return self.notice_ends_at is not None and now >= self.notice_ends_at

    @property
    def extensions(self):
        names = {e.strip().lower().lstrip(".") for e in self.photo_extensions.split(",") if e.strip()}
        if "jpg" in names:
            names.add("jpeg")
        return names

    def quota_for(self, unit):
        """The unit's own quota, else the quota for its kind, else None (no limit)."""
        if unit.quota is not None:
            return unit.quota
        by_kind = self.kind_quotas.filter(kind=unit.kind).first()
        return by_kind.quota if by_kind else None

    def last_round(self):
        return self.rounds.order_by("-number").first()


class KindQuota(Orderable):
    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="kind_quotas")
    kind = models.CharField(_("单位类型"), max_length=16, choices=UnitKind.choices)
    quota = models.PositiveSmallIntegerField(_("每个单位不超过（名）"))

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("quota")])]

    class Meta(Orderable.Meta):
        verbose_name = _("按类型的名额")
        constraints = [models.UniqueConstraint(fields=["call", "kind"], name="nominations_one_quota_per_kind")]


class NominatingUnit(Orderable):
    """A unit that may nominate in a call: an institute (机构) with a kind and, optionally, its own quota.
    The institute's contributors submit the unit's nominations."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="units")
    institute = models.ForeignKey(
        "core.Institute", verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="nominating_units",
    )
    kind = models.CharField(_("单位类型"), max_length=16, choices=UnitKind.choices)
    quota = models.PositiveSmallIntegerField(
        _("名额"), null=True, blank=True, help_text=_("留空则按单位类型的名额。"),
    )

    panels = [FieldRowPanel([FieldPanel("institute"), FieldPanel("kind"), FieldPanel("quota")])]

    class Meta(Orderable.Meta):
        verbose_name = _("推荐单位")
        verbose_name_plural = _("推荐单位")
        constraints = [models.UniqueConstraint(fields=["call", "institute"], name="nominations_unit_once_per_call")]

    def __str__(self):
        return f"{self.institute}（{self.call}）"


class Round(ClusterableModel):
    """A round of expert review (评审轮次) with its experts, chair and scoring criteria."""

    call = models.ForeignKey(Call, verbose_name=_("评选活动"), on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"), validators=[MinValueValidator(1)])
    name = models.CharField(_("名称"), max_length=50, help_text=_("例如 初评、终评。"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审组长"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="chaired_rounds",
        help_text=_("查看排名并决定进入下一轮的人选；主编也可以。"),
    )
    experts = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), related_name="review_rounds", blank=True,
    )

    panels = [
        FieldPanel("call"),
        FieldRowPanel([FieldPanel("number"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("chair"),
        FieldPanel("experts"),
        InlinePanel("criteria", heading=_("评分标准"), label=_("评分项"), min_num=1),
    ]

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="nominations_round_number_once")]

    def __str__(self):
        return f"{self.call} · 第{self.number}轮 {self.name}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})

    def nominations(self):
        return self.call.nominations.filter(reached_round__gte=self.number)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def may_chair(self, user):
        from cms.moderation.roles import CHIEF_EDITOR

        return user.is_superuser or user.pk == self.chair_id or user.groups.filter(name=CHIEF_EDITOR).exists()


class Criterion(Orderable):
    round = ParentalKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=50)
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(_("满分"), default=100, validators=[MinValueValidator(1)])

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("weight"), FieldPanel("max_score")])]

    class Meta(Orderable.Meta):
        verbose_name = _("评分项")

    def __str__(self):
        return self.name


class Nomination(models.Model):
    """A nomination (推荐) by a unit, with its materials."""

    call = models.ForeignKey(Call, verbose_name=_("评选活动"), on_delete=models.PROTECT, related_name="nominations")
    unit = models.ForeignKey(
        NominatingUnit, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="nominations",
    )
    nominee_name = models.CharField(_("被推荐人姓名"), max_length=30)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    discipline = models.CharField(_("学科领域"), max_length=50)
    deeds = models.TextField(_("事迹材料"), help_text=_("主要事迹，将作为获选者科学家故事的初稿。"))
    recommendation = models.TextField(_("推荐意见"), blank=True)
    is_sample = models.BooleanField(_("示例"), default=False, editable=False)
    reached_round = models.PositiveSmallIntegerField(_("所处轮次"), default=1, editable=False)
    shortlisted = models.BooleanField(_("入围公示"), default=False, editable=False)
    winner = models.BooleanField(_("获选"), default=False, editable=False)
    story = models.ForeignKey(
        "stories.StoryPage", verbose_name=_("科学家故事"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["call", "unit", "pk"]

    def __str__(self):
        return f"{self.nominee_name}（{self.unit.institute}）"

    @property
    def stage(self):
        if self.story_id:
            return _("已生成故事草稿")
        if self.winner:
            return _("获选")
        if self.shortlisted:
            return _("入围公示")
        return _("第%(n)s轮") % {"n": self.reached_round}


class NominationPhoto(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("照片"), on_delete=models.PROTECT,
                              related_name="+")
    original_name = models.CharField(_("原文件名"), max_length=255)
    original_size = models.PositiveIntegerField(_("原文件大小"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("照片")

    def __str__(self):
        return self.original_name


class NominationAttachment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", verbose_name=_("附件"), on_delete=models.PROTECT,
                                 related_name="+")
    original_name = models.CharField(_("原文件名"), max_length=255)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("附件")

    def __str__(self):
        return self.original_name


class ConflictOfInterest(models.Model):
    """An expert's declared conflict of interest: they do not score that nomination in that round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="conflicts")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("回避理由"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("利益冲突声明")
        constraints = [models.UniqueConstraint(fields=["round", "nomination", "expert"], name="nominations_coi_once")]

    def __str__(self):
        return f"{self.expert} 回避 {self.nomination.nominee_name}"


class Score(models.Model):
    """One expert's score of one nomination in one round: a value per criterion and their weighted mean."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(_("各项得分"), default=dict)
    weighted = models.DecimalField(_("加权得分"), max_digits=7, decimal_places=2)
    comment = models.TextField(_("评语"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["round", "nomination", "expert"], name="nominations_score_once")]

    def __str__(self):
        return f"{self.expert} → {self.nomination.nominee_name}：{self.weighted}"


class Objection(models.Model):
    """An objection received during 公示. Recorded in the admin only, never public."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("被异议的推荐"), on_delete=models.CASCADE, related_name="objections",
        limit_choices_to={"shortlisted": True},
    )
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    objector = models.CharField(_("异议人"), max_length=50, help_text=_("实名异议人的姓名或单位。"))
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    content = models.TextField(_("异议内容"))
    handling = models.TextField(_("核查与处理意见"), blank=True)
    upheld = models.BooleanField(_("异议成立"), default=False)

    panels = [
        FieldPanel("nomination"),
        FieldRowPanel([FieldPanel("received_at"), FieldPanel("objector"), FieldPanel("contact")]),
        FieldPanel("content"),
        FieldPanel("handling"),
        FieldPanel("upheld"),
    ]

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.objector}：{self.nomination.nominee_name}"


class NoticePage(Publishable, InProgramme, Page):
    """The 公示 page: the shortlist of a call, public from the start to the end of the 公示 period.

    Its go-live and expiry times are the call's 公示 period (set when it is saved), so Wagtail's
    scheduled publishing (manage.py run_scheduler) puts it online and takes it down on time.
    """

    base_form_class = KepuPageForm

    call = models.ForeignKey(Call, verbose_name=_("评选活动"), on_delete=models.PROTECT, related_name="notice_pages")
    introduction = models.TextField(
        _("公示说明"), help_text=_("例如：经推荐单位推荐、专家评审，现将入围名单予以公示。"),
    )

    content_panels = Page.content_panels + [FieldPanel("call"), FieldPanel("introduction")]

    parent_page_types = ["programmes.ProgrammePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("评选公示")
        verbose_name_plural = _("评选公示")

    def clean(self):
        super().clean()
        call = getattr(self, "call", None) if self.call_id else None
        if call is not None and not (call.notice_starts_at and call.notice_ends_at):
            raise ValidationError({"call": _("这个评选活动还没有设定公示期，请先在评选活动中填写公示开始和结束时间。")})
        if call is not None:  # online for the 公示 period only: Wagtail's scheduled publishing does the rest
            self.go_live_at, self.expire_at = call.notice_starts_at, call.notice_ends_at

    export_prefetch = ("call",)

    def to_document(self, context):
        return notice_document(self, context)

