"""The mirror's text conversion: profiles, editors' fixed pairs, protected names (no database)."""

import pytest

from cms.hant.mirror import Mirror
from cms.hant.names import name_form, split_names

SENTENCE = "软件和信息网络，鼠标、硬盘、打印机和出租车，里面说着"


@pytest.mark.parametrize(("profile", "expected"), [
    # Hong Kong characters, the words as written (说 → 説 is Hong Kong's form, 里 → 裏).
    ("s2hk", "軟件和信息網絡，鼠標、硬盤、打印機和出租車，裏面説着"),
    # Hong Kong with its phrases: 鼠标 → 滑鼠, 硬盘 → 硬碟; 软件 stays 軟件.
    ("s2hkp", "軟件和信息網絡，滑鼠、硬碟、打印機和出租車，裏面説着"),
    # Taiwan characters (裡, 說, 著), the words as written.
    ("s2tw", "軟件和信息網絡，鼠標、硬盤、打印機和出租車，裡面說著"),
    # Taiwan with its phrases: 軟體, 資訊, 網路, 滑鼠, 硬碟, 印表機, 計程車.
    ("s2twp", "軟體和資訊網路，滑鼠、硬碟、印表機和計程車，裡面說著"),
])
def test_each_profile_writes_its_regions_characters_and_words(profile, expected):
    assert Mirror.build(profile).text(SENTENCE) == expected


def test_phrase_level_conversion_picks_the_character_by_the_word():
    mirror = Mirror.build("s2hk")
    assert mirror.text("头发和发现") == "頭髮和發現"
    assert mirror.text("干部把衣服晾干") == "幹部把衣服晾乾"


def test_an_editors_pair_replaces_what_opencc_would_write():
    assert Mirror.build("s2hk").text("科学信息") == "科學信息"
    mirror = Mirror.build("s2hk", pairs=[("信息", "資訊", "")])
    assert mirror.text("科学信息与信息论") == "科學資訊與資訊論"


def test_a_pair_for_one_region_applies_only_to_that_regions_profiles():
    pairs = [("信息", "資訊", "hk"), ("公交车", "公車", "tw")]
    assert Mirror.build("s2hkp", pairs=pairs).text("信息和公交车") == "資訊和公交車"
    assert Mirror.build("s2tw", pairs=pairs).text("信息和公交车") == "信息和公車"


def test_a_regional_pair_wins_over_a_pair_for_all_profiles():
    pairs = [("网络", "網絡", ""), ("网络", "網路", "tw")]
    assert Mirror.build("s2tw", pairs=pairs).text("网络") == "網路"
    assert Mirror.build("s2hk", pairs=pairs).text("网络") == "網絡"


def test_the_longest_pair_wins_where_pairs_overlap():
    mirror = Mirror.build("s2hk", pairs=[("信息", "資訊", ""), ("信息论", "信息論", "")])
    assert mirror.text("信息论讲信息") == "信息論講資訊"


def test_a_pair_ends_opencc_phrases_at_its_edges():
    # 钟表 is a phrase (a clock) only while 张钟 is not a term of its own.
    assert Mirror.build("s2hk").text("张钟表示同意") == "張鐘錶示同意"
    assert Mirror.build("s2hk", pairs=[("张钟", "張鍾", "")]).text("张钟表示同意") == "張鍾表示同意"


# Names OpenCC gets wrong in a sentence, and how each is written (the person's own Traditional name).
NAMES = ["张钟", "范长江", "周干峙", "吴征镒", "干勇", "郁钟正", "钱学森", "钟南山", "于敏"]
TEXT = "张钟表示，范长江新闻奖由周干峙、吴征镒、干勇、郁钟正、钱学森、钟南山和于敏颁发"


def test_without_protection_opencc_writes_these_names_wrong():
    assert Mirror.build("s2hk").text(TEXT) == (
        "張鐘錶示，範長江新聞獎由周幹峙、吳徵鎰、幹勇、鬱鍾正、錢學森、鍾南山和于敏頒發")


@pytest.mark.parametrize("profile", ["s2hk", "s2hkp", "s2tw", "s2twp"])
def test_protected_names_are_written_as_names_in_every_profile(profile):
    expected = "張鍾表示，范長江新聞獎由周干峙、吳征鎰、干勇、郁鍾正、錢學森、鍾南山和于敏頒發"
    assert Mirror.build(profile, names=NAMES).text(TEXT) == expected


def test_an_editors_pair_for_a_name_wins_over_the_name_rule():
    mirror = Mirror.build("s2hk", names=["张钟"], pairs=[("张钟", "張鐘", "")])
    assert mirror.text("张钟表示同意") == "張鐘表示同意"


def test_a_team_name_is_protected_as_a_whole_but_converted_as_words():
    team = "南仁东天眼骨干团队"  # not a personal name: 骨干 keeps its word form 骨幹
    assert name_form(team, "s2hk") == "南仁東天眼骨幹團隊"
    assert name_form("周干峙", "s2hk") == "周干峙"


def test_a_field_with_several_people_gives_each_name():
    assert split_names("钱学森、郭永怀，邓稼先; Marie Curie / 王淦昌") == ["钱学森", "郭永怀", "邓稼先", "王淦昌"]


def test_conversion_is_deterministic_and_leaves_text_without_han_alone():
    mirror = Mirror.build("s2twp", names=NAMES, pairs=[("信息", "資訊", "")])
    assert mirror.converter.convert_many(["", "abc 123", TEXT, TEXT]) == ["", "abc 123", *[mirror.text(TEXT)] * 2]


def test_the_fingerprint_changes_with_profile_and_pairs_and_the_names_are_apart():
    """A name changes only the texts that contain it (mirror_site.Converted), so it is not in the
    fingerprint, which changes every conversion; the names are there by themselves, as written."""
    prints = {Mirror.build("s2hk").fingerprint, Mirror.build("s2tw").fingerprint,
              Mirror.build("s2hk", pairs=[("信息", "資訊", "")]).fingerprint}
    assert len(prints) == 3
    assert Mirror.build("s2hk", names=["周干峙"]).fingerprint == Mirror.build("s2hk").fingerprint
    assert Mirror.build("s2hk", names=["周干峙", "张钟"]).names == {"周干峙": "周干峙", "张钟": "張鍾"}
    # A name an editors' pair also fixes is the pair's: in the fingerprint, not among the names.
    paired = Mirror.build("s2hk", names=["周干峙", "张钟"], pairs=[("张钟", "張鐘", "")])
    assert paired.names == {"周干峙": "周干峙"} and paired.fingerprint != Mirror.build("s2hk").fingerprint
