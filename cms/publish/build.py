"""Build: one mkdocs.yml generated from settings, Material for MkDocs with themes/, into staging,
with Kepu's plugin (mkdocs_plugin/) registered in-process.

A full build starts from an empty staging folder. An incremental build starts from the live build
without the outputs of every changed document (staging.py) and runs ``mkdocs build --dirty``:
MkDocs then renders only the pages whose output is missing. The other files are hard links into
the live build; the plugin unlinks each file just before MkDocs writes it, so nothing is written
through them. Search and the sitemap are not MkDocs' business here: its built-in search plugin
would index only the rebuilt pages.

The pages of a build are shared out to ``KEPU_BUILD_PROCESSES`` processes (mkdocs_plugin/shards.py):
the build process forks the others once the navigation is made, and gathers their warnings. The two
full builds of a publish with the Traditional mirror (``run_jobs``) run side by side when there are
two processes or more: the mirror's in a forked process, the processes shared between them; its
incremental builds (an approval's few pages) one after the other in the publishing process.
"""

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from cms.sitesearch import index as search

from . import forks, fsutil, theme_scripts
from .errors import BuildError  # noqa: F401 (also importable from here)
from .mkdocs_plugin import KepuPlugin
from .mkdocs_plugin.shards import ShardFailed, Shards

PLUGIN = Path(__file__).with_name("mkdocs_plugin")  # its files are a build input (manifest.inputs)


def mkdocs_config(*, site, content_dir, site_dir, nav, mirror=None, hant=False):
    """The mkdocs.yml contents (a dict). Zensical reads the same file. ``mirror``: the Traditional
    mirror (cms.hant.mirror.Mirror) when it is on; ``hant``: this is the mirror's build (its base URL,
    its texts through ``mirror.text``)."""
    text = mirror.text if hant else str
    config = {
        "site_name": text(site.site_name),
        "site_url": mirror.base_url(site.base_url) if hant else site.base_url,
        "site_description": text(site.description or ""),
        "copyright": text(site.copyright or ""),
        "docs_dir": str(content_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "exclude_docs": "/README.md\n",
        "theme": {
            "name": "material",
            "custom_dir": str(settings.KEPU_THEMES_DIR),
            "language": "zh",
            # No Google Fonts, no requests to any third-party host: system fonts (themes/assets/kepu.css).
            "font": False,
            "icon": {"logo": "material/atom"},
            "features": ["navigation.tabs", "navigation.top"],
            # Light and dark, following the reader's system until they pick one with the toggle.
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "custom",
                 "accent": "custom", "toggle": {"icon": "material/weather-night", "name": text("切换到深色模式")}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "custom",
                 "accent": "custom", "toggle": {"icon": "material/weather-sunny", "name": text("切换到浅色模式")}},
            ],
            # The search page (search/?q=…) is a theme template of its own; see search.py.
            "static_templates": ["robots.txt", *search.STATIC_TEMPLATES],
        },
        # scope: Material's storage scope, the site root on every page, so that its inline scripts are
        # the same on every page and known by their hashes (theme_scripts.py).
        # The mirror shares it: one palette choice for both scripts, the same inline scripts.
        "extra": {"generator": False, "scope": theme_scripts.scope_of(site.base_url),
                  "kepu_lang": languages(site, mirror, hant)},
        "plugins": [],  # none: Material's own search (lunr) is replaced by search.py
        "markdown_extensions": ["attr_list", "md_in_html", "tables", "pymdownx.tilde", {"toc": {"permalink": False}}],
        # Navigation: the home page and the programmes only. A sidebar listing every page on every
        # page multiplies the size of the site (bench/README, "Measurements").
        "nav": [{text("首页"): "index.md"}] + [{text(item["title"]): item["path"]} for item in nav],
        "validation": {
            "nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "ignore"},
            "links": {"not_found": "warn", "absolute_links": "ignore", "unrecognized_links": "warn",
                      "anchors": "ignore"},
        },
    }
    return config


def languages(site, mirror, hant):
    """What the theme prints about the page's language (``config.extra.kepu_lang``): ``lang`` (``<html
    lang>``, feeds), ``locale`` (Open Graph), and with the mirror on, the ``hreflang`` alternates (each
    site's base URL, the page's URL below it) and ``switch`` (the other script's root: a path on the same
    host, the other host's base URL when the mirror has a host of its own)."""
    if mirror is None:
        return {"lang": "zh-CN", "locale": "zh_CN"}
    hans, hant_base = site.base_url.rstrip("/") + "/", mirror.base_url(site.base_url)
    other = hans if hant else hant_base
    root = other if mirror.host else theme_scripts.scope_of(other)
    return {
        "lang": mirror.language if hant else "zh-CN",
        "locale": mirror.language.replace("zh-Hant-", "zh_") if hant else "zh_CN",
        "hant": hant,
        "alternates": [{"hreflang": "zh-Hans", "base": hans}, {"hreflang": mirror.language, "base": hant_base},
                       {"hreflang": "x-default", "base": hans}],
        "switch": {"root": root, "label": "简体" if hant else "繁體",
                   "lang": "zh-Hans" if hant else mirror.language,
                   "title": "简体中文版" if hant else "繁體中文版"},
    }


def write_config(path, config):
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    fsutil.write_file(path, text)  # an error names the file (a full disk, say)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith("A 'dirty' build is being performed"):  # we rebuild what changed
            self.messages.append(message)


