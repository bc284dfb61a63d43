"""How debunks, the 辟谣 lists, the 应急科普 hub and the expert directory render for the public site.

A debunk states its verdict in words at the top (colour only repeats it), shows the whole verdict
scale with each meaning, and carries schema.org ClaimReview JSON-LD in ``structured_data``.
"""

from cms.core.corrections import correctable_document, corrections_json_ld, tombstone
from cms.core.documents import render_body
from cms.core.models import SiteSettings
from cms.programmes.models import ProgrammePage

from .authorship import AUTHORS_PREFETCH, byline, public_author_names
from .emergency import EMERGENCY, EMERGENCY_MARK
from .listing import public_pages
from .verdicts import BEST, MEANINGS, RATING, WORST, Verdict, scale
from .verdicts import label as label_of

# What debunk_document reads, fetched for all debunks at once by the exporter.
DEBUNK_PREFETCH = ("sources", "reviewers__expert__subjects", "corrections", "claim_screenshot", AUTHORS_PREFETCH)
THUMB_WIDTHS = (240, 480)


def organisation():
    """The site's organisation, the author of every ClaimReview: ``(name, base URL)``."""
    settings = SiteSettings.load()
    return settings.site_name, settings.base_url.rstrip("/") + "/"


def claim_review(page, canonical, published):
    """schema.org ClaimReview of a debunk (https://schema.org/ClaimReview)."""
    name, base = organisation()
    verdict = Verdict(page.verdict)
    where = " ".join(page.claim_where.split())
    appearance = {"@type": "CreativeWork", "name": where}
    if page.claim_url:
        appearance["url"] = page.claim_url
    first = {**appearance, "datePublished": page.claim_first_seen.isoformat()}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": base + canonical.lstrip("/"),
        "name": page.title,
        "inLanguage": "zh-CN",
        "claimReviewed": " ".join(page.claim.split()),
        "author": {"@type": "Organization", "name": name, "url": base},
        "reviewRating": {
            "@type": "Rating", "ratingValue": RATING[verdict], "bestRating": BEST, "worstRating": WORST,
            "alternateName": label_of(verdict), "ratingExplanation": MEANINGS[verdict],
        },
        "itemReviewed": {
            "@type": "Claim", "appearance": [appearance], "firstAppearance": first,
            "datePublished": page.claim_first_seen.isoformat(),
        },
        "dateModified": page.last_reviewed.isoformat(),
    }
    if published:
        review["datePublished"] = published
    corrections = corrections_json_ld(page)
    if corrections:
        review["correction"] = corrections
    return review


def _verdict_box(verdict, summary, context):
    label = label_of(verdict)
    return (f'<div class="kepu-verdict kepu-verdict--{verdict}" markdown="1">\n\n'
            f"**核查结论：{label}**\n\n"
            f"{label}：{MEANINGS[Verdict(verdict)]}\n\n"
            f"{context.plain(summary)}\n\n</div>")


def _scale(verdict):
    lines = ["## 核查结论等级说明", ""]
    for value, label, meaning in scale():
        mark = "（本文结论）" if value == verdict else ""
        lines.append(f"- **{label}**{mark}：{meaning}")
    return "\n".join(lines)


def _claim(page, context):
    lines = ["## 流传说法", "", "> " + context.plain(page.claim), ""]
    lines.append(f"- 流传渠道：{context.plain(page.claim_where)}")
    lines.append(f"- 最早发现：{page.claim_first_seen.isoformat()}")
    if page.claim_url:
        lines.append(f"- 出处：{context.external_link(page.claim_where, page.claim_url)}")
    text = "\n".join(lines)
    if page.claim_screenshot:
        text += "\n\n" + context.image(page.claim_screenshot, page.claim_screenshot_alt, caption="流传截图")
    return text


def _sources(page, context):
    lines = ["## 证据来源", ""]
    for number, source in enumerate(page.sources.all(), start=1):
        title = context.external_link(source.title, source.url) if source.url else context.plain(source.title)
        date = f"，{source.date.isoformat()}" if source.date else ""
        lines.append(f"{number}. {title}。{context.plain(source.publisher)}{date}")
    return "\n".join(lines)


def _reviewers(page, context):
    lines = ["## 审核专家", ""]
    for review in page.reviewers.all():
        expert = review.expert
        if expert.is_public:
            who = "，".join(context.plain(v) for v in (expert.name, expert.title, expert.institute))
            lines.append(f"- {who}")
        else:
            lines.append("- 一位应急科普专家库的专家（本人未同意公开姓名）")
    return "\n".join(lines)


def debunk_card(page):
    label = label_of(page.verdict)
    return {"facts": [f"核查结论：{label}"] + ([EMERGENCY] if page.emergency else [])}


