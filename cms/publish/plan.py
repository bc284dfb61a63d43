"""What a publish must render: the public pages, where each goes, and which the cache still holds."""

from dataclasses import dataclass

from . import pages, paths
from .context import RenderContext


@dataclass
class Plan:
    root: object  # the site's root page
    rows: list  # [PageRow] of every public page, in tree order
    paths: dict  # page id → document path
    context: RenderContext  # what page types render through (holds the assets of the reused documents)
    reused: dict  # page id → Document, from the render cache
    stale: list  # [PageRow] to render again


def plan(cache, *, now=None):
    """Read the public pages (one query), place them (ExportError on a reserved or shared path) and
    split them into what ``cache`` (a render.RenderCache) still holds and what to render. None when
    there is no site. ``now``: the moment to render for (``context.now``; default the clock's)."""
    root, rows = pages.public_rows()
    if root is None:
        return None
    placed = pages.document_paths(rows, root)
    paths.check_paths(placed)
    context = RenderContext(root=root, paths=placed, rows={row.pk: row for row in rows}, now=now)
    cache.check_restored(rows)  # the entries a previous worker saved: their pages' own fields too
    cache.prune(rows)  # pages deleted or unpublished: their entries go (and their rows at the next save)
    current = cache.current_objects(rows)
    reused, stale = {}, []
    for row in rows:
        context.current_path = placed[row.pk]
        document = cache.lookup(row, context, current)
        if document is None:
            stale.append(row)
        else:
            reused[row.pk] = document
    return Plan(root, rows, placed, context, reused, stale)
