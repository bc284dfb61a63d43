"""The public face of the expert directory: the 专家库 page and one page per public expert.

An expert's page (ExpertPage) is made, renamed and removed with the expert in the directory:
``sync_expert_page`` runs when an expert is saved or deleted and when the 专家库 page is
published (signals.py). Only public experts have one; what it shows is ``Expert.public_card()``
(contact fields are never read here) and what they wrote (专家作者 of stories, column articles and
debunks), reviewed or spoke at, each public piece once, newest first.
"""

from cms.core.slugs import pinyin_slug, unique_among_siblings

from .listing import public_pages

SCHEMA_CONTEXT = "https://schema.org"


# Keeping the pages in step with the directory ---------------------------------------------------

def sync_expert_page(expert, republish=True):
    """Give a public expert their page (published again with the expert's data when ``republish``);
    remove the page of an expert who is not public. Returns the page or None."""
    from .models import ExpertDirectoryPage, ExpertPage

    page = ExpertPage.objects.filter(expert=expert).first()
    if not expert.is_public:
        if page is not None:
            page.delete()
        return None
    directory = ExpertDirectoryPage.objects.first()
    if directory is None:
        return None
    if page is None:
        slug = unique_among_siblings(pinyin_slug(expert.name) or f"zhuanjia-{expert.pk}", directory)
        page = ExpertPage(title=expert.name, slug=slug, expert=expert)
        directory.add_child(instance=page)
    elif not republish:
        return page
    page.title = expert.name
    page.save_revision().publish()
    return page


def sync_all_expert_pages():
    """Pages for the public experts that have none yet (the 专家库 page was just published)."""
    from .models import Expert

    for expert in Expert.objects.filter(visibility=Expert.Visibility.PUBLIC, public_pages__isnull=True):
        sync_expert_page(expert, republish=False)


# What the public reads --------------------------------------------------------------------------

def _newest_first(pages, key):
    return sorted(pages, key=lambda p: (key(p) is not None, key(p), p.pk), reverse=True)


def reviewed_debunks(expert):
    """Debunks the expert reviewed (drafts too: ``context.url`` leaves out those not public and
    records them, so the page renders again when one goes live), without retracted ones."""
    from .models import DebunkPage

    found = DebunkPage.objects.filter(reviewers__expert=expert).distinct()
    return _newest_first((p for p in found if not p.retracted), lambda p: p.first_published_at)


def written_pieces(expert):
    """Stories, column articles and debunks the expert wrote (专家作者), without retracted ones, newest
    first (drafts too: ``context.url`` leaves out those not public)."""
    from cms.columns.models import ColumnArticlePage
    from cms.stories.models import StoryPage

    from .models import DebunkPage

    found = [page for model in (StoryPage, ColumnArticlePage, DebunkPage)
             for page in model.objects.filter(expert_authors=expert)]
    return _newest_first((p for p in found if not p.retracted), lambda p: p.first_published_at)


def talks(expert):
    """Events at which the expert speaks, latest first."""
    from cms.events.models import EventPage

    return _newest_first(EventPage.objects.filter(speakers__expert=expert).distinct(), lambda p: p.start_date)


def expert_pages_returning(model, ids):
    """The ids of the expert pages whose lists (``written_pieces``, ``reviewed_debunks``, ``talks``) may
    hold one of the pages ``ids`` of the page type ``model`` (cms.publish.render.Changes): those of the
    experts who wrote, reviewed or spoke at one of them; None for a type they do not list."""
    from cms.columns.models import ColumnArticlePage
    from cms.events.models import EventPage
    from cms.stories.models import StoryPage

    from .models import DebunkPage, ExpertPage

    lookups = [lookup for lookup, types in (("expert_authors", (StoryPage, ColumnArticlePage, DebunkPage)),
                                            ("reviewers__expert", DebunkPage), ("speakers__expert", EventPage))
               if issubclass(model, types)]
    if not lookups:
        return None
    experts = set()
    for lookup in lookups:
        experts.update(model._base_manager.filter(pk__in=ids, **{f"{lookup}__isnull": False})
                       .values_list(lookup, flat=True))
    return set(ExpertPage.objects.filter(expert__in=experts).values_list("pk", flat=True)) if experts else set()


def person(card):
    """schema.org Person of a public expert (name, job title, affiliation, fields, short bio)."""
    data = {"@type": "Person", "name": card["name"], "jobTitle": card["title"],
            "affiliation": {"@type": "Organization", "name": card["institute"]}}
    if card["fields"]:
        data["knowsAbout"] = card["fields"]
    if card["bio"]:
        data["description"] = card["bio"]
    return data


def _who(card, context):
    lines = [f"{context.plain(card['title'])}，{context.plain(card['institute'])}"]
    if card["fields"]:
        lines.append("专业领域：" + context.plain("、".join(card["fields"])))
    return lines


def expert_document(page, context):
    expert = page.expert
    if expert is None or not expert.is_public:  # not kept (signals.py remove the page): say nothing of them
        meta = context.front_matter(page, kind="expert", description="该专家的信息不公开", container=True)
        meta["title"] = "专家"
        return context.document(page, meta, "该专家的信息不公开。")
    card = expert.public_card()
    # container: a person, not a piece of content (not in 最新内容, feeds or counts)
    meta = context.front_matter(
        page, kind="expert", description=f"{card['title']}，{card['institute']}", container=True,
        facts=[{"label": "职称", "value": card["title"]}, {"label": "单位", "value": card["institute"]}]
        + ([{"label": "专业领域", "value": "、".join(card["fields"])}] if card["fields"] else []),
        structured_data=[{"@context": SCHEMA_CONTEXT, "@type": "ProfilePage", "mainEntity": person(card)}],
    )
    meta["title"] = card["name"]
    parts = ["\n\n".join(_who(card, context))]
    if expert.photo:
        parts.append(context.image(expert.photo, f"{expert.name}的照片"))
    if card["bio"]:
        parts.append(context.plain(card["bio"]))
    wrote = public_pages(context, page, written_pieces(expert))
    parts.append("## 撰写的文章\n\n" + ("\n".join(
        f"- [{context.plain(p.title)}]({link}) · {p._meta.verbose_name}" for p, link in wrote) or "暂无。"))
    reviewed = public_pages(context, page, reviewed_debunks(expert))
    parts.append("## 审核的辟谣\n\n" + ("\n".join(f"- [{context.plain(p.title)}]({link})" for p, link in reviewed)
                                     or "暂无。"))
    spoke = public_pages(context, page, talks(expert))
    parts.append("## 主讲的活动\n\n" + ("\n".join(
        f"- [{context.plain(p.title)}]({link}) · {p.start_date.isoformat()}" for p, link in spoke) or "暂无。"))
    return context.document(page, meta, "\n\n".join(parts))


def expert_directory_document(page, context):
    """Public experts only, each linking to their page. Contact fields are never read here."""
    meta = context.front_matter(page, kind="expert_directory", order=920, container=True,
                                description=page.introduction or "应急科普专家库中同意公开的专家")
    parts = [context.plain(page.introduction)] if page.introduction else []
    pages = page.get_children().specific().order_by("title", "path")
    for expert_page, link in public_pages(context, page, pages):
        if expert_page.expert is None or not expert_page.expert.is_public:
            continue
        card = expert_page.expert.public_card()
        parts.append("\n\n".join([f"## [{context.plain(card['name'])}]({link})", *_who(card, context)]))
    if len(parts) == bool(page.introduction):
        parts.append("暂无公开的专家。")
    return context.document(page, meta, "\n\n".join(parts))
