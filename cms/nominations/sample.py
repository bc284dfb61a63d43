"""Sample selections (idempotent): an open 2026 call with three nominating units and quotas, three
sample nominations, two rounds with two sample experts; and a finished sample call whose 公示 page is
online for thirty days from loading. Every person is plainly a sample (示例人物…), not a real one.

Times are set relative to the day the samples are first loaded, so the call is open then.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from cms.core.models import Institute, User
from cms.core.sample_content import images
from cms.core.sample_content.data import SAMPLE_NOTE
from cms.moderation.roles import EXPERT, ensure_roles

from .models import Call, Criterion, KindQuota, NominatingUnit, Nomination, NoticePage, Round, UnitKind

OPEN_CALL = "2026年最美科技工作者推荐（示例）"
FINISHED_CALL = "2025年优秀科普作品评选（示例）"
EXPERTS = [("expert1", "kepu-expert1", "示例评审专家一"), ("expert2", "kepu-expert2", "示例评审专家二")]
UNITS = [  # institute, kind, own quota (None: the kind's)
    ("示例物理研究所", UnitKind.INSTITUTE, 2),
    ("示例天文学会", UnitKind.SOCIETY, None),
    ("示例市科学技术协会", UnitKind.PROVINCE, None),
]
NOMINEES = [  # name, unit, work unit, discipline
    ("示例人物甲", "示例物理研究所", "示例物理研究所", "凝聚态物理"),
    ("示例人物乙", "示例天文学会", "示例天文台", "射电天文"),
    ("示例人物丙", "示例市科学技术协会", "示例市第一中学", "科学教育"),
]
DEEDS = ("（示例人物，并非真实人物。）{name}长期从事{discipline}研究和科普工作，"
         "带领团队取得系列成果，每年面向中小学生开展科普讲座二十余场。" + SAMPLE_NOTE)


def _midnight(days):
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today + timedelta(days=days), time()))


def _experts():
    group = ensure_roles()[EXPERT]
    experts, created = [], 0
    for username, password, name in EXPERTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=name, email=f"{username}@example.org")
            user.set_password(password)
            user.save()
            user.groups.add(group)
            created += 1
        experts.append(user)
    return experts, created


def _call(title, programme, days):
    """days: (opens, closes, notice starts, notice ends) from today."""
    call = Call.objects.filter(title=title).first()
    if call is not None:
        return call, 0
    opens, closes, notice_from, notice_to = (_midnight(d) for d in days)
    call = Call.objects.create(
        title=title, honour="最美科技工作者" if "科技工作者" in title else "优秀科普作品作者",
        honour_year=2026 if "2026" in title else 2025,
        rules="每个推荐单位在名额内推荐；事迹材料不少于 300 字；照片 3—5 张，jpg 格式，每张不小于 2 MB，"
              "按“姓名+序号”命名。" + SAMPLE_NOTE,
        opens_at=opens, closes_at=closes, notice_starts_at=notice_from, notice_ends_at=notice_to,
        objection_instructions="如有异议，请在公示期内以实名书面形式向示例评选办公室提出（示例地址，勿寄）。",
        story_programme=programme,
    )
    KindQuota.objects.create(call=call, kind=UnitKind.PROVINCE, quota=10)
    KindQuota.objects.create(call=call, kind=UnitKind.SOCIETY, quota=2)
    for sort_order, (name, kind, quota) in enumerate(UNITS):
        NominatingUnit.objects.create(call=call, institute=Institute.objects.get(name=name), kind=kind,
                                      quota=quota, sort_order=sort_order)
    for name, unit, work_unit, discipline in NOMINEES:
        Nomination.objects.create(
            call=call, unit=call.units.get(institute__name=unit), nominee_name=name, work_unit=work_unit,
            discipline=discipline, deeds=DEEDS.format(name=name, discipline=discipline) * 3,
            recommendation="同意推荐。" + SAMPLE_NOTE, is_sample=True,
        )
    return call, 1 + len(NOMINEES)


def _rounds(call, experts):
    if call.rounds.exists():
        return 0
    specs = [(1, "初评", call.opens_at, call.closes_at + timedelta(days=10), [("事迹", 3), ("影响", 1)]),
             (2, "终评", call.closes_at + timedelta(days=11), call.closes_at + timedelta(days=20), [("综合", 1)])]
    for number, name, starts, ends, criteria in specs:
        round_ = Round(call=call, number=number, name=name, starts_at=starts, ends_at=ends, chair=experts[0])
        round_.experts = experts
        round_.criteria = [Criterion(name=c, weight=w, max_score=100) for c, w in criteria]
        round_.save()
    return 2


def _photo(nomination):
    """A drawn sample portrait for the 公示 call's nominees (not a photo of anyone)."""
    from django.core.files.base import ContentFile
    from wagtail.images.models import Image

    from .models import NominationPhoto

    if nomination.photos.exists():
        return
    image = Image.objects.create(title=f"示例肖像：{nomination.nominee_name}",
                                 file=ContentFile(images.portrait(nomination.nominee_name), name="sample.png"))
    NominationPhoto.objects.create(nomination=nomination, image=image, original_name=f"{nomination.nominee_name}1.png",
                                   original_size=image.file.size, sort_order=1)


def load(programme):
    """Load the sample selections under ``programme``; returns how many things were created."""
    experts, created = _experts()
    call, made = _call(OPEN_CALL, programme, (-30, 60, 90, 97))
    created += made + _rounds(call, experts)
    finished, made = _call(FINISHED_CALL, programme, (-120, -90, -1, 29))
    created += made
    if made:
        finished.nominations.update(shortlisted=True, reached_round=1)
        for nomination in finished.nominations.all():
            _photo(nomination)
    if not programme.get_children().filter(slug="gongshi-2025").exists():
        notice = NoticePage(title="2025年优秀科普作品评选入围名单公示（示例）", slug="gongshi-2025", call=finished,
                            introduction="经推荐单位推荐、专家评审，现将入围名单予以公示。" + SAMPLE_NOTE, live=False)
        programme.add_child(instance=notice)
        notice.save_revision().publish()
        created += 1
    return created
