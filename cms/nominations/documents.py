"""How the 公示 page renders for the public site: the shortlist, the period and how to object.

Objections themselves are never public; nor is anything of a nomination besides the name, work
unit, discipline and nominating unit.
"""

from django.utils import timezone

from cms.programmes.models import ProgrammePage

DEFAULT_OBJECTION = "如对入围人选有异议，请在公示期内以实名书面形式向评选活动组织单位提出。"


def local_minute(moment):
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment else ""


def paragraphs(text, context):
    """Multi-line CMS text as Markdown paragraphs, each exactly the text typed."""
    return "\n\n".join(context.plain(line) for line in (text or "").splitlines() if line.strip())


def notice_document(page, context):
    call = page.call
    shortlist = list(
        call.nominations.filter(shortlisted=True).select_related("unit__institute").order_by("nominee_name", "pk")
    )
    period = f"{local_minute(call.notice_starts_at)} 至 {local_minute(call.notice_ends_at)}（北京时间）"
    meta = context.front_matter(
        page, kind="notice", description=f"{call.title}入围名单公示，公示期 {period}。",
        programme=context.ancestor(page, ProgrammePage),
        facts=[{"label": "评选活动", "value": call.title}, {"label": "公示期", "value": period},
               {"label": "入围人数", "value": f"{len(shortlist)} 人"}],
        # A notice for a limited time, not a piece: not in 最新内容, the feeds or the programme's count
        # (a feed item would outlive the page). Listed on its programme's page while it is online.
        container=True,
        # For the publish package: this page is only valid inside this window (see the report / README).
        valid_from=call.notice_starts_at.isoformat() if call.notice_starts_at else "",
        valid_until=call.notice_ends_at.isoformat() if call.notice_ends_at else "",
    )
    # A list, not a table: it reads on a phone without scrolling sideways.
    rows = [f"{number}. **{context.plain(n.nominee_name)}**，{context.plain(n.work_unit)}，"
            f"{context.plain(n.discipline)}（推荐单位：{context.plain(n.unit.institute.name)}）"
            for number, n in enumerate(shortlist, start=1)]
    parts = [
        paragraphs(page.introduction, context),
        f"**公示期：**{context.plain(period)}",
        "## 入围名单",
        "\n".join(rows) if shortlist else "（暂无入围人选。）",
        "## 如何提出异议",
        paragraphs(call.objection_instructions or DEFAULT_OBJECTION, context),
        "异议须在公示期内提出，并写明真实姓名和联系方式；匿名异议不予受理。",
    ]
    return context.document(page, meta, "\n\n".join(parts))
