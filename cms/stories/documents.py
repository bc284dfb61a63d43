"""How a scientist story renders for the public site."""

from cms.core.documents import render_body
from cms.programmes.models import ProgrammePage

# What story_document reads, fetched for all stories at once by the exporter.
EXPORT_PREFETCH = ("portrait", "tags", "honours", "sources", "related_stories__story")


def story_document(page, context):
    portrait = context.image_path(page.portrait) if page.portrait else None
    honours = list(page.honours.all())
    meta = context.front_matter(
        page, kind="story", description=page.summary, programme=context.ancestor(page, ProgrammePage),
        tags=page.tags.all(), image=portrait,
        scientist=page.scientist_name, discipline=page.discipline, institution=page.institution,
        honours=[{"title": h.title, "year": h.year} for h in honours],
    )
    parts = []
    if page.portrait:
        parts.append(context.image(page.portrait, page.portrait_alt))
    facts = [f"**学科**：{page.discipline}"]
    if page.institution:
        facts.append(f"**单位**：{page.institution}")
    parts.append("  \n".join(facts))
    if page.summary:
        parts.append(f"*{page.summary.strip()}*")
    parts.append(render_body(page.body, context))
    if honours:
        parts.append("## 荣誉\n\n" + "\n".join(f"- {h.year} 年 {h.title}" for h in honours))
    sources = list(page.sources.all())
    if sources:
        parts.append("## 参考来源\n\n" + "\n".join(
            f"- [{s.title}]({s.url})" if s.url else f"- {s.title}" for s in sources
        ))
    related = [(r.story, context.link(r.story)) for r in page.related_stories.all()]
    related = [(story, link) for story, link in related if link]
    if related:
        parts.append("## 相关故事\n\n" + "\n".join(f"- [{story.title}]({link})" for story, link in related))
    return context.document(page, meta, "\n\n".join(p for p in parts if p))
