"""The publish pipeline, under one lock: plan → render → generate → write → build → index →
verify → swap. Each step is a module with one function; ``publish`` calls them in order.

Incremental by default: the build starts from the live build without the outputs of the
documents that changed (staging.py), so MkDocs renders and verification parses only those.
When pages were only edited or added, they go live first with the live search index, and the
index follows in a second build (``publish_index``). A worker's publish gives way before or
while it builds that index when another publish is waiting (``yield_to``): the live build stays
``search_pending`` and the next publish, whose pages go live first in turn, builds the index of
all its pages. The named checkpoints are where the SIGKILL tests stop a publish
(tests/publish/test_kill.py): whatever the point, site/ stays whole.
"""

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation

from cms.hant import mirror as hant
from cms.sitesearch import index as search

from . import build, fsutil, generate, manifest, mirror_site, plan, render, staging, swap, verify, write
from .errors import ExportError, Unfinished, VerificationError
from .lock import publish_lock
from .state import current

logger = logging.getLogger("kepu.publish")


def checkpoint(name):
    """A named point in the pipeline. Tests stop the process here (then SIGKILL it) to prove that
    an interrupted publish leaves the previous site whole: set KEPU_PUBLISH_STOP_AT=<name> and
    KEPU_PUBLISH_STOP_FILE=<path>; the process writes the file and stops itself (SIGSTOP)."""
    if os.environ.get("KEPU_PUBLISH_STOP_AT") == name:
        Path(os.environ["KEPU_PUBLISH_STOP_FILE"]).write_text(name)
        os.environ.pop("KEPU_PUBLISH_STOP_AT")
        os.kill(os.getpid(), signal.SIGSTOP)


@dataclass
class PublishResult:
    build_id: str | None
    changes: manifest.Changes
    files_written: int
    files_deleted: int
    seconds: float
    up_to_date: bool = False
    incremental: bool = False
    warnings: list = field(default_factory=list)
    post_publish_error: str = ""
    unfinished: list = field(default_factory=list)  # what failed after the swap (the pages are live)
    search_pending: bool = False  # the live build's search index is not up to date yet
    notes: list = field(default_factory=list)  # what was found and repaired (e.g. a damaged manifest)
    index_deferred: bool = False  # the search index gave way to a waiting publish, which builds it


INDEX_DEFERRED = "搜索索引让给了随后排队的发布一并更新（本次的页面已上线）。"


MAX_BEHIND = 3
"""An index gives way while it would leave the live one fewer than this many publishes behind
(manifest ``search_behind``): under a stream of approvals, every third one builds the index."""


class GaveWay(Exception):
    """Raised from the index build's progress callback: another publish is waiting (``yield_to``)."""


