"""Public pages as the reach app sees them: canonical paths, programmes, institutes and types.

The canonical path of a page is its slugs below the home page (``/gezhi-lundao/qian-xuesen/``),
which is where the publish step writes it; it is read from Wagtail's ``url_path``.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

# Pages that only hold others: not pieces of content (not counted as 发布篇数, not in 热门内容).
CONTAINER_MODELS = {("resources", "contributionareapage"), ("columns", "columnpage")}
PROGRAMME_MODEL = ("programmes", "programmepage")
NO_CAMPAIGN = "（不属于任何专题）"


def site_root():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else Page.objects.filter(depth=2).first()


def canonical_path(page, root=None):
    root = root or site_root()
    return "/" + page.url_path[len(root.url_path):]


def live_paths():
    """{canonical path: page id} of every live page of the public site."""
    root = site_root()
    if root is None:
        return {}
    pages = Page.objects.live().descendant_of(root, inclusive=True).values_list("pk", "url_path")
    return {"/" + url_path[len(root.url_path):]: pk for pk, url_path in pages}


class PageFacts:
    """Programme, institute and type of pages, fetched once for a report: {page id: facts}."""

    def __init__(self, page_ids=None):
        root = site_root()
        pages = Page.objects.descendant_of(root) if root else Page.objects.none()
        if page_ids is not None:
            pages = pages.filter(pk__in=set(page_ids))
        rows = list(pages.values("pk", "title", "path", "depth", "content_type_id", "first_published_at", "live",
                                 "url_path"))
        types = {pk: ContentType.objects.get_for_id(pk) for pk in {row["content_type_id"] for row in rows}}
        programme_type = ContentType.objects.get_by_natural_key(*PROGRAMME_MODEL)
        programme_depth = (root.depth + 1) if root else 3
        programme_paths = {row["path"][: Page.steplen * programme_depth] for row in rows}
        programmes = dict(Page.objects.filter(path__in=programme_paths, content_type=programme_type)
                          .values_list("path", "title"))
        institutes = self._institutes([row["pk"] for row in rows])
        campaigns = self._campaigns()
        self.root = root
        self.by_id = {}
        for row in rows:
            content_type = types[row["content_type_id"]]
            model = content_type.model_class()
            self.by_id[row["pk"]] = {
                "title": row["title"],
                "programme": programmes.get(row["path"][: Page.steplen * programme_depth], "（无品牌项目）"),
                "institute": institutes.get(row["pk"], "（无机构）"),
                "campaign": campaigns.get(row["pk"], [NO_CAMPAIGN]),
                "type": str(model._meta.verbose_name) if model else content_type.model,
                "piece": row["depth"] > programme_depth
                and (content_type.app_label, content_type.model) not in CONTAINER_MODELS,
                "first_published_at": row["first_published_at"],
                "live": row["live"],
                "path": "/" + row["url_path"][len(root.url_path):] if root else row["url_path"],
            }

    @staticmethod
    def _institutes(page_ids):
        """{page id: institute name} for page types with an ``institute`` field (resources …)."""
        from django.apps import apps

        found = {}
        for model in apps.get_models():
            if not issubclass(model, Page) or model is Page:
                continue
            field = next((f for f in model._meta.local_fields if f.name == "institute"), None)
            if field is None or not field.is_relation:
                continue
            rows = model.objects.filter(pk__in=page_ids, institute__isnull=False).values_list("pk", "institute__name")
            found.update(rows)
        return found

    @staticmethod
    def _campaigns():
        """{page id: [campaign titles]}: the campaign page itself and every page it gathers (its
        waves' too, as its public page shows them)."""
        from cms.events.gathering import members
        from cms.events.models import CampaignPage

        found = {}
        for campaign in CampaignPage.objects.order_by("path"):
            for page in [campaign, *members(campaign)]:
                titles = found.setdefault(page.pk, [])
                if campaign.title not in titles:
                    titles.append(campaign.title)
        return found

    def get(self, page_id):
        return self.by_id.get(page_id)

    def pieces(self):
        return {pk: facts for pk, facts in self.by_id.items() if facts["piece"]}
