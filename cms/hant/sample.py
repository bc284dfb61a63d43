"""Sample fixed pairs for the Traditional mirror, and the mirror turned on (Hong Kong profile, under
/zh-hant/), so that a fresh clone's site shows both scripts."""

from .models import MirrorSettings, TermPair
from .profiles import Profile

PAIRS = [
    ("信息", "資訊", "hk", "本站用语：面向香港读者也写“資訊”（香港方案本身保留“信息”）"),
    ("视频", "影片", "hk", "本站用语：与台湾方案一致"),
]


def load():
    """Create the sample pairs that are missing, and turn the mirror on with them the first time (an
    editor who turned it off keeps it off); returns how many pairs were created (0 the second time)."""
    created = 0
    for term, conversion, region, note in PAIRS:
        _pair, made = TermPair.objects.get_or_create(term=term, region=region,
                                                    defaults={"conversion": conversion, "note": note})
        created += made
    mirror = MirrorSettings.load()
    if not mirror.enabled and created == len(PAIRS):
        mirror.enabled, mirror.profile, mirror.prefix, mirror.host = True, Profile.HK, "zh-hant", ""
        mirror.save()
    return created
