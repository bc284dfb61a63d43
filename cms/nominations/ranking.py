"""Scores and the ranking of a round.

An expert's score of a nomination is the weighted mean of their values per criterion,
Σ(得分 × 权重) / Σ权重, to two decimals. A nomination's result in the round is the mean of its
experts' scores (those who declared a conflict of interest have none). Nominations are ranked by
that mean, highest first; equal means share a rank (1, 2, 2, 4) and are marked 并列.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def weighted_mean(values_by_criterion, criteria):
    """``values_by_criterion`` {criterion pk: value}; every criterion must have a value."""
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    total = sum((Decimal(values_by_criterion[c.pk]) * c.weight for c in criteria), Decimal(0))
    return (total / total_weight).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Place:
    nomination: object
    mean: Decimal | None
    scores: int
    conflicts: int
    rank: int | None = None
    tied: bool = False


def ranking(round_):
    """The round's nominations as Places, best first."""
    nominations = round_.nominations().select_related("unit__institute").order_by("nominee_name", "pk")
    scores, conflicts = {}, {}
    for score in round_.scores.all():
        scores.setdefault(score.nomination_id, []).append(score.weighted)
    for conflict in round_.conflicts.all():
        conflicts[conflict.nomination_id] = conflicts.get(conflict.nomination_id, 0) + 1
    places = []
    for nomination in nominations:
        values = scores.get(nomination.pk, [])
        mean = (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP) if values else None
        places.append(Place(nomination, mean, len(values), conflicts.get(nomination.pk, 0)))
    places.sort(key=lambda place: (place.mean is None, -(place.mean or 0)))
    for index, place in enumerate(places):
        if place.mean is None:
            continue
        previous = places[index - 1] if index else None
        place.rank = previous.rank if previous and previous.mean == place.mean else index + 1
    for place in places:
        place.tied = place.rank is not None and sum(1 for p in places if p.rank == place.rank) > 1
    return places
