"""How integrity documents and the 学风建设 section render for the public site.

The section is filterable without JavaScript: a filter bar of links to one list per issuing body,
kind and validity on the same page (static, like the resource library's facet pages). The default
list leaves 已废止 documents out; wherever one is listed it carries a 已废止 badge in words.
"""

from cms.core.corrections import correctable_document, tombstone
from cms.factcheck.listing import public_pages

EXPORT_PREFETCH = ("replaced_by", "original_file", "corrections")
BADGE = '<span class="kepu-badge kepu-badge--{validity}">{label}</span>'


def issuing_bodies(page):
    """A joint document's issuing bodies, one by one (科技部办公厅、民政部办公厅 → two)."""
    return [b.strip() for b in page.issuing_body.replace("，", "、").split("、") if b.strip()]


def _badge(page):
    if page.validity == page.Validity.VALID:
        return ""
    return BADGE.format(validity=page.validity, label=page.get_validity_display())


def _facts(page):
    facts = [("类型", page.get_kind_display()), ("发布机构", page.issuing_body), ("文号", page.number),
             ("印发日期", page.issue_date.isoformat() if page.issue_date else ""),
             ("施行日期", page.effective_date.isoformat() if page.effective_date else ""),
             ("效力", page.get_validity_display())]
    return [(label, value) for label, value in facts if value]


def integrity_document(page, context):
    if page.retracted:
        return tombstone(page, context, "integrity_document")
    facts = _facts(page)
    meta = context.front_matter(
        page, kind="integrity_document", description=page.summary, authors=issuing_bodies(page),
        document_kind=page.kind, document_kind_label=page.get_kind_display(), validity=page.validity,
        validity_label=page.get_validity_display(), number=page.number,
        issued=page.issue_date.isoformat() if page.issue_date else None,
        facts=[{"label": label, "value": value} for label, value in facts],
        card={"facts": [v for v in (page.get_kind_display(), page.issuing_body, page.number) if v]},
    )
    return correctable_document(page, context, meta, _document_body(page, context, facts))


def _document_body(page, context, facts):
    parts = []
    if page.validity != page.Validity.VALID:
        notice = f"{_badge(page)} 本文件{page.get_validity_display()}。"
        replacement = public_pages(context, page, [page.replaced_by]) if page.replaced_by else []
        for current, link in replacement:
            notice += f"现行文件：[{context.plain(current.title)}]({link})"
        parts.append(f'<p class="kepu-validity" markdown="span">{notice}</p>')
    parts.append("\n".join(f"- {label}：{context.plain(value)}" for label, value in facts))
    if page.kind == page.Kind.CASE and page.named_persons.strip() and page.names_confirmed:
        parts.append(f"当事人：{context.plain(page.named_persons)}")
    parts.append(context.richtext(page.body) if page.body else context.plain(page.summary))
    if page.original_file:
        parts.append(f"[下载原件：{context.plain(page.original_file.title)}]({context.file(page.original_file)})")
    return "\n\n".join(p for p in parts if p)


# The section ------------------------------------------------------------------------------------

def _newest_first(pages):
    return sorted(pages, key=lambda p: (p.issue_date is not None, p.issue_date, p.pk), reverse=True)


def _items(context, here, pages):
    lines = []
    for page, link in public_pages(context, here, _newest_first(pages)):
        badge = f" {_badge(page)}" if _badge(page) else ""
        facts = " · ".join(context.plain(v) for v in (page.issuing_body, page.number,
                                                      page.issue_date.isoformat() if page.issue_date else "",
                                                      page.get_kind_display()) if v)
        lines.append(f"- [{context.plain(page.title)}]({link}){badge}  \n  {facts}")
    return "\n".join(lines) if lines else "暂无文件。"


def facets(documents):
    """{facet: {value: [documents]}} by issuing body, kind and validity, in a stable order."""
    found = {"发布机构": {}, "文件类型": {}, "效力": {}}
    for page in documents:
        for body in issuing_bodies(page):
            found["发布机构"].setdefault(body, []).append(page)
        found["文件类型"].setdefault(page.get_kind_display(), []).append(page)
        found["效力"].setdefault(page.get_validity_display(), []).append(page)
    return {facet: dict(sorted(values.items(), key=lambda pair: (-len(pair[1]), pair[0])))
            for facet, values in found.items()}


def integrity_section_document(page, context):
    from .models import IntegrityDocumentPage

    meta = context.front_matter(page, kind="integrity_section", description=page.introduction or "学风建设文件",
                                order=930)
    # IntegritySectionPage declares export_depends_on IntegrityDocumentPage: the list follows each change.
    documents = [d for d in IntegrityDocumentPage.objects.child_of(page).live() if not d.retracted]
    public = [d for d, _link in public_pages(context, page, documents)]
    in_force = [d for d in public if d.validity != IntegrityDocumentPage.Validity.REPEALED]
    cases = [d for d in public if d.kind == IntegrityDocumentPage.Kind.CASE]
    by_facet = facets(public)

    parts = [context.plain(page.introduction)] if page.introduction else []
    anchors, filters, lists = {}, [], []
    for number, (facet, values) in enumerate(by_facet.items(), start=1):
        links = []
        for index, (value, docs) in enumerate(values.items(), start=1):
            anchor = f"filter-{number}-{index}"
            anchors[(facet, value)] = anchor
            links.append(f"[{context.plain(value)}（{len(docs)}）](#{anchor})")
            lists.append(f"### {context.plain(facet)}：{context.plain(value)} {{ #{anchor} }}\n\n"
                         + _items(context, page, docs))
        filters.append(f"- 按{facet}：" + " · ".join(links))
    parts.append('<nav class="kepu-filter-links" aria-label="筛选文件" markdown="1">\n\n'
                 + "\n".join(filters) + "\n\n</nav>")
    parts.append("## 现行文件\n\n已废止的文件不在此列，可在“按效力”中查看。\n\n" + _items(context, page, in_force))
    parts.append("## 案例警示 { #cases }\n\n科研失信行为的处理结果通报，警示教育之用。\n\n"
                 + _items(context, page, cases))
    parts.append("## 按条件查看\n\n" + "\n\n".join(lists))
    return context.document(page, meta, "\n\n".join(parts))