def debunk_document(page, context):
    programme = context.ancestor(page, ProgrammePage)
    if page.retracted:
        return tombstone(page, context, "debunk", programme)
    label = label_of(page.verdict)
    experts = [r.expert for r in page.reviewers.all()]
    meta = context.front_matter(
        page, kind="debunk", description=page.verdict_summary, programme=programme,
        authors=list(dict.fromkeys(public_author_names(page) + [e.name for e in experts if e.is_public])),
        verdict=page.verdict, verdict_label=label, emergency=page.emergency,
        facts=[{"label": "核查结论", "value": label}, {"label": "最近核查", "value": page.last_reviewed.isoformat()}],
        card=debunk_card(page),
    )
    meta["structured_data"] = [claim_review(page, meta["canonical"], meta.get("published"))]
    return correctable_document(page, context, meta, _debunk_body(page, context, meta))


def _debunk_body(page, context, meta):
    dates = f"发布日期：{meta['date']}；" if meta.get("date") else ""
    parts = [
        EMERGENCY_MARK if page.emergency else "",
        _verdict_box(page.verdict, page.verdict_summary, context),
        byline(page, context),
        _claim(page, context),
        "## 解读\n\n" + render_body(page.explanation, context),
        _sources(page, context),
        _reviewers(page, context),
        f"{dates}最近核查日期：{page.last_reviewed.isoformat()}。",
        _scale(page.verdict),
    ]
    return "\n\n".join(p for p in parts if p)


# Lists ------------------------------------------------------------------------------------------

def _newest_first(pages):
    return sorted(pages, key=lambda p: (p.first_published_at is not None, p.first_published_at, p.pk), reverse=True)


def _published_on(page):
    return page.first_published_at.date().isoformat() if page.first_published_at else ""


def _debunk_item(page, link, context):
    mark = f" · {EMERGENCY}" if page.emergency else ""
    return (f"- [{context.plain(page.title)}]({link})  \n"
            f"  核查结论：**{label_of(page.verdict)}**{mark} · {_published_on(page)}  \n"
            f"  {context.plain(page.verdict_summary)}")


def debunk_list(context, here, debunks, empty="暂无辟谣。"):
    """Markdown list of the public, unretracted debunks among ``debunks``, newest first."""
    lines = [_debunk_item(page, link, context)
             for page, link in public_pages(context, here, _newest_first(d for d in debunks if not d.retracted))]
    return "\n".join(lines) if lines else context.plain(empty)


def _story_item(page, link, context):
    return (f"- [{context.plain(page.title)}]({link})  \n"
            f"  科学家故事 · {EMERGENCY} · {_published_on(page)}  \n  {context.plain(page.summary)}")


def emergency_list(context, here, debunks, stories):
    """The 应急科普 pieces (debunks flagged 应急科普, stories that went live through the 应急科普
    workflow), public and unretracted, newest first."""
    pieces = _newest_first(p for p in [*debunks, *stories] if not p.retracted)
    lines = [(_debunk_item if hasattr(page, "verdict") else _story_item)(page, link, context)
             for page, link in public_pages(context, here, pieces)]
    return "\n".join(lines) if lines else "暂无应急科普内容。"


def _live_debunks():
    """Every live debunk (the list pages declare ``export_depends_on`` DebunkPage: the render cache
    renders them again when one goes live, changes or goes)."""
    from .models import DebunkPage

    return DebunkPage.objects.live().prefetch_related("reviewers__expert")


def _listing_meta(page, context, kind, description, order, **extra):
    # container: a list of other pages, not a piece of content (not in 最新内容, feeds or counts)
    return context.front_matter(page, kind=kind, description=description or page.title, order=order,
                                container=True, **extra)


def debunk_index_document(page, context):
    meta = context.front_matter(page, kind="debunk_index", description=page.introduction or "本项目的辟谣文章",
                                programme=context.ancestor(page, ProgrammePage))
    debunks = _live_debunks().child_of(page)
    body = "\n\n".join(p for p in (context.plain(page.introduction), debunk_list(context, page, debunks)) if p)
    return context.document(page, meta, body)


def debunk_listing_document(page, context):
    meta = _listing_meta(page, context, "debunk_listing", page.introduction or "各品牌项目的全部辟谣，最新的在前", 910)
    body = "\n\n".join(p for p in (context.plain(page.introduction), debunk_list(context, page, _live_debunks())) if p)
    return context.document(page, meta, body)


def emergency_hub_document(page, context):
    meta = context.front_matter(page, kind="emergency_hub", description=page.introduction or "应急科普内容，最新的在前",
                                order=900)
    from cms.stories.models import StoryPage

    # the stories the 应急科普 workflow approved (the hub declares export_depends_on StoryPage)
    stories = StoryPage.objects.live().filter(through_urgent_path=True)
    children = [f"[{context.plain(child.title)}]({link})"
                for child, link in public_pages(context, page, page.get_children().live().specific().order_by("path"))]
    parts = [context.plain(page.introduction), " · ".join(children),
             "## 应急科普内容\n\n" + emergency_list(context, page, _live_debunks().filter(emergency=True), stories)]
    return context.document(page, meta, "\n\n".join(p for p in parts if p))
