"""Latin slugs from Chinese titles, in the style of the sample content (钱学森 → qian-xuesen).

A link shared in WeChat then reads /gezhi-lundao/qian-xuesen/ instead of a wall of percent-encoding.
The title's subject (what comes before a colon, without remarks in brackets) is written in pinyin
without tones: a two- or three-character run like a name (qian-xuesen), longer runs in pairs
(zhongguo-kepu-bolan), an odd one ending in a single and a pair (kexue-yu-zhongguo).
"""

import re

from django.utils.text import slugify

from cms.publish.paths import PAGER_DIR

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
REMARKS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
MAX_LENGTH = 60
# Slugs the public site keeps for itself at any depth: ``page`` is the folder of a listing's archive
# pages (/gezhi-lundao/page/stories/7/), so a page with that slug would not publish (cms/publish/paths.py).
RESERVED_SLUGS = frozenset({PAGER_DIR})
RESERVED_MESSAGE = "缩略名（网址别名）“{slug}”由网站保留：列表的分页网址（…/page/2/）要用它。请换一个。"


def _words(run):
    from pypinyin import lazy_pinyin  # (here: slow to load, and few of the processes that load this make slugs)

    syllables = lazy_pinyin(run)
    if len(syllables) <= 1:
        return syllables
    if len(syllables) <= 3:
        return [syllables[0], "".join(syllables[1:])]
    odd = len(syllables) % 2
    paired = syllables[:-3] if odd else syllables
    words = ["".join(paired[i:i + 2]) for i in range(0, len(paired), 2)]
    return words + ([syllables[-3], "".join(syllables[-2:])] if odd else [])


def pinyin_slug(title):
    """The latin slug for a title; '' when it has neither Han characters nor latin letters or digits."""
    subject = REMARKS.sub(" ", title)
    subject = re.split(r"[：:｜|—]", subject, maxsplit=1)[0].strip() or subject
    words = []
    for piece in re.split(f"({HAN.pattern})", subject):
        words += _words(piece) if HAN.fullmatch(piece) else slugify(piece).split("-")
    slug = "-".join(word for word in words if word)
    return slug[:MAX_LENGTH].rstrip("-")


def is_automatic(slug):
    """Wagtail's editor fills the slug from the title as you type (Chinese, here); a latin slug someone
    typed is theirs to keep."""
    return not slug or not slug.isascii()


def is_reserved(slug):
    """Whether no page may take ``slug`` (any letter case: a case-insensitive disk would mix them up)."""
    return slug.lower() in RESERVED_SLUGS


def unique_among_siblings(slug, parent, page=None):
    """``slug``, or ``slug-2``, ``slug-3`` … whichever no sibling of ``page`` under ``parent`` uses and
    is not reserved (a title "Page" gets ``page-2``)."""
    siblings = parent.get_children()
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.filter(slug__startswith=slug).values_list("slug", flat=True)) | RESERVED_SLUGS
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate
