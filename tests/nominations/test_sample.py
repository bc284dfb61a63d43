"""The sample selections: an open 2026 call with three units and quotas, sample nominations plainly
marked, two rounds with sample experts, a 公示 page online; loading twice changes nothing."""

import pytest
from django.utils import timezone

from cms.core.models import Institute
from cms.nominations import sample
from cms.nominations.models import Call, Nomination, NoticePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_institutes(db):
    for name, kind in (("示例物理研究所", "research_institute"), ("示例天文学会", "society"),
                       ("示例市科学技术协会", "local_association")):
        Institute.objects.create(name=name, kind=kind, region="北京")


def test_the_sample_call_is_open_with_quotas_rounds_and_experts(programme, sample_institutes, roles):
    assert sample.load(programme) > 0
    call = Call.objects.get(title="2026年最美科技工作者推荐（示例）")
    assert call.is_open(timezone.now())
    quotas = {unit.institute.name: call.quota_for(unit) for unit in call.units.all()}
    assert quotas == {"示例物理研究所": 2, "示例天文学会": 2, "示例市科学技术协会": 10}
    nominations = Nomination.objects.filter(call=call)
    assert nominations.count() == 3
    assert all(n.is_sample and n.nominee_name.startswith("示例人物") and "并非真实人物" in n.deeds for n in nominations)
    assert [(r.number, r.name, sorted(u.username for u in r.experts.all())) for r in call.rounds.all()] == [
        (1, "初评", ["expert1", "expert2"]), (2, "终评", ["expert1", "expert2"])]
    assert call.rounds.get(number=1).is_open()
    assert NoticePage.objects.get().live

    counts = (Call.objects.count(), Nomination.objects.count(), NoticePage.objects.count())
    assert sample.load(programme) == 0
    assert (Call.objects.count(), Nomination.objects.count(), NoticePage.objects.count()) == counts
