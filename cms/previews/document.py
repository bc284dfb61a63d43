"""One page's latest revision as the public site's export would render it, among today's public pages.

Only the publish package's public steps are used: ``plan.plan`` reads the public pages, the revision
is placed among them (``context.Recorder.place_draft``) and rendered through the same ``RenderContext``
(``Publishable.to_document``), ``render.render`` assembles it into the page tree (breadcrumbs,
section, listings of its children, 上一篇/下一篇) and ``generate.generate`` adds what the generator
derives. The draft takes the place of its live
version (or joins the tree under its parent): a ``PageRow`` whose ``live_revision_id`` is the
draft's revision, so the document carries that revision as the live page will.

The render cache is this module's own (``CACHE``), never the publish worker's: a draft document can
never be taken for a live one by a publish.
"""

import threading
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone, translation

from cms.publish import generate, pages, plan, render
from cms.publish.context import recorder
from cms.publish.errors import ExportError
from cms.publish.pages import PageRow
from cms.publish.protocol import Publishable

CACHE = render.RenderCache()  # the other pages' documents, between previews in this process
_RENDERING = threading.Lock()  # CACHE is one process's, and requests come in on several threads


class NotPreviewable(Exception):
    """The page cannot be shown as the public site would (a message in Chinese)."""


@dataclass
class Draft:
    path: str  # the document path (content/-relative)
    revision_id: int
    documents: dict  # document path → Document, the draft among today's public pages
    generated: generate.Generated
    assets: dict  # content path → writer: only the files the draft's document uses
    signature: str  # what the rendering depends on besides the revision (the public pages' rows)


def draft_object(page):
    """The page as its latest revision has it, dated as if published now (what approving it does)."""
    revision = page.latest_revision
    if revision is None:
        raise NotPreviewable("这个页面还没有保存过任何版本。")
    draft = revision.as_object()
    now = timezone.now()
    draft.first_published_at = page.first_published_at or now
    draft.last_published_at = now
    return revision, draft


def render_draft(page):
    """The page's latest revision rendered into today's public page tree: a ``Draft``."""
    page = page.specific
    if not isinstance(page, Publishable):
        raise NotPreviewable("这种页面不在公众网站上显示，无法预览。")
    revision, draft = draft_object(page)
    with _RENDERING, translation.override(settings.LANGUAGE_CODE):
        found = plan.plan(CACHE)
        if found is None:
            raise NotPreviewable("网站还没有首页，无法预览。")
        row = _row_of(found, draft, revision)
        rows = sorted([r for r in found.rows if r.pk != row.pk] + [row], key=lambda r: r.path)
        placed = pages.document_paths(rows, found.root)
        path = placed[row.pk]
        context = found.context
        # Rendered as the render step renders a page (its files beside it, the QR code, too); kept
        # in the previews' own cache under the draft's revision, never the publish step's.
        recorder(context).place_draft(row, draft, placed)
        document = CACHE.render(draft, row, context)
        if document.path != path:
            raise ExportError(f"{type(draft).__name__} 导出到了意外的路径 {document.path}")
        assets = {asset: context.assets[asset] for asset in CACHE.entries[draft.pk].assets}
        stale = [r for r in found.stale if r.pk != row.pk]
        reused = {**found.reused, row.pk: document}
        rendered = render.render(replace(found, rows=rows, paths=placed, reused=reused, stale=stale), CACHE)
        site = _site_settings()
        generated = generate.generate(rendered.documents, site_name=site.site_name, base_url=site.base_url,
                                      description=site.description)
    signature = "|".join(f"{r.pk}:{r.signature}" for r in found.rows)
    return Draft(path, revision.pk, rendered.documents, generated, assets, signature)


def _row_of(found, draft, revision):
    """The draft's row: where it is in the tree, with its revision as the one to show."""
    parent_path = draft.path[: -draft.steplen]
    if draft.pk != found.root.pk and parent_path not in found.context.by_tree_path:
        raise NotPreviewable("这个页面的上级页面尚未发布，公众网站上还没有它的位置，暂时无法预览。")
    return PageRow(draft.pk, draft.path, draft.slug, type(draft), revision.pk, f"preview:{revision.pk}")


def _site_settings():
    from cms.core.models import SiteSettings  # cms.core.models imports cms.publish.protocol

    return SiteSettings.load()