def publish(*, full=False, progress=None, wait=True, state=None, yield_to=None):
    """Publish what is live. Incremental unless ``full``. Raises ExportError, BuildError or
    VerificationError (the site stays as it was). ``state``: what this worker kept from earlier
    publishes (default: the process's, state.current()). ``yield_to``: a callable saying whether
    another publish is waiting (a worker's job runner passes one; the command line does not): the
    index that follows the pages gives way to it (``publish_index``)."""
    from cms.core.models import SiteSettings  # cms.core.models imports cms.publish.protocol

    state = state or current()
    progress = progress or (lambda stage, done=None, total=None: None)
    started = time.monotonic()
    content_dir = Path(settings.KEPU_CONTENT_DIR)
    with fsutil.readable_umask(), publish_lock(wait=wait):  # files 0644, folders 0755 (fsutil)
        swap.cleanup()
        checkpoint("start")
        site = SiteSettings.load()
        mirror = hant.load()  # the Traditional mirror (繁体站) or None: built beside, swapped together
        build_id = swap.new_build_id()
        site_dir = swap.staging_dir(build_id) / "site"
        live = swap.live()
        # ✂ export-write (after each file written), exported
        out, config, mirror_config = _export_checked(content_dir, site, state, live, site_dir, full=full,
                                                     mirror=mirror, progress=progress)
        new = out.manifest
        notes = [] if live else [note for note in [swap.live_damage()] if note]  # → a full build
        changes = manifest.diff(live and live.manifest, new)
        if not full and live and live.manifest == new:
            state.save()  # (what was rendered again to find nothing changed)
            return PublishResult(None, changes, len(out.written), len(out.deleted), time.monotonic() - started,
                                 up_to_date=True)
        if not full and live and live.manifest.get("search_pending") and manifest.with_own_index(live.manifest) == new:
            # Only the live build's index is behind (an earlier publish gave way, failed or was killed
            # before it was built): that second build alone.
            build_id = publish_index(live, new, state, progress=progress)
            state.save()  # (what was rendered again to find nothing changed, and the index's record digests)
            with contextlib.suppress(OSError):
                swap.cleanup()
            state.settle()
            return PublishResult(build_id, changes, len(out.written), len(out.deleted), time.monotonic() - started,
                                 incremental=True, post_publish_error=after_publish(build_id), notes=notes)

        # Incremental unless asked otherwise or anything besides content changed (theme, settings,
        # navigation, tool versions). Pages only edited or added go live before their search index,
        # keeping the live index (``built`` says which pages it holds); a removed page leaves the
        # index at once.
        incremental = not full and live is not None and live.manifest.get("inputs") == new["inputs"]
        # A piece retracted (its tombstone, ``noindex``) leaves the index at once, as a removed page does.
        hidden = any(new["pages"][path].get("noindex") for path in (*changes.added, *changes.changed))
        kept = (manifest.keeping_index(new, live.manifest)
                if incremental and not changes.removed and not hidden and (changes.added or changes.changed)
                else None)
        index_later = kept is not None
        built = kept or new  # the manifest this build is verified against and written with
        progress("copy")
        spool = swap.journal_spool(build_id)
        with _journal(site_dir, spool, incremental):  # what this build changes against the live build
            stage = staging.prepare(build_id, live=live, new=new, incremental=incremental,
                                    keep_live_index=index_later, checkpoint=checkpoint)
            checkpoint("copied")
            build.write_config(stage / "mkdocs.yml", config)
            progress("build")
            # An incremental staging folder is the live build minus the outputs of what changed
            # (staging.prepare): MkDocs looks only for those (``missing``), not for every page's output.
            jobs = [build.Job(stage / "mkdocs.yml", dirty=incremental, sources=build.sources_of(new),
                              template_cache=swap.builds_dir() / ".template-cache",
                              missing=build.missing_of(live.manifest, new) if incremental else None)]
            if mirror is not None:  # (side by side with 2 build processes or more)
                jobs.append(mirror_site.build_job(mirror, stage, mirror_config, live=live, new=new,
                                                  incremental=incremental, keep_live_index=index_later))
                if not jobs[-1].dirty:  # the mirror's folder built again in full (its inputs changed)
                    fsutil.record(site_dir / mirror.folder, tree=True)
            warnings = build.run_jobs(jobs)
            if not index_later:
                _build_index(stage / "site", content_dir, new, state, live, progress=progress)
        checkpoint("built")

        progress("verify")
        previous = state.scans.get(live.dir) if incremental else None
        own = fsutil.recorded(spool)
        checked = verify.verify(stage / "site", built, site_url=site.base_url, previous=previous,
                                changed=_changed_since(previous, live, own), build_id=build_id)
        _refuse_unless(checked, stage)
        manifest.write_manifest(stage / "manifest.json", built)
        checkpoint("verified")

        progress("swap")
        swap.write_journal(build_id, parent=live and live.id, files=own[0], trees=own[1], full=not incremental)
        checkpoint("journaled")
        promoted = swap.Build(build_id, swap.promote(stage, build_id), built)  # (its manifest.json: ``built``)
        checkpoint("promoted")
        swap.activate(build_id)
        checkpoint("swapped")  # the pages are live; with index_later, their index is not yet
        # From here on a failure does not undo the swap: it is noted as what is not done (errors.Unfinished).
        unfinished = Unfinished()
        with unfinished.step("state", "渲染缓存未保存到磁盘，重启后的第一次发布会重新渲染"):
            state.save()
        with unfinished.step("scans", "校验记录（.scans.sqlite）未保存，下次发布将重新校验全部页面"):
            state.scans.keep(swap.builds_dir() / build_id, checked.scans)  # once live (else verified whole)
        deferred = False
        if index_later:
            with unfinished.step("search", "搜索索引未更新（仍是上一次的索引）"):
                may_yield = yield_to if built.get("search_behind", 0) < MAX_BEHIND else None
                indexed = publish_index(promoted, new, state, progress=progress, yield_to=may_yield)
                deferred = indexed is None
                build_id = indexed or build_id
            if deferred:
                notes.append(INDEX_DEFERRED)
            # Saved again once the index is built: the record digests it made (only the rows changed).
            with unfinished.step("state", "渲染缓存未保存到磁盘，重启后的第一次发布会重新渲染"):
                state.save(more=True)
        with unfinished.step("cleanup", "旧构建未清理"):
            swap.cleanup(spare=incremental)
        post_publish_error = after_publish(build_id)
        state.settle()
        return PublishResult(build_id, changes, len(out.written), len(out.deleted), time.monotonic() - started,
                             incremental=incremental, warnings=warnings, post_publish_error=post_publish_error,
                             unfinished=unfinished.lines(), search_pending=deferred or "search" in unfinished,
                             notes=notes, index_deferred=deferred)


