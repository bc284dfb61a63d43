"""The mirror's setting and the editors' fixed pairs in the admin: who may do what, Chinese messages,
and what the publish step gets from them (mirror.load)."""

import pytest
from django.urls import reverse

from cms.factcheck.models import Expert
from cms.hant.mirror import Mirror, load
from cms.hant.models import MirrorSettings, TermPair
from cms.hant.names import protected_names
from tests.conftest import make_story

ADD_PAIR = reverse("wagtailsnippets_hant_termpair:add")


def settings_url():
    return reverse("wagtailsettings:edit", args=["hant", "mirrorsettings", MirrorSettings.load().pk])


def errors(response):
    return {name: [str(e) for e in errs] for name, errs in response.context["form"].errors.items()}


def test_an_editor_adds_a_pair_and_it_is_listed_with_what_opencc_would_write(editor_client):
    data = {"term": " 信息 ", "conversion": "資訊", "region": "hk", "note": "本站用语"}
    response = editor_client.post(ADD_PAIR, data)
    assert response.status_code == 302
    pair = TermPair.objects.get()
    assert (pair.term, pair.conversion, pair.region) == ("信息", "資訊", "hk")
    listing = editor_client.get(reverse("wagtailsnippets_hant_termpair:list")).content.decode()
    assert "資訊" in listing and "不设词对时的转换" in listing


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"term": "abc", "conversion": "abc"}, "term", "简体写法里没有汉字"),
    ({"term": "信息", "conversion": "  "}, "conversion", "请填写繁体写法"),
    ({"term": "信\n息", "conversion": "資訊"}, "term", "请只填写一个词"),
])
def test_a_pair_that_cannot_work_is_refused_in_chinese(editor_client, data, field, message):
    response = editor_client.post(ADD_PAIR, {"region": "", "note": "", **data})
    assert response.status_code == 200
    assert any(message in text for text in errors(response)[field])
    assert not TermPair.objects.exists()


def test_a_second_pair_for_the_same_term_and_region_is_refused_in_chinese(editor_client):
    TermPair.objects.create(term="信息", conversion="資訊", region="tw")
    response = editor_client.post(ADD_PAIR, {"term": "信息", "conversion": "訊息", "region": "tw", "note": ""})
    assert "已有词对（信息 → 資訊）" in errors(response)["term"][0]
    other_region = editor_client.post(ADD_PAIR, {"term": "信息", "conversion": "信息", "region": "hk", "note": ""})
    assert other_region.status_code == 302
    assert TermPair.objects.count() == 2


def test_editors_keep_pairs_chief_editors_also_delete_them_and_set_the_mirror_up(users):
    editor, chief, reviewer = users["editor"], users["chief"], users["reviewer"]
    assert editor.has_perms(["hant.add_termpair", "hant.change_termpair"])
    assert not editor.has_perm("hant.delete_termpair") and not editor.has_perm("hant.change_mirrorsettings")
    assert chief.has_perms(["hant.delete_termpair", "hant.change_mirrorsettings"])
    assert not reviewer.has_perm("hant.add_termpair")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"prefix": "Zh_Hant"}, "prefix", "只能用小写字母、数字和连字符"),
    ({"prefix": "gezhi-lundao"}, "prefix", "已被简体站的栏目或文件使用"),
    ({"prefix": "tags"}, "prefix", "已被简体站的栏目或文件使用"),
    ({"prefix": ""}, "prefix", "请填写网址前缀"),
    ({"prefix": "", "host": "https://hk.kepu.example/fanti/"}, "host", "不要带路径"),
    ({"prefix": "", "host": "http://127.0.0.1:8001/"}, "host", "不能与简体站的公众网站地址相同"),
    ({"prefix": "", "host": "ftp://hk.kepu.example/"}, "host", "请以 https:// 开头"),
])
def test_the_mirror_setting_is_checked_in_chinese(client, users, programme, data, field, message):
    client.force_login(users["chief"])
    form = {"enabled": "on", "profile": "s2hk", "prefix": "zh-hant", "host": "", **data}
    response = client.post(settings_url(), form)
    assert response.status_code == 200
    assert any(message in text for text in errors(response)[field])
    assert not MirrorSettings.load().enabled


def test_the_publish_step_gets_nothing_while_the_mirror_is_off_and_everything_once_it_is_on(client, users, programme):
    assert load() is None
    client.force_login(users["chief"])
    response = client.post(settings_url(), {"enabled": "on", "profile": "s2twp", "prefix": "zh-hant", "host": ""})
    assert response.status_code == 302
    make_story(programme, title="周干峙：城市规划", slug="zhou-ganzhi", scientist_name="周干峙")
    make_story(programme, title="草稿", slug="caogao", scientist_name="吴征镒", publish=False)
    Expert.objects.create(name="范长江", title="研究员", institute="示例研究所")
    TermPair.objects.create(term="范长江", conversion="范長江（記者）", region="")
    TermPair.objects.create(term="信息", conversion="訊息", region="tw")

    assert protected_names() == ["周干峙", "范长江"]  # a draft's scientist is not public yet
    mirror = load()
    assert (mirror.profile, mirror.prefix, mirror.language) == ("s2twp", "zh-hant", "zh-Hant-TW")
    assert mirror.text("周干峙和范长江谈信息与软件") == "周干峙和范長江（記者）談訊息與軟體"


def test_the_sample_pairs_load_once(db):
    from cms.hant import sample

    assert sample.load() == 2
    assert sample.load() == 0
    pairs = TermPair.objects.values_list("term", "conversion", "region")
    assert Mirror.build("s2hk", pairs=pairs).text("信息视频") == "資訊影片"
    assert Mirror.build("s2tw", pairs=pairs).text("信息视频") == "信息視頻"
