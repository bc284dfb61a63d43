"""The publish pipeline: export → build → verify → swap, under one lock.

Incremental by default: the build starts from a hard-linked copy of the live build without the
outputs of the documents that changed, and only those are rendered and parsed again (see build.py).
"""

import gc
import json
import logging
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

from . import build, export, fsutil, manifest, paths, search, swap, verify
from .errors import VerificationError
from .lock import publish_lock

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


def _inputs(config):
    """What else a build depends on besides content/: theme files, build config, tool versions."""
    neutral = {k: v for k, v in config.items() if k not in ("site_dir", "docs_dir")}
    return {
        "themes": fsutil.tree_digest(settings.KEPU_THEMES_DIR),
        "config": export.sha256(json.dumps(neutral, sort_keys=True, ensure_ascii=False).encode()),
        "hooks": export.sha256(build.HOOKS.read_bytes()),
        "versions": {name: version(name) for name in ("mkdocs", "mkdocs-material", "markdownify")},
    }


def publish(*, full=False, progress=None, wait=True):
    """Publish what is live. Incremental unless ``full``. Raises VerificationError/BuildError."""
    from cms.core.models import SiteSettings

    progress = progress or (lambda stage, done=None, total=None: None)
    started = time.monotonic()
    with fsutil.readable_umask(), publish_lock(wait=wait):  # files 0644, folders 0755 (fsutil)
        swap.cleanup()
        checkpoint("start")
        progress("export")
        content_dir = Path(settings.KEPU_CONTENT_DIR)
        exported = export.export(content_dir, checkpoint=checkpoint, progress=progress)
        checkpoint("exported")
        new = exported.manifest

        site = SiteSettings.load()
        build_id = swap.new_build_id()
        staging = swap.staging_dir(build_id)
        config = build.mkdocs_config(
            site=site, content_dir=content_dir.resolve(), site_dir=staging / "site", nav=new["nav"]
        )
        new["inputs"] = _inputs(config)

        live = swap.live_build()
        live_dir = swap.builds_dir() / live if live else None
        old = manifest.read_manifest(live_dir / "manifest.json") if live else None
        changes = manifest.diff(old, new)
        if not full and old == new:
            return PublishResult(
                None, changes, len(exported.written), len(exported.deleted), time.monotonic() - started, up_to_date=True
            )

        # Incremental unless asked otherwise or anything besides content changed (theme, settings,
        # navigation, tool versions): start from the live build, minus the outputs of what changed.
        incremental = not full and old is not None and old.get("inputs") == new["inputs"]
        # When pages were only edited or added, they go live first with the live search index, and
        # the index follows in a second build a few seconds later: it still holds approved text, and
        # a new page is simply not found for that moment. A removed page leaves the index at once.
        search_later = (incremental and not changes.removed and bool(changes.added or changes.changed)
                        and not old.get("search_pending"))
        if incremental:
            progress("copy")
            _incremental_staging(staging, live_dir, old, new, search_later)
            checkpoint("copied")
        else:
            staging.mkdir(parents=True)
        build.write_config(staging / "mkdocs.yml", config)
        progress("build")
        warnings = build.run_mkdocs(staging / "mkdocs.yml", source_date_epoch=0, dirty=incremental)
        if not search_later:
            search.build_index(staging / "site", content_dir, new, progress=progress)
        checkpoint("built")

        progress("verify")
        scans = {}
        problems = verify.verify(
            staging / "site",
            new,
            site_url=site.base_url,
            scans_out=scans,
            previous_scans=verify.read_scans(live_dir) if incremental else None,
            search_pages=old["pages"] if search_later else None,
        )
        if problems:
            swap.cleanup()
            raise VerificationError(problems)
        manifest.write_manifest(staging / "manifest.json", {**new, "search_pending": True} if search_later else new)
        checkpoint("verified")

        progress("swap")
        swap.promote(staging, build_id)
        checkpoint("promoted")
        swap.activate(build_id)
        checkpoint("swapped")
        # For the next build: what verification read. Once live (a build without it is verified whole).
        verify.write_scans(swap.builds_dir() / build_id, scans)
        if search_later:
            build_id = update_search(build_id, content_dir, new, progress=progress)
        swap.cleanup(spare=incremental)
        post_publish_error = after_publish(build_id)
        _settle()
        return PublishResult(
            build_id,
            changes,
            len(exported.written),
            len(exported.deleted),
            time.monotonic() - started,
            incremental=incremental,
            warnings=warnings,
            post_publish_error=post_publish_error,
        )


def _settle():
    """What a publish worker keeps for the next publish (rendered documents, scans, search digests)
    is large and lives long. Collect once, then freeze it out of the cyclic garbage collector's way:
    its full passes over it cost 0.5 s of a one-page publish at 10,000 pieces."""
    gc.collect()
    gc.freeze()


def _incremental_staging(staging, live_dir, old, new, search_later):
    """The live build minus the outputs of what changed, at ``staging``: the spare build brought up
    to date in place when there is one (no copy), else a hard-linked copy of the live build."""
    spare = swap.take_spare(staging)
    if spare is not None and spare.get("inputs") == new["inputs"]:
        fsutil.remove_and_prune(staging / "site", manifest.stale_outputs(spare, new))
        if search_later:  # this build keeps the live index, which is not the spare's
            search.mirror(live_dir / "site" / search.SEARCH_DIR, staging / "site" / search.SEARCH_DIR)
        return
    if spare is not None:
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    fsutil.link_tree(live_dir / "site", staging / "site")
    fsutil.remove_and_prune(staging / "site", manifest.stale_outputs(old, new))


def update_search(live_id, content_dir, new, *, progress):
    """The second build of a publish whose pages went live first: the live build with the search
    index of its pages, verified and swapped in. Returns its id. Killed before the swap, the live
    build's manifest still says ``search_pending`` and the next publish builds the index."""
    progress("search")
    build_id = swap.new_build_id()
    staging = swap.staging_dir(build_id)
    live_dir = swap.builds_dir() / live_id
    staging.mkdir(parents=True)
    fsutil.link_tree(live_dir / "site", staging / "site")
    os.link(live_dir / "mkdocs.yml", staging / "mkdocs.yml")
    search.build_index(staging / "site", content_dir, new, previous=live_dir / "site" / search.SEARCH_DIR,
                       progress=progress)
    checkpoint("search-built")
    problems = search.verify(staging / "site", [paths.page_url(path) for path in new["pages"]])
    if problems:
        swap.cleanup()
        raise VerificationError(problems)
    manifest.write_manifest(staging / "manifest.json", new)
    swap.promote(staging, build_id)
    verify.share_scans(swap.builds_dir() / build_id, live_dir)  # the pages are the very same files
    swap.activate(build_id)
    checkpoint("search-swapped")
    swap.retire(live_id)  # the pages' build was a step of this publish, not one to roll back to
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
