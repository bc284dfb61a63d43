"""How a popularisation resource renders for the public site.

It files itself in the 科普资源库 under four facets (kind, audience, subject, institute); the
publish step builds one static page per facet value and the filter over them all.
"""

from urllib.parse import urlsplit

from cms.core.corrections import correctable_document, tombstone
from cms.core.documents import render_body
from cms.programmes.models import ProgrammePage

LIBRARY = "科普资源库"
# What resource_document reads, fetched for all resources at once by the exporter.
EXPORT_PREFETCH = ("institute", "audiences", "subjects", "tags", "files__document", "corrections")


def resource_document(page, context):
    programme = context.ancestor(page, ProgrammePage)
    if page.retracted:
        return tombstone(page, context, "resource", programme)
    audiences = [a.name for a in page.audiences.all()]
    subjects = sorted(s.name for s in page.subjects.all())
    kind = page.get_kind_display()
    institute = page.institute.name if page.institute else ""
    licence = page.get_licence_display() if page.licence else ""
    facts = [("类型", kind), ("受众", "、".join(audiences)), ("学科主题", "、".join(subjects)),
             ("贡献机构", institute), ("时长或篇幅", page.length), ("许可协议", licence)]
    facets = {"类型": [kind], "受众": audiences, "学科主题": subjects, "贡献机构": [institute] if institute else []}
    meta = context.front_matter(
        page, kind="resource", description=page.summary, programme=programme,
        tags=page.tags.all(), authors=[institute] if institute else [],
        resource_kind=page.kind, resource_kind_label=kind, audiences=audiences, subjects=subjects,
        institute=institute, licence=page.licence, licence_label=licence, length=page.length,
        facts=[{"label": label, "value": value} for label, value in facts if value],
        card={"facts": [f for f in (kind, page.length, institute, licence) if f]},
        library=LIBRARY, facets={name: values for name, values in facets.items() if values},
    )
    parts = [render_body(page.body, context)]
    access = []
    for item in page.files.all():
        access.append(f"- [{context.plain(item.title or item.document.title)}]({context.file(item.document)})")
    if page.external_url:
        access.append(f"- {context.external_link(f'在 {_host(page.external_url)} 上查看', page.external_url)}")
    if page.embed_url:
        # A link, never an embedded player: nothing from another host loads by itself.
        access.append(f"- {context.external_link(f'▶ 在线播放（{_host(page.embed_url)}）', page.embed_url)}")
    if access:
        parts.append("## 获取资源\n\n" + "\n".join(access))
    if licence:
        parts.append(f"本资源由{context.plain(institute) or '贡献机构'}提供，使用许可：{context.plain(licence)}。")
    return correctable_document(page, context, meta, "\n\n".join(p for p in parts if p))


def contribution_area_document(page, context):
    """An institute's contribution area, as the public sees it: the resources it contributed that
    passed 机构投稿审核 (the publish step lists them). Its guidelines are for contributors only."""
    institute = page.institute
    facts = [("机构类型", institute.get_kind_display()), ("地区", institute.region)]
    meta = context.front_matter(
        page, kind="contribution_area", description=f"{institute.name}贡献、经审核发布的科普资源",
        programme=context.ancestor(page, ProgrammePage), authors=[institute.name], institute=institute.name,
        facts=[{"label": label, "value": value} for label, value in facts if value],
        container=True,  # not a piece of content: not in 最新内容, feeds or counts
    )
    body = context.external_link(f"{institute.name}网站", institute.website) if institute.website else ""
    return context.document(page, meta, body)


def _host(url):
    return urlsplit(url).hostname or url
