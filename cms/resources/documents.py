"""How a popularisation resource renders for the public site."""

from cms.core.documents import render_body
from cms.programmes.models import ProgrammePage

# What resource_document reads, fetched for all resources at once by the exporter.
EXPORT_PREFETCH = ("institute", "audiences", "subjects", "tags", "files__document")


def resource_document(page, context):
    audiences = [a.name for a in page.audiences.all()]
    subjects = sorted(s.name for s in page.subjects.all())
    meta = context.front_matter(
        page, kind="resource", description=page.summary, programme=context.ancestor(page, ProgrammePage),
        tags=page.tags.all(), authors=[page.institute.name] if page.institute else [],
        resource_kind=page.kind, resource_kind_label=page.get_kind_display(),
        audiences=audiences, subjects=subjects, licence=page.licence, length=page.length,
    )
    facts = [f"**类型**：{page.get_kind_display()}"]
    if audiences:
        facts.append(f"**受众**：{'、'.join(audiences)}")
    if subjects:
        facts.append(f"**学科主题**：{'、'.join(subjects)}")
    if page.institute:
        facts.append(f"**贡献机构**：{page.institute.name}")
    if page.length:
        facts.append(f"**时长或篇幅**：{page.length}")
    if page.licence:
        facts.append(f"**许可协议**：{page.get_licence_display()}")
    parts = ["  \n".join(facts)]
    if page.summary:
        parts.append(f"*{page.summary.strip()}*")
    parts.append(render_body(page.body, context))
    access = []
    for item in page.files.all():
        access.append(f"- [{item.title or item.document.title}]({context.file(item.document)})")
    if page.external_url:
        access.append(f"- [在机构网站上查看]({page.external_url})")
    if page.embed_url:
        access.append(f"- [在线播放]({page.embed_url})")
    if access:
        parts.append("## 获取资源\n\n" + "\n".join(access))
    return context.document(page, meta, "\n\n".join(p for p in parts if p))
