"""What a campaign gathers: the pieces chosen by hand (in order), then those its rule matches.

Live pages only; the public page keeps only what the exporter exports (public, not expired), so a
piece scheduled to go live later is not listed before then. CampaignPage declares
``export_depends_on`` the piece types, so the campaign renders again when one goes live.
"""

import functools
import operator

from django.apps import apps
from django.db.models import Q


def piece_models():
    from .models import PIECE_TYPES

    return [apps.get_model(label) for label in PIECE_TYPES]


def hand_picked(campaign):
    return [item.piece.specific for item in campaign.pieces.all() if item.piece is not None]


def rule_matches(campaign, among=None):
    """Pages matching the campaign's tag, type and programme rule ([] when it has none); pages never
    published yet (scheduled ones) are candidates whatever the window: they go live in it or later.
    ``among`` ((model, ids)): only those pages of that page type (and its subclasses) are looked at."""
    from .models import EventPage

    tags = list(campaign.rule_tags.all())
    types = [ct.model_class() for ct in campaign.rule_types.all()]
    if not tags and not types:
        return []
    programmes = list(campaign.rule_programmes.all())
    found = []
    for model in [m for m in (types or piece_models()) if m is not None]:
        pages = model.objects.live()
        if among is not None:
            if not (issubclass(model, among[0]) or issubclass(among[0], model)):
                continue
            pages = pages.filter(pk__in=among[1])
        if tags:
            pages = pages.filter(tags__in=tags)
        if programmes:
            pages = pages.filter(functools.reduce(operator.or_, [Q(path__startswith=p.path) for p in programmes]))
        if campaign.rule_within_window:
            if model is EventPage:
                pages = pages.filter(start_date__lte=campaign.end_date).filter(
                    Q(end_date__gte=campaign.start_date) | Q(start_date__gte=campaign.start_date)
                    | Q(repeat_until__gte=campaign.start_date))
            else:
                pages = pages.filter(Q(first_published_at__isnull=True) | Q(
                    first_published_at__date__gte=campaign.start_date, first_published_at__date__lte=campaign.end_date))
        found.extend(pages.distinct().order_by("path"))
    return found


def members(campaign, *, waves=True):
    """The live pages the campaign gathers, hand-picked first, each once; with ``waves``,
    its waves' too (a month-long campaign shows what its themed weeks gather)."""
    from .models import CampaignPage

    seen, found = set(), []
    campaigns = [campaign]
    if waves:
        campaigns += list(CampaignPage.objects.descendant_of(campaign).live().order_by("path").specific())
    for each in campaigns:
        for page in hand_picked(each) + rule_matches(each):
            if page.pk not in seen:
                seen.add(page.pk)
                found.append(page)
    return found


def gathering(model, ids):
    """The ids of the live campaigns whose members (``members``: their waves' too) include one of the
    pages ``ids`` of the page type ``model``: a query per campaign and rule type, over those pages only."""
    from .models import CampaignPage

    ids = set(ids)
    campaigns = list(CampaignPage.objects.live().order_by("path").specific().prefetch_related(
        "pieces", "rule_tags", "rule_types", "rule_programmes"))
    direct = [campaign for campaign in campaigns
              if any(item.piece_id in ids for item in campaign.pieces.all())
              or rule_matches(campaign, among=(model, ids))]
    return {campaign.pk for campaign in campaigns if any(found.path.startswith(campaign.path) for found in direct)}


def campaigns_of(page):
    """The live campaigns that gather ``page`` (for the admin and for the publish seam)."""
    from .models import CampaignPage

    return [campaign for campaign in CampaignPage.objects.live().order_by("path").specific()
            if page.live and any(member.pk == page.pk for member in members(campaign, waves=False))]
