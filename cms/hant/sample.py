"""Sample fixed pairs for the Traditional mirror (the mirror itself stays off in the sample)."""

from .models import TermPair

PAIRS = [
    ("信息", "資訊", "hk", "本站用语：面向香港读者也写“資訊”（香港方案本身保留“信息”）"),
    ("视频", "影片", "hk", "本站用语：与台湾方案一致"),
]


def load():
    """Create the sample pairs that are missing; returns how many were created (0 the second time)."""
    created = 0
    for term, conversion, region, note in PAIRS:
        _pair, made = TermPair.objects.get_or_create(term=term, region=region,
                                                    defaults={"conversion": conversion, "note": note})
        created += made
    return created
