"""The folder a build starts from: ``<builds>/.staging-<id>/``, promoted to ``<builds>/<id>/``
once verified (swap.py). A killed publish leaves at most this folder, which the next removes."""

import itertools
import os
import posixpath
import shutil

from cms.sitesearch import index as search

from . import fsutil, manifest, swap


def prepare(build_id, *, live, new, incremental, keep_live_index, checkpoint=None):
    """A staging folder for a build of manifest ``new``: empty for a full build; for an incremental
    one, the live build (``live``, a swap.Build) minus the outputs of what changed, so MkDocs
    renders only those. ``keep_live_index``: this build keeps the live search index (its own
    follows in a second build): the live build's, as every other file. ``checkpoint``: the
    pipeline's, for fsutil.relink_tree. Returns the folder.

    Called inside the build's journal (fsutil.journal): the outputs removed are noted there, the
    copy of the live build is not (it is the journal's parent)."""
    staging = swap.staging_dir(build_id)
    if not incremental:
        staging.mkdir(parents=True)
        return staging
    _linked_copy(live, staging, checkpoint, spare=True)
    fsutil.remove_and_prune(staging / "site", manifest.stale_outputs(live.manifest, new))
    return staging


def prepare_index(build_id, live, *, folders, checkpoint=None):
    """A staging folder for the second build of a publish: the live build's files (hard links),
    whose search index the build then replaces (``checkpoint``: as ``prepare``'s). Returns the
    folder.

    ``folders``: the relative paths of the live build's folders (its verification's survey,
    fsutil.Survey.folders), or None if not known. This build is not verified page by page as the
    pages build is, so an expiring build taken as its base must be as its journal left it: if one
    of those folders there changed since (a name added, removed or replaced by another hand), or
    ``folders`` is None, the base is brought in line by the full walk, not by the journals."""
    staging = swap.staging_dir(build_id)
    _linked_copy(live, staging, checkpoint, folders=folders)
    shutil.copyfile(live.dir / "mkdocs.yml", staging / "mkdocs.yml")  # (not a link: a spare's is rewritten)
    return staging


def _linked_copy(live, staging, checkpoint=None, *, spare=False, folders=None):
    """``staging/site``: the live build's files as hard links. An older build is brought in line in
    place when there is one: with ``spare``, the spare build (swap.take_spare: the pages build of an
    earlier publish), else the oldest build the cleanup would delete next (swap.take_expiring); else
    the live build is linked whole.

    The older build is brought in line by the journals of the builds since (swap.journal_since): a
    stat and at most a link per path they name (fsutil.relink_paths; a folder of the search index
    named by its content that came is made from the one that went, search.similar). Without a whole
    chain of journals (none, a kill before one was written, a full build, a rollback, too many
    builds between), by the full walk: a stat per file and a link per file changed since
    (fsutil.relink_tree, with the same pairing of the index's folders). With
    ``fsutil.journal_check()``, a journal-driven copy is then compared with the live build file by
    file and any difference raises fsutil.JournalMismatch.

    Without ``spare`` (the index build's staging, which is not verified page by page), the expiring
    build is first checked against ``folders`` as ``prepare_index`` says; with it (the pages build's),
    not: that build's verification sees what another hand changed in its base, spare or expiring
    build alike. ``checkpoint``: fsutil's points in the copy of the spare are named "spare-…"."""
    base = swap.take_spare(staging) if spare else None
    if base is not None and checkpoint is not None:
        checkpoint = _spares(checkpoint)
    elif base is None:
        base = swap.take_expiring(staging)
    if base is None:
        staging.mkdir(parents=True)
        fsutil.link_tree(live.dir / "site", staging / "site")
        return
    changed = swap.journal_since(base, live.id)
    if changed is not None and not spare and _changed_since_journal(base, staging / "site", folders, changed):
        changed = None
    if changed is None:
        fsutil.relink_tree(live.dir / "site", staging / "site", similar=search.similar, checkpoint=checkpoint)
        return
    fsutil.relink_paths(live.dir / "site", staging / "site", *changed, similar=search.similar, checkpoint=checkpoint)
    if fsutil.journal_check():
        differences = fsutil.tree_differences(live.dir / "site", staging / "site")
        if differences:
            raise fsutil.JournalMismatch(f"the journals since {base} missed {len(differences)} paths: "
                                         f"{differences[:20]}")


def _spares(checkpoint):
    """``checkpoint`` with the points of the copy of the spare named apart ("spare-relink-renamed"):
    the kill tests stop in either copy."""

    def named(name):
        checkpoint(f"spare-{name}")

    return named


def _changed_since_journal(base, site_dir, folders, changed):
    """Whether a folder of ``site_dir``, build ``base``'s site/, changed after ``base``'s journal was
    written (a folder's ctime moves whenever a name in it is added, removed or replaced), or that is not
    known (``folders`` None, no journal). The folders looked at: ``folders`` (relative paths: the live
    build's) and those above each path the journals name (``changed``: (files, trees); a folder the
    live build no longer has, that the journals empty).

    A file system's clock may be coarse (file times in steps of the kernel's tick before Linux 6.13):
    a name put there within the same step as the journal's write leaves the folder's ctime no later
    than the journal's time. So, as git does with its "racy" entries, a folder whose ctime is within
    one step of that time (``fsutil.CLOCK_STEP_NS``), before or after, counts as changed: such a build is
    brought in line by the full walk."""
    written = swap.journal_written(base)
    if folders is None or written is None:
        return True
    trusted = written - fsutil.CLOCK_STEP_NS  # a ctime later than this may hide a change after the journal
    above = set()
    for named in changed:
        for path in named:
            folder = posixpath.dirname(path.rstrip("/"))
            while folder not in above:
                above.add(folder)
                if not folder:
                    break
                folder = posixpath.dirname(folder)
    root = os.fspath(site_dir)
    prefix = root + "/"
    lstat = os.lstat
    for rel in itertools.chain(folders, above):
        try:
            if lstat(prefix + rel if rel else root).st_ctime_ns > trusted:
                return True
        except (FileNotFoundError, NotADirectoryError):  # (a folder the journals bring or change into a file)
            continue
    return False