def _export_checked(content_dir, site, state, live, site_dir, *, full, mirror, progress):
    """``export`` (✂ export-write, after each file written; then ✂ exported) with the new manifest's
    ``inputs`` (and the mirror's part): (write.Written, the MkDocs config, the mirror's or None). A
    build that will be full reads every file the write left: an export that looked only at what
    changed is done again, checking every file (write.WrittenFiles.check_due), as a worker's first
    write does. On an ExportError (raised before anything is written) the live build's index left
    behind is built first (``index_left_behind``)."""
    mirror_config = None
    for again in (False, True):
        try:
            out = export(content_dir, site, state, progress=progress, mirror=mirror)
        except ExportError:
            behind = index_left_behind(content_dir, state, progress=progress)
            if behind:
                after_publish(behind)  # (logged if it fails: the publish's own error is what is said)
            raise
        checkpoint("exported")
        new = out.manifest
        config = build.mkdocs_config(site=site, content_dir=content_dir.resolve(), site_dir=site_dir,
                                     nav=new["nav"], mirror=mirror)
        new["inputs"] = manifest.inputs(config, themes_dir=settings.KEPU_THEMES_DIR, plugin=build.PLUGIN)
        if mirror is not None:
            mirror_config = mirror_site.config(mirror, site=site, content_dir=content_dir, site_dir=site_dir,
                                               nav=new["nav"])
            new["mirror"] = mirror_site.manifest_of(mirror, out.mirror, mirror_config)
        whole = full or live is None or live.manifest.get("inputs") != new["inputs"] or (
            mirror is not None and (live.manifest.get("mirror") or {}).get("inputs") != new["mirror"]["inputs"])
        if again or not whole or _checked_every_file(out):
            return out, config, mirror_config
        state.check_content_next()


def _changed_since(previous, live, own):
    """What may differ between the build ``previous`` (its Scans) surveyed and the build being
    verified: (files, trees) by the journals since (swap.journal_since) plus this build's own
    (``own``, fsutil.recorded); None when not known (no ``previous``, or no chain of journals)."""
    since = previous is not None and swap.journal_since(previous.surveyed, live.id)
    return (since[0] | own[0], since[1] | own[1]) if since else None


def _refuse_unless(checked, stage):
    """Discard the staging folder ``stage`` and raise VerificationError unless ``checked`` (a
    verify.Verification) is ok."""
    if not checked.ok:
        swap.discard(stage)
        raise VerificationError(checked.problems)


def _build_index(site_dir, content_dir, new, state, live, *, progress, yield_to=None):
    """Build the search index of ``new``'s pages into the build in ``site_dir`` (from the live build's,
    ``live``), the mirror's too, and note in the open journal what it changed (``_note_index``).
    ``yield_to``: asked before the build and at each step of it; when it says another publish is
    waiting, the build stops (what it changed so far noted all the same) and False is returned; True
    once built."""
    try:
        if yield_to is not None and yield_to():
            raise GaveWay
        step = progress if yield_to is None else _giving_way(progress, yield_to)
        search.build_index(site_dir, content_dir, new, progress=step, digests=state.records,
                           previous=live and live.search_dir)
        mirror_site.build_index(site_dir, content_dir, new, state=state, live=live, progress=step)
        built = True
    except GaveWay:
        built = False
    _note_index(live, site_dir, new)
    return built


