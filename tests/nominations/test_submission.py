"""Nominations submitted in the admin by a unit's contributors: accepted within the rules of the call,
refused with a Chinese message otherwise, with everything typed re-shown; a unit sees only its own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.moderation.roles import institute_collection
from cms.nominations.models import Nomination

from .conftest import add_url, jpeg_bytes, make_nomination, nomination_form, photo, photos

pytestmark = pytest.mark.django_db


def submit(client, user, data):
    client.force_login(user)
    return client.post(add_url(), data)


def page_text(response):
    return response.content.decode().replace("\xa0", " ")


def test_a_contributor_submits_a_nomination_with_its_photos(client, users, units):
    response = submit(client, users["contributor"], nomination_form(units["institute"], nominee="张三"))
    assert response.status_code == 302, page_text(response)
    nomination = Nomination.objects.get()
    unit = units["institute"]
    assert (nomination.nominee_name, nomination.unit, nomination.call) == ("张三", unit, unit.call)
    assert nomination.created_by == users["contributor"]
    assert [p.original_name for p in nomination.photos.all()] == ["张三1.jpg", "张三2.jpg", "张三3.jpg"]
    # Stored in the institute's own collection, as the validator's copy (re-encoded, no metadata).
    image = nomination.photos.first().image
    assert image.collection == institute_collection(units["institute"].institute)
    assert image.file.size != len(jpeg_bytes())
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(nomination.pk)).exists()


REFUSALS = {
    "over_quota": "推荐名额为 1 名，已推荐 1 名",
    "after_close": "截止，不能再提交或修改推荐",
    "two_photos": "需要上传 3—5 张照片，现在是 2 张",
    "six_photos": "需要上传 3—5 张照片，现在是 6 张",
    "small_photo": "只有 1.0 MB，要求每张不小于 2.0 MB",
    "png_photo": "照片“张三3.png”的格式不符合要求，只接受 jpg 格式",
    "other_name": "照片“李四1.jpg”没有按“姓名+序号”命名，或姓名与被推荐人“张三”不一致",
    "number_twice": "序号 2 与另一张照片重复",
    "broken_photo": "已损坏或不完整",
    "short_deeds": "事迹材料至少需要 300 字，现在只有 10 字",
    "no_recommendation": "请填写推荐单位的推荐意见",
}


def refused_form(case, unit):
    if case == "two_photos":
        return nomination_form(unit, photo_files=photos("张三", 2))
    if case == "six_photos":
        return nomination_form(unit, photo_files=photos("张三", 6))
    if case == "small_photo":
        return nomination_form(unit, photo_files=[*photos("张三", 2), photo("张三3.jpg", _sized(1024 * 1024))])
    if case == "png_photo":
        return nomination_form(unit, photo_files=[*photos("张三", 2), photo("张三3.png")])
    if case == "other_name":
        return nomination_form(unit, photo_files=[photo("李四1.jpg"), photo("张三2.jpg"), photo("张三3.jpg")])
    if case == "number_twice":
        return nomination_form(unit, photo_files=[photo("张三1.jpg"), photo("张三2.jpg"), photo("张三-2.jpg")])
    if case == "broken_photo":
        return nomination_form(unit, photo_files=[*photos("张三", 2), photo("张三3.jpg", jpeg_bytes()[:2_200_000])])
    if case == "short_deeds":
        return nomination_form(unit, deeds="事迹很多，写不下了。")
    if case == "no_recommendation":
        return nomination_form(unit, recommendation="  ")
    return nomination_form(unit)


def _sized(size):
    """A real JPEG padded after its end marker to exactly ``size`` bytes: only its size is wrong."""
    data = jpeg_bytes(400, 300, seed=2)
    return data + b"\0" * (size - len(data))


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_say_why_in_chinese_and_keep_what_was_typed(client, users, units, case):
    unit = units["institute"]
    if case == "over_quota":
        make_nomination(unit, "王五")
    if case == "after_close":
        unit.call.closes_at = timezone.now() - timedelta(minutes=1)
        unit.call.save()
    data = refused_form(case, unit)
    data["work_unit"] = "高原冻土与寒区工程研究所（示例）"
    response = submit(client, users["contributor"], data)
    assert response.status_code == 200
    text = page_text(response)
    assert REFUSALS[case] in text
    # Nothing typed is lost: the form comes back with the values.
    assert "高原冻土与寒区工程研究所（示例）" in text
    assert Nomination.objects.filter(nominee_name="张三").count() == 0


def test_a_unit_sees_and_edits_only_its_own_nominations(client, users, units, unit_contributor):
    own = make_nomination(units["society"], "赵六")
    other = make_nomination(units["institute"], "钱七")
    client.force_login(unit_contributor)
    listing = page_text(client.get(reverse("wagtailsnippets_nominations_nomination:list")))
    assert "赵六" in listing and "钱七" not in listing
    assert client.get(reverse("wagtailsnippets_nominations_nomination:edit", args=(own.pk,))).status_code == 200
    for view in ("edit", "delete", "history"):
        url = reverse(f"wagtailsnippets_nominations_nomination:{view}", args=(other.pk,))
        assert client.get(url).status_code == 404, view
    # Nor can it nominate for another unit.
    response = client.post(add_url(), nomination_form(units["institute"], nominee="孙八"))
    assert response.status_code == 200 and "选择一个有效的选项" in page_text(response)
    # Editorial staff see every unit's nominations.
    client.force_login(users["editor"])
    listing = page_text(client.get(reverse("wagtailsnippets_nominations_nomination:list")))
    assert "赵六" in listing and "钱七" in listing


def test_renaming_the_nominee_asks_for_photos_named_after_the_new_name(client, users, units):
    assert submit(client, users["contributor"], nomination_form(units["institute"], nominee="张三")).status_code == 302
    nomination = Nomination.objects.get()
    url = reverse("wagtailsnippets_nominations_nomination:edit", args=(nomination.pk,))
    data = nomination_form(units["institute"], nominee="张珊", photo_files=[])
    response = client.post(url, data)
    assert response.status_code == 200 and "原有照片的文件名与姓名不一致" in page_text(response)
    # An edit that keeps the name keeps the photos.
    data = nomination_form(units["institute"], nominee="张三", photo_files=[], discipline="寒区工程")
    response = client.post(url, data)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.discipline == "寒区工程" and nomination.photos.count() == 3


def test_the_form_shows_the_rules_and_material_requirements_of_the_open_call(client, users, units, call):
    call.rules = "每个推荐单位在名额内推荐；被推荐人须长期工作在科研一线。"
    call.save()
    client.force_login(users["contributor"])
    page = client.get(add_url()).content.decode()
    assert "“2026年最美科技工作者推荐”评选规则：每个推荐单位在名额内推荐；被推荐人须长期工作在科研一线。" in page
    assert "事迹材料不少于 300 字；照片 3—5 张（jpg，每张不小于 2 MB，按“姓名+序号”命名）" in page
    # A closed call's rules are not offered as if it were open.
    call.closes_at = timezone.now() - timedelta(days=1)
    call.save()
    assert "评选规则" not in client.get(add_url()).content.decode()