def run_mkdocs(config_file, *, source_date_epoch, dirty=False, template_cache="", text=None, processes=None,
               parent=None, sources=None, missing=None):
    """Run ``mkdocs build`` in-process (``--dirty`` when asked) with Kepu's plugin, its pages shared out
    to ``processes`` processes (default ``KEPU_BUILD_PROCESSES``). Returns the warnings logged (by every
    process). ``template_cache``: a folder for Jinja's compiled templates ("" for none). ``text``: the
    Traditional mirror's conversion of the theme's own words (its build only). ``parent``: in a build
    run beside another (``run_jobs``), the pid of the process that started it: it stops if that ends.
    ``sources``: the paths docs_dir holds (``sources_of`` a manifest): an incremental build lists those
    instead of walking docs_dir (the plugin's ``on_files``). ``missing``: with ``sources``, in an
    incremental build, the paths whose output site_dir may lack (a superset will do: any other path's
    output must be there), so that only their outputs are looked for; None: every path's is."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    # Reproducible: MkDocs dates the sitemap and gzip headers from SOURCE_DATE_EPOCH.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(source_date_epoch))
    collector = _Collect()
    shards = Shards(settings.KEPU_BUILD_PROCESSES if processes is None else processes, collector.messages, parent)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    plugin = None
    try:
        config = load_config(config_file=str(config_file))
        plugin = KepuPlugin(text=text, shards=shards, sources=sources, missing=missing)
        errors, _warnings = plugin.load_config({"template_cache": str(template_cache)})
        assert not errors, errors
        config.plugins["kepu"] = plugin  # registers its events
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
    except BaseException as error:  # mkdocs raises Abort, ConfigurationError, PluginError …
        if shards.forked:
            shards.exit(plugin.written, error)  # (never returns)
        shards.stop()
        if not isinstance(error, Exception):
            raise
        raise BuildError(f"mkdocs 构建失败：{error}") from error
    finally:
        logger.removeHandler(collector)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    if shards.forked:
        shards.exit(plugin.written)  # (never returns)
    try:
        warnings, written = shards.gather()
    except ShardFailed as error:
        raise BuildError(f"mkdocs 构建失败：{error}") from error
    plugin.written += written
    return collector.messages + warnings


@dataclass
class Job:
    """One MkDocs build of a publish for ``run_jobs``: ``run_mkdocs``'s arguments, and ``after``, what the
    publish process does once every build of the step is done (the mirror's: its folder moved into place)."""

    config_file: Path
    dirty: bool = False
    template_cache: object = ""
    text: Callable | None = None
    sources: list | None = None
    after: Callable | None = None
    missing: object = None  # (run_mkdocs's; ``missing_of`` a staging folder's start and its manifest)

    def run(self, processes, parent=None):
        return run_mkdocs(self.config_file, source_date_epoch=0, dirty=self.dirty, template_cache=self.template_cache,
                          text=self.text, processes=processes, parent=parent, sources=self.sources,
                          missing=self.missing)


def sources_of(part):
    """The paths a content folder holds by its manifest (``part``: a build's manifest, or its mirror's),
    README.md and the manifest's own file aside (MkDocs leaves them out)."""
    return [*part["pages"], *part["generated"], *part["attachments"], *part["assets"]]


def missing_of(before, part):
    """The paths of ``part`` (a manifest, or its mirror's) whose output a staging folder made from the
    build of ``before`` (its manifest, or its mirror's) lacks once the outputs of what changed are
    removed (staging.prepare: manifest.stale_outputs): what ``part`` adds or changes (``run_mkdocs``'s
    ``missing``)."""
    missing = set()
    for section in ("pages", "generated", "attachments"):
        old = before.get(section, {})
        missing.update(path for path, entry in part[section].items()
                       if old.get(path, {}).get("sha256") != entry["sha256"])
    missing.update(set(part["assets"]) - set(before.get("assets", [])))
    return missing


def run_jobs(jobs):
    """Run the builds of a publish (``jobs``: Job); returns their warnings, in the order of ``jobs``.

    Incremental builds (``dirty``, all of them) run one after the other in this process, each with
    every process for its own pages (shards.py: only when they are many): what an approval builds is
    a few pages, for which a forked process would cost more than it saves. Otherwise, with
    ``KEPU_BUILD_PROCESSES`` of 2 or more, the builds run side by side, the first in this process
    and the others in forked ones (forks.map), the processes shared among them (the first the larger
    share), so that what MkDocs does in one process (the file list, the navigation, the static files,
    the templates) runs side by side too; with 1, one after the other. A build in a forked process
    stops at its next page if this process ends (``Shards(parent=…)``). Each build writes a folder of
    its own that no other build empties (a full MkDocs build empties its ``site_dir`` as it starts: the
    mirror's full build is made beside ``site/``, mirror_site.build_job). Raises BuildError once every
    forked process is reaped."""
    processes = max(1, int(settings.KEPU_BUILD_PROCESSES))
    if all(job.dirty for job in jobs):
        done = [job.run(processes) for job in jobs]  # (each shares its own pages out if they are many)
    else:
        done = _side_by_side(jobs, processes)
    for job in jobs:
        if job.after is not None:
            job.after()
    return [warning for warnings in done for warning in warnings]


def _side_by_side(jobs, processes):
    """The warnings of each of ``jobs`` run side by side (run_jobs), in their order."""
    shares = [max(1, processes // len(jobs) + (number < processes % len(jobs))) for number in range(len(jobs))]
    parent = os.getpid()

    def run(item):
        job, share = item
        return job.run(share, None if os.getpid() == parent else parent)

    try:
        return forks.map(run, list(zip(jobs, shares, strict=True)), processes, per_process=1)
    except forks.ForkFailed as error:
        raise BuildError(f"mkdocs 构建失败：构建{error}" if error.died else str(error)) from None