def _checked_every_file(out):
    """Whether the write of ``out`` (write.Written) checked every file, the mirror's too."""
    return out.checked and (out.mirror is None or out.mirror.checked)


def export(content_dir, site, state, *, progress=None, mirror=None):
    """plan → render → generate → write: the public pages as files in ``content_dir``; returns
    write.Written (the content manifest, what was written and deleted), with the Traditional
    mirror's (``mirror``: cms.hant.mirror.Mirror) in ``.mirror``, written into content-hant/."""
    progress = progress or (lambda stage, done=None, total=None: None)
    progress("export")
    state.restore()  # the render cache a previous worker saved (render_store), once per process
    with translation.override(settings.LANGUAGE_CODE):  # page type names are lazy translations
        todo = plan.plan(state.renders)  # ExportError: reserved or shared paths
        rendered = render.render(todo, state.renders, progress=progress) if todo else render.Rendered({}, {})
        generated = generate.generate(rendered.documents, site_name=site.site_name, base_url=site.base_url,
                                      description=site.description, now=todo.context.now if todo else None,
                                      qr_code=state.qr.maker(), finished=state.finished,
                                      page_size=settings.KEPU_LISTING_PAGE_SIZE)
    out = write.write(content_dir, rendered.documents, generated, rendered.assets, state.written,
                      checkpoint=checkpoint, progress=progress)
    if mirror is None:
        mirror_site.forget(content_dir, state)
    else:
        out.mirror = mirror_site.export(mirror, content_dir, rendered.documents, generated, rendered.assets, site=site,
                                        state=state, progress=progress)
    return out


def publish_index(live, new, state, *, progress, yield_to=None):
    """The second build of a publish whose pages went live first: the live build (``live``) with
    the search index of its pages (all of ``new``'s), verified and swapped in. Returns its id.
    Killed before the swap, the live build's manifest still says ``search_pending`` and the next
    publish builds the index.

    ``yield_to``: asked before the index build and at each step of it (its progress callback);
    when it says another publish is waiting, the build stops, its staging folder is kept as the spare
    (``_keep_as_spare``: the waiting publish starts from it) and None is returned: the live build stays
    ``search_pending``, and the waiting publish (whose own pages go live first) builds the index of all
    its pages."""
    progress("search")
    if yield_to is not None and yield_to():
        checkpoint("search-deferred")
        return None
    build_id = swap.new_build_id()
    surveyed = state.scans.get(live.dir)
    stage = staging.prepare_index(build_id, live, folders=surveyed.folders if surveyed is not None else None,
                                  checkpoint=checkpoint)
    spool = swap.journal_spool(build_id)
    with fsutil.journal(stage / "site", spool):  # (the staging took a while: yield_to asked again first)
        built = _build_index(stage / "site", settings.KEPU_CONTENT_DIR, new, state, live, progress=progress,
                             yield_to=yield_to)
    if not built:
        _keep_as_spare(live, stage, build_id, spool)
        checkpoint("search-deferred")
        return None
    checkpoint("search-built")
    _refuse_unless(verify.verify_index(stage / "site", new, previous=surveyed), stage)
    manifest.write_manifest(stage / "manifest.json", new)
    files, trees = fsutil.recorded(spool)
    swap.write_journal(build_id, parent=live.id, files=files, trees=trees)
    checkpoint("search-journaled")
    swap.promote(stage, build_id)
    state.scans.share(swap.builds_dir() / build_id, live.dir)  # the pages are the very same files (never fails)
    swap.activate(build_id)
    checkpoint("search-swapped")
    swap.retire(live.id)  # the pages' build was a step of this publish, not one to roll back to
    return build_id


def _keep_as_spare(live, stage, build_id, spool):
    """An index build that gave way: its staging folder is the live build's files but for the search
    folders it had begun to change, which the journal notes (``_note_index``). Kept as the spare
    (swap.keep_spare) with a journal whose parent is the live build, so the waiting publish brings it
    in line by those paths (swap.journal_since) instead of linking the whole live build. A kill before
    the rename leaves a staging folder and a journal that no chain needs: the next cleanup removes both."""
    shutil.copyfile(live.dir / "manifest.json", stage / "manifest.json")  # (what makes it a spare: swap.take_spare)
    files, trees = fsutil.recorded(spool)
    swap.write_journal(build_id, parent=live.id, files=files, trees=trees)
    checkpoint("search-spare-journaled")
    swap.keep_spare(stage, build_id)


