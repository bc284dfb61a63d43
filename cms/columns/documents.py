"""How 学风传承 columns and their articles render for the public site."""

from cms.core.documents import render_body
from cms.stories.documents import linked_stories


def column_document(page, context):
    cadence = page.get_cadence_display()
    meta = context.front_matter(
        page, kind="column", programme=page.programme, cadence=cadence, children_sort="-issue", children_sequence=True,
        facts=[{"label": "更新频率", "value": cadence}], card={"facts": [f"学风传承专栏 · {cadence}"]},
    )
    return context.document(page, meta, context.richtext(page.introduction))


def article_document(page, context):
    column = page.get_parent().specific
    meta = context.front_matter(
        page, kind="column_article", description=page.summary, programme=page.programme,
        tags=page.tags.all(), column=column.title, issue=page.issue_number,
        card={"facts": [f"第 {page.issue_number} 期"]},
    )
    meta["date"] = page.date.isoformat()
    featured = linked_stories((f.story for f in page.featured_scientists.select_related("story__portrait")), context)
    if featured:
        meta["featured"] = featured
    return context.document(page, meta, render_body(page.body, context))
