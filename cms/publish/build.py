"""Build: one mkdocs.yml generated from settings, Material for MkDocs with themes/, into staging.

A full build starts from an empty staging folder. An incremental build starts from a hard-linked
copy of the live build and runs ``mkdocs build --dirty``: MkDocs then renders only the pages whose
output is missing (the pipeline deletes the outputs of every changed document first). MkDocs writes
by opening files in place, which would write through a hard link into the live site, so while it
runs every write first unlinks the file it replaces (``replace_on_write``). Search and the sitemap
are not MkDocs' business here: its built-in search plugin would index only the rebuilt pages.
"""

import builtins
import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from django.conf import settings
from mkdocs.utils import meta

from . import search, theme_scripts
from .errors import BuildError  # noqa: F401 (also importable from here)

HOOKS = Path(__file__).with_name("mkdocs_hooks.py")


def mkdocs_config(*, site, content_dir, site_dir, nav):
    """The mkdocs.yml contents (a dict). Zensical reads the same file."""
    config = {
        "site_name": site.site_name,
        "site_url": site.base_url,
        "site_description": site.description or "",
        "copyright": site.copyright or "",
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
                 "accent": "custom", "toggle": {"icon": "material/weather-night", "name": "切换到深色模式"}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "custom",
                 "accent": "custom", "toggle": {"icon": "material/weather-sunny", "name": "切换到浅色模式"}},
            ],
            # The search page (search/?q=…) is a theme template of its own; see search.py.
            "static_templates": ["robots.txt", *search.STATIC_TEMPLATES],
        },
        # scope: Material's storage scope, the site root on every page, so that its inline scripts are
        # the same on every page and known by their hashes (theme_scripts.py).
        "extra": {"generator": False, "scope": theme_scripts.scope_of(site.base_url)},
        "plugins": [],  # none: Material's own search (lunr) is replaced by search.py
        "hooks": [str(HOOKS)],
        "markdown_extensions": ["attr_list", "md_in_html", "tables", "pymdownx.tilde", {"toc": {"permalink": False}}],
        # Navigation: the home page and the programmes only. A sidebar listing every page on every
        # page multiplies the size of the site (24 MB → 378 MB measured on 1,000 pages).
        "nav": [{"首页": "index.md"}] + [{item["title"]: item["path"]} for item in nav],
        "validation": {
            "nav": {"omitted_files": "ignore", "not_found": "warn", "absolute_links": "ignore"},
            "links": {"not_found": "warn", "absolute_links": "ignore", "unrecognized_links": "warn",
                      "anchors": "ignore"},
        },
    }
    return config


def write_config(path, config):
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
    Path(path).write_text(text, encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith("A 'dirty' build is being performed"):  # we rebuild what changed
            self.messages.append(message)


def _unlinking_open(file, mode="r", *args, **kwargs):
    """``open`` that never writes into an existing file: it writes a new one in its place."""
    if isinstance(file, (str, os.PathLike)) and os.path.isfile(file) and any(c in mode for c in "wa+"):
        if "w" in mode:
            os.unlink(file)
        else:  # appending or updating: start from a private copy of the old bytes
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(file) or ".")
            os.close(fd)
            shutil.copy2(file, tmp)
            os.replace(tmp, file)
    return builtins.open(file, mode, *args, **kwargs)


@contextmanager
def replace_on_write():
    """While MkDocs runs, make each of its writes create a new file instead of truncating one."""
    from mkdocs import utils
    from mkdocs.commands import build as build_module
    from mkdocs.structure import files as files_module

    modules = (utils, build_module, files_module)
    copy_file = utils.copy_file

    def unlinking_copy_file(source_path, output_path):
        if os.path.isdir(output_path):
            output_path = os.path.join(output_path, os.path.basename(source_path))
        if os.path.isfile(output_path):
            os.unlink(output_path)
        copy_file(source_path, output_path)

    for module in modules:
        module.open = _unlinking_open
    utils.copy_file = unlinking_copy_file
    try:
        yield
    finally:
        utils.copy_file = copy_file
        for module in modules:
            del module.open


def _json_first_get_data(get_data):
    """MkDocs' front matter reader, trying JSON first: the export writes front matter as JSON
    (which is YAML), and ``json.loads`` reads a listing of 2,000 cards 20× faster than PyYAML."""

    def read(doc):
        match = meta.YAML_RE.match(doc)
        if match:
            try:
                data = json.loads(match.group(1))
            except ValueError:
                pass
            else:
                if isinstance(data, dict):
                    return doc[match.end() :].lstrip("\n"), data
        return get_data(doc)

    return read


@contextmanager
def json_front_matter():
    get_data = meta.get_data
    meta.get_data = _json_first_get_data(get_data)
    try:
        yield
    finally:
        meta.get_data = get_data


def run_mkdocs(config_file, *, source_date_epoch, dirty=False):
    """Run ``mkdocs build`` in-process (``--dirty`` when asked). Returns the warnings it logged."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    # Reproducible: MkDocs dates the sitemap and gzip headers from SOURCE_DATE_EPOCH.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(source_date_epoch))
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(config_file=str(config_file))
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            with replace_on_write(), json_front_matter():
                build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
    except Exception as error:  # mkdocs raises Abort, ConfigurationError, PluginError …
        raise BuildError(f"mkdocs 构建失败：{error}") from error
    finally:
        logger.removeHandler(collector)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return collector.messages
