"""The fixed verdict scale of a debunk (核查结论), each with the meaning readers are shown.

``value`` is the ClaimReview ``reviewRating.ratingValue`` on a 1 (worst) … 5 (best) scale.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    RUMOUR = "rumour", _("谣言")
    FALSE = "false", _("错误")
    PARTLY = "partly", _("部分正确")
    UNPROVEN = "unproven", _("缺乏证据")
    TRUE = "true", _("正确")


MEANINGS = {
    Verdict.RUMOUR: "说法没有事实依据，并以讹传讹地广泛流传，常带有误导或煽动性。",
    Verdict.FALSE: "说法与可靠的科学证据相矛盾。",
    Verdict.PARTLY: "说法中有正确的部分，但也有错误、夸大或缺少重要前提的部分。",
    Verdict.UNPROVEN: "目前没有足够可靠的证据证明说法成立，也不能证明其不成立。",
    Verdict.TRUE: "说法与可靠的科学证据相符。",
}

RATING = {Verdict.RUMOUR: 1, Verdict.FALSE: 2, Verdict.PARTLY: 3, Verdict.UNPROVEN: 3, Verdict.TRUE: 5}
WORST, BEST = 1, 5


def scale():
    """[(verdict, label, meaning)] in order from 谣言 to 正确."""
    return [(v, str(v.label), MEANINGS[v]) for v in Verdict]


def label(verdict):
    """The verdict in words (a plain str, for front matter)."""
    return str(Verdict(verdict).label)
