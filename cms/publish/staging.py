"""The folder a build starts from: ``<builds>/.staging-<id>/``, promoted to ``<builds>/<id>/``
once verified (swap.py). A killed publish leaves at most this folder, which the next removes."""

import shutil

from cms.sitesearch import index as search

from . import fsutil, manifest, swap


def prepare(build_id, *, live, new, incremental, keep_live_index, checkpoint=None):
    """A staging folder for a build of manifest ``new``: empty for a full build; for an incremental
    one, the live build (``live``, a swap.Build) minus the outputs of what changed, so MkDocs
    renders only those. ``keep_live_index``: this build keeps the live search index (its own
    follows in a second build). ``checkpoint``: the pipeline's, for fsutil.relink_tree. Returns
    the folder."""
    staging = swap.staging_dir(build_id)
    if not incremental:
        staging.mkdir(parents=True)
        return staging
    spare = swap.take_spare(staging)
    if spare is not None and spare.get("inputs") == new["inputs"]:
        # The spare build (the pages build of an earlier publish) brought up to date in place: no copy.
        fsutil.remove_and_prune(staging / "site", manifest.stale_outputs(spare, new))
        if keep_live_index:  # not the spare's index
            search.mirror(live.search_dir, staging / "site" / search.SEARCH_DIR)
        return staging
    if spare is not None:
        swap.discard(staging)
    _linked_copy(live, staging, checkpoint)
    fsutil.remove_and_prune(staging / "site", manifest.stale_outputs(live.manifest, new))
    return staging


def prepare_index(build_id, live, *, checkpoint=None):
    """A staging folder for the second build of a publish: the live build's files (hard links),
    whose search index the build then replaces (``checkpoint``: as ``prepare``'s). Returns the
    folder."""
    staging = swap.staging_dir(build_id)
    _linked_copy(live, staging, checkpoint)
    shutil.copyfile(live.dir / "mkdocs.yml", staging / "mkdocs.yml")  # (not a link: a spare's is rewritten)
    return staging


def _linked_copy(live, staging, checkpoint=None):
    """``staging/site``: the live build's files as hard links. The oldest build the cleanup would
    delete next is brought in line in place when there is one (swap.take_expiring; a stat per file
    and a link per file changed since, not a link per file), else the live build is linked whole. The search index's
    folders named by their content (a shard, the bucket files) take a new name whenever a file in
    them changes: the expiring build's folder is renamed to it (search.similar), so that only the
    files that changed are linked, not the whole folder."""
    if swap.take_expiring(staging):
        fsutil.relink_tree(live.dir / "site", staging / "site", similar=search.similar, checkpoint=checkpoint)
    else:
        staging.mkdir(parents=True)
        fsutil.link_tree(live.dir / "site", staging / "site")
