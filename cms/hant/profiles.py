"""OpenCC's Simplified → Traditional configurations the mirror offers, with the language tag each gives.

All are phrase-level: OpenCC segments the text with its phrase dictionary (STPhrases) before it maps
characters, so 头发 → 頭髮 but 发现 → 發現. The ``p`` profiles add the region's own words
(软件 → 軟體, 信息 → 資訊 in Taiwan). The dictionaries ship inside the ``opencc`` wheel: nothing is
downloaded, and a converter is made once per process per profile.
"""

from functools import cache

import opencc
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.TextChoices):
    HK = "s2hk", _("香港繁体（s2hk）：香港字形，词语照原文")
    HK_PHRASES = "s2hkp", _("香港繁体与香港用语（s2hkp）：例如 鼠标 → 滑鼠、硬盘 → 硬碟")
    TW = "s2tw", _("台湾正体（s2tw）：台湾字形，词语照原文")
    TW_PHRASES = "s2twp", _("台湾正体与台湾用语（s2twp）：例如 软件 → 軟體、信息 → 資訊")


REGION = {Profile.HK: "hk", Profile.HK_PHRASES: "hk", Profile.TW: "tw", Profile.TW_PHRASES: "tw"}
# BCP 47 tags for <html lang>, hreflang and JSON-LD inLanguage.
LANGUAGE = {"hk": "zh-Hant-HK", "tw": "zh-Hant-TW"}


def region(profile):
    return REGION[Profile(profile)]


def language(profile):
    return LANGUAGE[region(profile)]


@cache
def opencc_converter(config):
    """One OpenCC converter per configuration (``s2hk`` …, also ``t2s`` for round trips), made once:
    loading the dictionaries takes tens of milliseconds."""
    return opencc.OpenCC(config)
