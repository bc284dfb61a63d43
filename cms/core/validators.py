"""Validators shared by every content app; their messages are what an editor reads."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

latin_slug = RegexValidator(
    re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
    _("只能使用小写拉丁字母、数字和连字符，例如 gezhi-lundao。"),
    code="invalid_slug",
)

hex_colour = RegexValidator(
    re.compile(r"^#[0-9a-fA-F]{6}$"),
    _("请填写 #RRGGBB 形式的颜色，例如 #1f6feb。"),
    code="invalid_colour",
)

EARLIEST_YEAR = -3000  # Chinese science history reaches well before the common era.


def validate_past_year(year):
    """A year that has already begun: honours and events cannot lie in the future."""
    if year is None:
        return
    this_year = timezone.localdate().year
    if year > this_year:
        raise ValidationError(
            _("年份 %(year)s 还没有到来，请填写不晚于 %(this_year)s 的年份。"),
            code="future_year",
            params={"year": year, "this_year": this_year},
        )
    if year < EARLIEST_YEAR:
        raise ValidationError(
            _("年份 %(year)s 太早了，请检查是否输入有误。"), code="too_early", params={"year": year}
        )
