"""How 学风传承 columns and their articles render for the public site."""

from cms.core.documents import render_body
from cms.programmes.models import ProgrammePage

# What article_document reads, fetched for all articles at once by the exporter.
ARTICLE_EXPORT_PREFETCH = ("tags", "featured_scientists__story")


def column_document(page, context):
    meta = context.front_matter(
        page, kind="column", programme=context.ancestor(page, ProgrammePage), cadence=page.get_cadence_display(),
    )
    return context.document(page, meta, context.richtext(page.introduction))


def article_document(page, context):
    column = context.parent(page)
    meta = context.front_matter(
        page, kind="column_article", description=page.summary, programme=context.ancestor(page, ProgrammePage),
        tags=page.tags.all(), column=column.title, issue=page.issue_number,
    )
    meta["date"] = page.date.isoformat()
    parts = [f"第 {page.issue_number} 期 · {page.date.isoformat()}"]
    if page.summary:
        parts.append(f"*{page.summary.strip()}*")
    parts.append(render_body(page.body, context))
    featured = [(f.story, context.link(f.story)) for f in page.featured_scientists.all()]
    featured = [(story, link) for story, link in featured if link]
    if featured:
        parts.append("## 本期人物\n\n" + "\n".join(f"- [{story.title}]({link})" for story, link in featured))
    return context.document(page, meta, "\n\n".join(p for p in parts if p))
