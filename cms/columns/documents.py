"""How 学风传承 columns and their articles render for the public site."""

from cms.core.corrections import correctable_document, tombstone
from cms.core.documents import render_body
from cms.factcheck.authorship import AUTHORS_PREFETCH, byline, public_author_names
from cms.programmes.models import ProgrammePage
from cms.stories.documents import linked_stories

# What article_document reads, fetched for all articles at once by the exporter.
ARTICLE_EXPORT_PREFETCH = ("tags", "featured_scientists__story__portrait", "corrections", AUTHORS_PREFETCH)


def column_document(page, context):
    cadence = page.get_cadence_display()
    meta = context.front_matter(
        page, kind="column", programme=context.ancestor(page, ProgrammePage), cadence=cadence,
        children_sort="-issue", children_sequence=True,
        facts=[{"label": "更新频率", "value": cadence}], card={"facts": [f"学风传承专栏 · {cadence}"]},
    )
    return context.document(page, meta, context.richtext(page.introduction))


def article_document(page, context):
    programme = context.ancestor(page, ProgrammePage)
    if page.retracted:
        return tombstone(page, context, "column_article", programme)
    column = context.parent(page)
    meta = context.front_matter(
        page, kind="column_article", description=page.summary, programme=programme,
        tags=page.tags.all(), authors=public_author_names(page), column=column.title, issue=page.issue_number,
        card={"facts": [f"第 {page.issue_number} 期"]},
    )
    meta["date"] = page.date.isoformat()
    featured = linked_stories((f.story for f in page.featured_scientists.all()), context)
    if featured:
        meta["featured"] = featured
    body = "\n\n".join(p for p in (byline(page, context), render_body(page.body, context)) if p)
    return correctable_document(page, context, meta, body)