def _note_index(live, site_dir, new):
    """Note in the open journal what an index build in ``site_dir`` (a staging folder made from the
    live build ``live``) changed under each search folder, the mirror's too (search.changes: the
    listing and the folders named by their content that came or went): the next staging and
    verification look at those alone, not at every bucket and record file of the index."""
    if live is None:
        return
    for prefix in ("", *([new["mirror"]["prefix"]] if new.get("mirror") else [])):
        rel = Path(prefix) / search.SEARCH_DIR
        files, trees = search.changes(live.dir / "site" / rel, site_dir / rel)
        fsutil.record(files, base=site_dir / rel)
        fsutil.record(trees, tree=True, base=site_dir / rel)


def _journal(site_dir, spool, incremental):
    """The build's journal (fsutil.journal) for an incremental build; a full build notes nothing."""
    return fsutil.journal(site_dir, spool) if incremental else contextlib.nullcontext()


def _giving_way(progress, yield_to):
    """``progress`` that raises GaveWay when ``yield_to()`` says another publish is waiting."""

    def step(stage, done=None, total=None):
        progress(stage, done, total)
        if yield_to():
            raise GaveWay

    return step


def index_left_behind(content_dir, state, *, progress):
    """Build the search index of the live build if it says ``search_pending`` and content/ still holds
    its very pages (each file's sha256 as its manifest says; content-hant/ the mirror's): after a
    publish that gave way to another (``yield_to``) that then failed before writing anything (an
    ExportError, retried until an editor fixes the page), the pages already live become searchable
    all the same. Call under the publish lock. Returns the new build's id, or None (nothing to do,
    content/ has moved on, or it failed: logged, the next publish that succeeds builds the index)."""
    live = swap.live()
    if live is None or not live.manifest.get("search_pending"):
        return None
    own = manifest.with_own_index(live.manifest)
    parts = [(Path(content_dir), own)]
    if own.get("mirror"):
        parts.append((mirror_site.content_dir_of(content_dir), own["mirror"]))
    if not all(manifest.holds(folder, part["pages"]) for folder, part in parts):
        return None
    try:
        build_id = publish_index(live, own, state, progress=progress)
    except Exception:  # (the publish's own error is what its caller sees)
        logger.exception("补建上线构建 %s 的搜索索引失败", live.id)
        return None
    try:
        state.save()  # (the index's record digests)
    except Exception:
        logger.exception("渲染缓存未保存到磁盘")
    return build_id


def after_publish(build_id):
    """Run ``settings.KEPU_POST_PUBLISH_COMMAND`` once a build is live, still under the publish lock, so
    copies elsewhere follow in order: e.g. rsync or rclone the site to more web servers or an object
    store. The shell command finds the live build's folder in $KEPU_PUBLISHED_SITE and its id in
    $KEPU_BUILD_ID. Returns what went wrong, in Chinese, or "" (the site here is live either way)."""
    command = settings.KEPU_POST_PUBLISH_COMMAND
    if not command:
        return ""
    env = {**os.environ, "KEPU_PUBLISHED_SITE": os.path.realpath(swap.site_link()), "KEPU_BUILD_ID": build_id}
    try:
        done = subprocess.run(command, shell=True, env=env, capture_output=True, text=True,
                              timeout=settings.KEPU_POST_PUBLISH_TIMEOUT)  # fmt: skip
    except subprocess.TimeoutExpired:
        problem = f"发布后命令超过 {settings.KEPU_POST_PUBLISH_TIMEOUT} 秒未完成，已终止。"
    else:
        if done.returncode == 0:
            return ""
        output = (done.stderr.strip() or done.stdout.strip())[-500:]
        problem = f"发布后命令失败（退出码 {done.returncode}）：{output}"
    logger.error("%s（构建 %s 已在本机上线）", problem, build_id)
    return problem


def rollback(to=None):
    """Point site/ at an earlier complete build (default: the one before the live build).
    Returns (the build now live, what went wrong with the post-publish command or "")."""
    with publish_lock():
        target = to or swap.previous_build()
        if target is None or target not in swap.list_builds():
            raise ValueError("没有可以回滚到的构建。" if target is None else f"没有名为 {target} 的构建。")
        swap.activate(target)
        return target, after_publish(target)
