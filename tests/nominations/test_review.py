"""Experts score the nominations of their round; a declared conflict of interest excludes them; the
chair sees the ranking (weighted mean, ties shown) and advances the chosen; all in the audit log."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.nominations.ranking import ranking

from .conftest import make_nomination

pytestmark = pytest.mark.django_db


SAVED = reverse_lazy("nominations_my_rounds")


def score(client, expert, round_, nomination, **values):
    client.force_login(expert)
    criteria = {c.name: c.pk for c in round_.criteria.all()}
    data = {f"c{criteria[name]}": value for name, value in values.items()}
    return client.post(reverse("nominations_score", args=(round_.pk, nomination.pk)), data)


def declare_conflict(client, expert, round_, nomination, reason="同一单位"):
    client.force_login(expert)
    url = reverse("nominations_score", args=(round_.pk, nomination.pk))
    return client.post(url, {"conflict": "on", "conflict_reason": reason})


@pytest.fixture
def field(units, rounds):
    """Four nominations in the first round."""
    return {name: make_nomination(units[unit], name) for name, unit in
            (("甲", "province"), ("乙", "province"), ("丙", "society"), ("丁", "institute"))}


def test_scores_conflicts_ranking_ties_and_advancing(client, rounds, field):
    first, (one, two, three) = rounds["first"], rounds["experts"]
    # 甲: (90×3 + 70×1)/4 = 85.00 and (80×3 + 80)/4 = 80.00 → mean 82.50
    assert score(client, one, first, field["甲"], 事迹=90, 影响=70).url == SAVED
    assert score(client, two, first, field["甲"], 事迹=80, 影响=80).url == SAVED
    # 乙: expert three declares a conflict and is excluded, even from a score given before.
    assert score(client, three, first, field["乙"], 事迹=10, 影响=10).url == SAVED
    assert declare_conflict(client, three, first, field["乙"]).url == SAVED
    refused = score(client, three, first, field["乙"], 事迹=10, 影响=10)
    assert "您已声明与这位被推荐人存在利益冲突" in refused.content.decode()
    assert score(client, one, first, field["乙"], 事迹=85, 影响=70).url == SAVED  # 81.25
    assert score(client, two, first, field["乙"], 事迹=85, 影响=75).url == SAVED  # 82.50 → mean 81.88
    # 丙 ties with 甲 at 82.50.
    assert score(client, one, first, field["丙"], 事迹=80, 影响=90).url == SAVED  # 82.50
    # A score over the maximum is refused in Chinese; 丁 stays unscored.
    over = score(client, one, first, field["丁"], 事迹=101, 影响=50)
    assert "得分不能超过满分 100" in over.content.decode()

    places = {p.nomination.nominee_name: p for p in ranking(first)}
    assert places["甲"].mean == Decimal("82.50") and places["丙"].mean == Decimal("82.50")
    assert (places["甲"].rank, places["丙"].rank, places["乙"].rank) == (1, 1, 3)
    assert places["甲"].tied and places["丙"].tied and not places["乙"].tied
    assert places["乙"].mean == Decimal("81.88") and places["乙"].scores == 2 and places["乙"].conflicts == 1
    assert places["丁"].rank is None and places["丁"].mean is None

    # The chair sees it with the tie marked; an expert who is not the chair does not.
    client.force_login(two)
    assert client.get(reverse("nominations_ranking", args=(first.pk,))).status_code in (302, 403)
    client.force_login(one)
    page = client.get(reverse("nominations_ranking", args=(first.pk,))).content.decode()
    assert page.count("1（并列）") == 2 and "81.88" in page
    response = client.post(reverse("nominations_ranking", args=(first.pk,)),
                           {"advance": [field["甲"].pk, field["丙"].pk]})
    assert response.status_code == 302
    assert sorted(n.nominee_name for n in rounds["second"].nominations()) == ["丙", "甲"]

    # The last round's chosen are shortlisted for 公示.
    second = rounds["second"]
    client.post(reverse("nominations_ranking", args=(second.pk,)), {"advance": [field["丙"].pk]})
    field["丙"].refresh_from_db()
    assert field["丙"].shortlisted

    # Every score and decision is in Wagtail's audit log, with who did it.
    log = ModelLogEntry.objects.filter(content_type__model="nomination")
    assert log.filter(action="nominations.score", object_id=str(field["甲"].pk)).count() == 2
    assert log.get(action="nominations.conflict").user == three
    assert log.get(action="nominations.conflict").data["reason"] == "同一单位"
    assert log.filter(action="nominations.advance", user=one).count() == 2
    assert log.get(action="nominations.shortlist").object_id == str(field["丙"].pk)


def test_experts_score_only_their_round_while_it_is_open(client, rounds, field, users):
    first, second = rounds["first"], rounds["second"]
    # Expert three is not in the second round; a nomination not advanced is not in it either.
    assert score(client, rounds["experts"][2], second, field["甲"], 综合=90).status_code in (302, 403)
    assert not second.scores.exists()
    assert score(client, rounds["experts"][0], second, field["甲"], 综合=90).status_code == 404
    # A closed round says so.
    first.ends_at = timezone.now() - timedelta(minutes=1)
    first.save()
    response = score(client, rounds["experts"][0], first, field["甲"], 事迹=90, 影响=90)
    assert "现在不能评分" in response.content.decode() and not first.scores.exists()
    # A contributor is nobody's expert.
    assert score(client, users["contributor"], first, field["甲"], 事迹=1, 影响=1).status_code in (302, 403)
