"""A 2026 call open now with three nominating units, their contributors, and photos as a unit sends them."""

import io
import random
from datetime import timedelta
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from cms.core.models import Institute, User
from cms.moderation.roles import CONTRIBUTOR, EXPERT
from cms.nominations.models import Call, Criterion, KindQuota, NominatingUnit, Nomination, Round, UnitKind

PASSWORD = "kepu-test-pass-123"
DEEDS = "她三十年扎根高原开展冻土研究，带领团队攻克青藏铁路冻土路基难题。" * 12  # well over 300 characters
ADD_URL = "wagtailsnippets_nominations_nomination:add"


@cache
def jpeg_bytes(width=1700, height=1100, seed=1):
    """A JPEG photo of noise (noise does not compress): about 2.3 MB at these dimensions."""
    rng = random.Random(seed)
    image = PILImage.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def photo(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type="image/jpeg")


def photos(nominee, count=3):
    return [photo(f"{nominee}{number}.jpg") for number in range(1, count + 1)]


def nomination_form(unit, nominee="张三", photo_files=None, **extra):
    data = {
        "unit": unit.pk, "nominee_name": nominee, "work_unit": "示例冻土研究所", "discipline": "冻土工程",
        "deeds": DEEDS, "recommendation": "同意推荐。",
        "photos": photos(nominee) if photo_files is None else photo_files,
    }
    data.update(extra)
    return data


@pytest.fixture
def call(db, programme):
    now = timezone.now()
    call = Call.objects.create(
        title="2026年最美科技工作者推荐", honour="最美科技工作者", honour_year=2026, rules="推荐条件……",
        opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20),
        notice_starts_at=now + timedelta(days=40), notice_ends_at=now + timedelta(days=47),
        objection_instructions="请在公示期内以实名书面形式向评选办公室提出异议。\n电话：010-00000000",
        story_programme=programme,
    )
    KindQuota.objects.create(call=call, kind=UnitKind.PROVINCE, quota=10)
    KindQuota.objects.create(call=call, kind=UnitKind.SOCIETY, quota=2)
    return call


@pytest.fixture
def units(call, institute):
    province = Institute.objects.create(name="示例省科协", kind="local_association", region="四川")
    society = Institute.objects.create(name="示例冻土学会", kind="society", region="北京")
    return {
        "institute": NominatingUnit.objects.create(call=call, institute=institute, kind=UnitKind.INSTITUTE, quota=1),
        "province": NominatingUnit.objects.create(call=call, institute=province, kind=UnitKind.PROVINCE),
        "society": NominatingUnit.objects.create(call=call, institute=society, kind=UnitKind.SOCIETY),
    }


@pytest.fixture
def unit_contributor(users, roles, units):
    """A contributor of the society unit (the fixture 'contributor' belongs to the institute unit)."""
    user = User.objects.create_user(username="society", password=PASSWORD, institute=units["society"].institute)
    user.groups.add(roles[CONTRIBUTOR])
    return user


def make_nomination(unit, nominee, **fields):
    fields.setdefault("work_unit", "示例研究所")
    fields.setdefault("discipline", "地质学")
    fields.setdefault("deeds", DEEDS)
    return Nomination.objects.create(call=unit.call, unit=unit, nominee_name=nominee, **fields)


@pytest.fixture
def rounds(call, users, roles):
    """Two rounds: three experts in the first, chaired by the first expert; two in the second."""
    now = timezone.now()
    experts = []
    for number in (1, 2, 3):
        user = User.objects.create_user(username=f"expert{number}", password=PASSWORD)
        user.groups.add(roles[EXPERT])
        experts.append(user)
    first = Round.objects.create(call=call, number=1, name="初评", starts_at=now - timedelta(days=1),
                                 ends_at=now + timedelta(days=5), chair=experts[0])
    first.experts.set(experts)
    first.save()
    Criterion.objects.create(round=first, name="事迹", weight=3, max_score=100)
    Criterion.objects.create(round=first, name="影响", weight=1, max_score=100)
    second = Round.objects.create(call=call, number=2, name="终评", starts_at=now - timedelta(days=1),
                                  ends_at=now + timedelta(days=5), chair=experts[0])
    second.experts.set(experts[:2])
    second.save()
    Criterion.objects.create(round=second, name="综合", weight=1, max_score=100)
    return {"first": first, "second": second, "experts": experts}


def add_url():
    return reverse(ADD_URL)
