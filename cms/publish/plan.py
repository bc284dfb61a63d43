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
    current: dict = None  # (model label, pk) → (fingerprint, object) of what the cached documents read


def plan(cache, *, now=None):
    """Read the public pages (one query), place them (ExportError on a reserved or shared path) and
    split them into what ``cache`` (a render.RenderCache) still holds and what to render. None when
    there is no site. ``now``: the moment to render for (``context.now``; default the clock's).

    What the cache's last render was given serves again where nothing changed: an unchanged row is
    the same PageRow (pages.public_rows' memo), the paths are placed again only when a page was
    added, moved, renamed or removed, and a page whose row, path, entry and reads are as then is
    taken as it was handed out (RenderCache.unchanged); the others are looked up (``lookup``)."""
    root, rows = pages.public_rows(memo=cache.rows)
    if root is None:
        return None
    last = cache.last
    placed = _placed(rows, root, last)
    context = RenderContext(root=root, paths=placed, rows={row.pk: row for row in rows}, now=now)
    cache.check_restored(rows)  # the entries a previous worker saved: their pages' own fields too
    cache.prune(rows)  # pages deleted or unpublished: their entries go (and their rows at the next save)
    current = cache.current_objects(rows)
    changed = cache.changes(context, current)
    reused, stale = {}, []
    for row in rows:
        context.current_path = placed[row.pk]
        document = cache.unchanged(row, context, changed) or cache.lookup(row, context, current)
        if document is None:
            stale.append(row)
        else:
            reused[row.pk] = document
    return Plan(root, rows, placed, context, reused, stale, current)


def _placed(rows, root, last):
    """{page id: document path} of ``rows``: the last render's (a copy) when no page was added, removed,
    moved or renamed since, else placed and checked anew (paths.check_paths)."""
    if last is not None and len(rows) == len(last.rows):
        for row in rows:
            before = last.rows.get(row.pk)
            if before is not row and (before is None or (before.path, before.slug, before.specific_class) != (
                    row.path, row.slug, row.specific_class)):
                break
        else:
            return dict(last.paths)
    placed = pages.document_paths(rows, root)
    paths.check_paths(placed)
    return placed
