"""How a scientist story renders for the public site.

The front matter carries the facts the templates lay out (portrait, scientist, honours, related
stories); the Markdown body is the story itself and its sources.
"""

from cms.core.corrections import correctable_document, tombstone
from cms.core.documents import render_body
from cms.factcheck.authorship import AUTHORS_PREFETCH, byline, public_author_names
from cms.factcheck.emergency import EMERGENCY, EMERGENCY_MARK
from cms.programmes.models import ProgrammePage

THUMB_WIDTHS = (240, 480)
# What story_document reads, fetched for all stories at once by the exporter.
EXPORT_PREFETCH = ("portrait", "tags", "honours", "sources", "related_stories__story__portrait", "corrections",
                   AUTHORS_PREFETCH)


def story_card(story, context):
    """How a story shows in a listing: a small portrait and who the scientist is."""
    card = {"facts": [f for f in (story.discipline, story.institution) if f]}
    if story.portrait:
        card["image"] = context.picture(story.portrait, story.portrait_alt, widths=THUMB_WIDTHS, default=240)
    return card


def linked_stories(stories, context):
    """Listing items for other stories that are public (the rest are left out)."""
    items = []
    for story in stories:
        url = context.url(story)
        if url:
            items.append({"title": story.title, "url": url, "description": story.summary, **story_card(story, context)})
    return items


def story_document(page, context):
    programme = context.ancestor(page, ProgrammePage)
    if page.retracted:
        return tombstone(page, context, "story", programme)
    honours = list(page.honours.all())
    emergency = page.through_urgent_path  # stored when the 应急科普 workflow approved it
    card = story_card(page, context)
    if emergency:
        card["facts"].append(EMERGENCY)
    meta = context.front_matter(
        page, kind="story", description=page.summary, programme=programme,
        tags=page.tags.all(), authors=public_author_names(page),
        image=context.image_path(page.portrait) if page.portrait else None,
        scientist=page.scientist_name, discipline=page.discipline, institution=page.institution,
        honours=[{"title": h.title, "year": h.year} for h in honours],
        facts=[{"label": "学科", "value": page.discipline}]
        + ([{"label": "单位", "value": page.institution}] if page.institution else []),
        card=card, emergency=emergency,
    )
    if page.portrait:
        meta["portrait"] = context.picture(page.portrait, page.portrait_alt)
    related = linked_stories((r.story for r in page.related_stories.all()), context)
    if related:
        meta["related"] = related
    return correctable_document(page, context, meta, _story_body(page, context, emergency))


def _story_body(page, context, emergency):
    parts = [EMERGENCY_MARK if emergency else "", byline(page, context), render_body(page.body, context)]
    sources = list(page.sources.all())
    if sources:
        parts.append("## 参考来源\n\n" + "\n".join(
            f"1. {context.external_link(s.title, s.url)}" for s in sources
        ))
    return "\n\n".join(p for p in parts if p)
