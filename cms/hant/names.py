"""Names of people in the mirror: written as a whole by a rule for names, never left to OpenCC's
phrase segmentation of the sentence around them.

OpenCC converts a character by the phrase it falls into, and a name is no phrase of its
dictionary: 张钟表示 becomes 張鐘錶示 (钟表 read as a clock), 范长江 becomes 範長江, 周干峙 周幹峙,
吴征镒 吳徵鎰, 郁 鬱. The mirror therefore protects every name it knows (``protected_names``) as a
fixed term (convert.py): the name is cut out of the sentence and written in its name form
(``name_form``): each character on its own through the profile, except the characters in
NAME_CHARACTERS, whose form in a personal name is not the form OpenCC gives the character alone.
An editors' fixed pair for the same name wins over this rule (mirror.py).

Where the names come from (``protected_names``): the scientists of live stories (StoryPage
.scientist_name), the expert directory (factcheck.Expert.name, public or not: a name in a body is a
name either way) and the speakers of live events (EventSpeaker.name). A field holding several
people (钱学森、郭永怀) is split at 、，,；;/.
"""

import re

from .profiles import opencc_converter

# Simplified character → its Traditional form in a personal name, where that is not what OpenCC gives
# the character on its own (干 → 幹, 范 → 範, 郁 → 鬱, 征 → 徵, 于 → 於, 余 → 餘, 后 → 後 … are
# surnames and given-name characters that stay as they are; 钟 in a name is 鍾, never 鐘).
NAME_CHARACTERS = {
    **{char: char for char in "干范郁征于余后党朴游涂咸杰台里斗准岳丑采筑谷沈肖姜"},
    "钟": "鍾",
}
# A personal name: two to four Han characters (钱学森, 欧阳自远), or a transcribed name in parts
# joined by a middle dot (买买提·艾力). Anything longer (a team's name) is converted as a whole.
_PERSON = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}(?:[·・][\u4e00-\u9fff]{1,8})+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPLIT = re.compile(r"\s*[、，,；;/／]\s*")


def is_person_name(name):
    return bool(_PERSON.fullmatch(name))


def name_form(name, profile):
    """How ``name`` is written in the mirror with ``profile``."""
    opencc = opencc_converter(profile)
    if not is_person_name(name):
        return opencc.convert(name)
    return "".join(NAME_CHARACTERS.get(char) or opencc.convert(char) for char in name)


def split_names(value):
    """The names in one field (钱学森、郭永怀 → two); parts without Han characters or of one character
    are left out (a Latin name needs no conversion)."""
    return [name for name in _SPLIT.split((value or "").strip()) if len(name) >= 2 and _HAN.search(name)]


def protected_names():
    """Every name the site knows (sorted, each once): see the module docstring."""
    from cms.events.models import EventSpeaker
    from cms.factcheck.models import Expert
    from cms.stories.models import StoryPage

    fields = [
        *StoryPage.objects.live().values_list("scientist_name", flat=True),
        *Expert.objects.values_list("name", flat=True),
        *EventSpeaker.objects.filter(page__live=True).exclude(name="").values_list("name", flat=True),
    ]
    return sorted({name for field in fields for name in split_names(field)})
