"""After 公示: the chief editor confirms the winners, and each becomes a draft scientist story.

The winners' stories are gathered, in the order they are confirmed, by one draft 专题 (CampaignPage) for the
集中宣传 (publicising them together); later confirmations add to it. Like the stories, it goes live
only through review, and it shows a story only once the story itself is live.

The story is a draft (never published here): name, work unit, discipline, the call's honour with
its year, the first photo as portrait (when it is large enough for one), and the 事迹材料 as a
starting body. It goes live only through the 编辑审核 workflow like any story.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.rich_text import RichText

from cms.core.models import HomePage
from cms.core.slugs import pinyin_slug, unique_among_siblings
from cms.events.models import CampaignPage, CampaignPiece
from cms.moderation.images import validate_portrait
from cms.stories.models import StoryHonour, StoryPage

from .models import Nomination

SUMMARY_LENGTH = 300
CAMPAIGN_DAYS = 30


def _portrait(nomination):
    photo = nomination.photos.select_related("image").first()
    if photo is None:
        return None
    try:
        validate_portrait(photo.image)
    except ValidationError:
        return None
    return photo.image


def _summary(nomination, call):
    text = f"{nomination.nominee_name}，{nomination.work_unit}，{call.honour_year}年获评“{call.honour}”。"
    return text[:SUMMARY_LENGTH]


def draft_story(nomination, user):
    """Create the winner's draft StoryPage under the call's programme; returns it."""
    call = nomination.call
    programme = call.story_programme
    if programme is None:
        raise ValidationError(_("请先在评选活动“%(call)s”中选择获选者故事所在的品牌项目。") % {"call": call})
    paragraphs = [line.strip() for line in nomination.deeds.splitlines() if line.strip()]
    title = f"{nomination.nominee_name}：{call.honour} {call.honour_year}"
    portrait = _portrait(nomination)
    story = StoryPage(
        title=title, slug=unique_among_siblings(pinyin_slug(nomination.nominee_name) or "story", programme),
        scientist_name=nomination.nominee_name, discipline=nomination.discipline,
        institution=nomination.work_unit, summary=_summary(nomination, call),
        portrait=portrait, portrait_alt=f"{nomination.nominee_name}的照片（推荐材料）" if portrait else "",
        body=[("paragraph", RichText("".join(f"<p>{escape(p)}</p>" for p in paragraphs)))],
        live=False, owner=user,
    )
    story.honours = [StoryHonour(title=call.honour, year=call.honour_year)]
    programme.add_child(instance=story)
    story.save_revision(user=user, log_action=True)
    return story


def draft_campaign(call, stories, user):
    """Add the winners' stories to the call's 集中宣传 专题, a draft under the home page created the
    first time (window: from today for CAMPAIGN_DAYS days, for the editors to adjust)."""
    campaign = CampaignPage.objects.filter(pk=call.campaign_id).first() if call.campaign_id else None
    if campaign is None:
        home = HomePage.objects.ancestor_of(call.story_programme).first() or HomePage.objects.first()
        today = timezone.localdate()
        honour = {"honour": call.honour, "year": call.honour_year}
        title = _("%(honour)s %(year)s 集中宣传") % honour
        campaign = CampaignPage(
            title=title, slug=unique_among_siblings(pinyin_slug(title) or "campaign", home),
            theme=_("学习宣传%(year)s年度“%(honour)s”") % honour,
            start_date=today, end_date=today + timedelta(days=CAMPAIGN_DAYS),
            lead=_("集中宣传%(year)s年度“%(honour)s”获选者的事迹。") % honour,
            live=False, owner=user,
        )
        home.add_child(instance=campaign)
        call.campaign = campaign
        call.save(update_fields=["campaign"])
    else:
        campaign = campaign.get_latest_revision_as_object()
    gathered = {piece.piece_id for piece in campaign.pieces.all()}
    campaign.pieces.add(*[CampaignPiece(piece=story) for story in stories if story.pk not in gathered])
    campaign.save_revision(user=user, log_action=True)
    return campaign


def confirm_winners(call, nominations, user):
    """Mark the chosen shortlisted nominations as winners and draft their stories. Returns the stories."""
    if not call.notice_over():
        raise ValidationError(_("公示期尚未结束，不能确认获选名单。"))
    stories = []
    with transaction.atomic():
        for nomination in Nomination.objects.select_for_update().filter(
            call=call, shortlisted=True, pk__in=[n.pk for n in nominations]
        ):
            if nomination.winner:
                continue
            nomination.winner = True
            nomination.story = draft_story(nomination, user)
            nomination.save(update_fields=["winner", "story"])
            log(nomination, "nominations.confirm_winner", user=user,
                data={"call": call.title, "story_id": nomination.story.pk})
            stories.append(nomination.story)
        if stories:
            draft_campaign(call, stories, user)
    return stories
