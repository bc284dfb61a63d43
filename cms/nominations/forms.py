"""The nomination form: refusals in Chinese, and everything typed re-shown when refused.

Browsers never re-fill a file input, so a refused form asks for the photos and attachments again
(and says so); every text field keeps what was typed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .materials import check_photo_names, clean_attachments, clean_photos
from .models import MB, NominatingUnit, Nomination
from .permissions import units_for


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def local_minute(moment):
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M")


def rules_of(calls):
    """The rules and material requirements of the calls a unit may nominate for, for the form's help text."""
    return "\n".join(
        _("“%(call)s”评选规则：%(rules)s 材料要求：事迹材料不少于 %(chars)s 字；照片 %(min)s—%(max)s 张（%(ext)s，"
          "每张不小于 %(mb)s MB，按“姓名+序号”命名）；附件 %(amin)s—%(amax)s 份。")
        % {"call": call, "rules": call.rules.strip(), "chars": call.deeds_min_chars, "min": call.photo_min,
           "max": call.photo_max, "ext": call.photo_extensions, "mb": f"{call.photo_min_bytes / MB:g}",
           "amin": call.attachments_min, "amax": call.attachments_max}
        for call in sorted(calls, key=lambda call: call.closes_at)
    )


class NominationForm(WagtailAdminModelForm):
    photos = MultipleFileField(
        label=gettext_lazy("照片"), required=False,
        help_text=gettext_lazy(
            "按评选要求的张数一次选择全部照片，文件名为“姓名+序号”，例如 张三1.jpg。修改推荐时不选则保留原有照片。"
        ),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("附件"), required=False,
        help_text=gettext_lazy("推荐表等附件（PDF、Word 等）。修改推荐时不选则保留原有附件。"),
    )

    class Meta:
        model = Nomination
        fields = ["unit", "nominee_name", "work_unit", "discipline", "deeds", "recommendation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        now = timezone.now()
        # Calls that have closed stay choosable, so that a late submission hears why it is refused.
        units = NominatingUnit.objects.select_related("call", "institute").order_by("-call__closes_at", "pk")
        if "unit" in self.fields:
            self.fields["unit"].queryset = units_for(user, units) if user is not None else units.none()
            self.fields["unit"].label_from_instance = lambda unit: f"{unit.call} · {unit.institute}" + (
                "" if unit.call.is_open(now) else _("（不在推荐时间内）"))
            self.fields["unit"].empty_label = _("请选择评选活动和推荐单位")
            self.fields["unit"].help_text = rules_of(
                {unit.call for unit in self.fields["unit"].queryset if unit.call.is_open(now)})
        self.photos_to_save = None
        self.attachments_to_save = None

    # -- the rules of the call -------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is None:
            return cleaned
        call = unit.call
        now = timezone.now()
        if now < call.opens_at:
            raise ValidationError(_("“%(call)s”将于 %(at)s 开始接受推荐，现在还不能提交。")
                                  % {"call": call, "at": local_minute(call.opens_at)}, code="not_open")
        if now >= call.closes_at:
            raise ValidationError(_("“%(call)s”的推荐已于 %(at)s（北京时间）截止，不能再提交或修改推荐。")
                                  % {"call": call, "at": local_minute(call.closes_at)}, code="closed")
        self._check_quota(unit)
        self._check_texts(call, cleaned)
        self._check_materials(call, cleaned)
        return cleaned

    def _check_quota(self, unit):
        quota = unit.call.quota_for(unit)
        if quota is None:
            return
        # The unit's row stays locked until the nomination is saved (the views post in one
        # transaction), so two contributors of one unit cannot both take its last place.
        NominatingUnit.objects.select_for_update().filter(pk=unit.pk).first()
        others = unit.nominations.exclude(pk=self.instance.pk).count()
        if others >= quota:
            raise ValidationError(
                _("“%(unit)s”在“%(call)s”中的推荐名额为 %(quota)s 名，已推荐 %(count)s 名，不能再提交新的推荐。")
                % {"unit": unit.institute, "call": unit.call, "quota": quota, "count": others},
                code="over_quota",
            )

    def _check_texts(self, call, cleaned):
        deeds = "".join((cleaned.get("deeds") or "").split())
        if len(deeds) < call.deeds_min_chars:
            self.add_error("deeds", ValidationError(
                _("事迹材料至少需要 %(min)s 字，现在只有 %(count)s 字。")
                % {"min": call.deeds_min_chars, "count": len(deeds)},
                code="deeds_too_short",
            ))
        if call.require_recommendation and not (cleaned.get("recommendation") or "").strip():
            self.add_error("recommendation", ValidationError(_("请填写推荐单位的推荐意见。"), code="required"))

    def _check_materials(self, call, cleaned):
        nominee = (cleaned.get("nominee_name") or "").strip()
        photos, attachments = cleaned.get("photos") or [], cleaned.get("attachments") or []
        if photos or not self.instance.pk:
            if nominee:
                try:
                    self.photos_to_save = clean_photos(call, nominee, photos)
                except ValidationError as error:
                    self.add_error("photos", error)
        elif nominee:  # kept photos must still carry the nominee's name
            try:
                check_photo_names([p.original_name for p in self.instance.photos.all()], nominee)
            except ValidationError:
                self.add_error("photos", ValidationError(
                    _("被推荐人姓名改为“%(nominee)s”后，原有照片的文件名与姓名不一致，请按“姓名+序号”重新上传全部照片。")
                    % {"nominee": nominee}, code="photo_name",
                ))
        if attachments or not self.instance.pk:
            try:
                self.attachments_to_save = clean_attachments(call, attachments)
            except ValidationError as error:
                self.add_error("attachments", error)
        if self.errors and (photos or attachments):
            self.add_error(None, ValidationError(
                _("其他内容已保留；出于浏览器的安全限制，照片和附件需要重新选择。"), code="reselect_files",
            ))

    # -- saving -----------------------------------------------------------------------

    def save(self, commit=True):
        nomination = super().save(commit=False)
        nomination.call = nomination.unit.call
        if not nomination.pk and self.for_user is not None:
            nomination.created_by = self.for_user
        if commit:
            nomination.save()
            self.save_materials(nomination)
        return nomination

    def save_materials(self, nomination):
        from .storage import store_attachments, store_photos

        if self.photos_to_save is not None:
            store_photos(nomination, self.photos_to_save)
        if self.attachments_to_save is not None:
            store_attachments(nomination, self.attachments_to_save)

