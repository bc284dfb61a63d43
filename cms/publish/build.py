"""Build: one mkdocs.yml generated from settings, Material for MkDocs with themes/, into staging.

Always a full build into a fresh, empty staging folder: never ``--dirty`` (it breaks the search
index) and never hard-linked copies of the live build (a builder that truncates files in place
would write through the link into the live site).
"""

import logging
import os
from pathlib import Path

import yaml
from django.conf import settings

from . import search

HOOKS = Path(__file__).with_name("mkdocs_hooks.py")


class BuildError(Exception):
    pass


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
            # No Google Fonts, no requests to any third-party host.
            "font": False,
            "features": ["navigation.tabs", "navigation.top"],
            # The search page (search/?q=…) is a theme template of its own; see search.py.
            "static_templates": search.STATIC_TEMPLATES,
        },
        "plugins": search.mkdocs_plugins(),
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
        self.messages.append(record.getMessage())


def run_mkdocs(config_file, *, source_date_epoch):
    """Run ``mkdocs build`` in-process. Returns the warnings it logged."""
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
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config, dirty=False)
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
