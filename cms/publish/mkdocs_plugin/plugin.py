"""The plugin: what Kepu changes in an MkDocs + Material build.

- Never writes through a hard link: an incremental build starts from hard links of the live
  build's files, so each file MkDocs is about to write is unlinked first (``on_env`` for the
  static files it will copy, ``on_post_page`` and ``on_post_template`` for pages and templates),
  and MkDocs writes a new file in its place. ``self.written`` lists them.
- Front matter read with ``json.loads`` (``on_page_read_source`` / ``on_page_markdown``).
- ``srcset`` URLs made relative to the built page, as MkDocs does for ``src``.
- No sitemap from MkDocs: the export writes sitemap.xml from every document's front matter, which
  an incremental (``--dirty``) build could not (it reads only the changed pages).
- Front matter, titles, navigation and the site's name are escaped before templates print them
  (``on_config``, ``on_page_context``, ``on_template_context``: the 404 and search pages too).
- The Content-Security-Policy every page carries (``kepu_csp``, see theme_scripts.py), and
  Material's bundle rewritten so that it loads nothing from another host (``on_post_build``).
- Heading ids from the heading's words, Chinese kept (``早年求学``), not Python-Markdown's ``_1``.
- The theme's own CSS and scripts under names with their content's digest (``kepu_asset``): nginx
  caches ``assets/*.<8 hex>.min.(css|js)`` for good, and a changed file gets a new name.
- Valid HTML from Material's base template (no ``autocomplete`` on checkboxes).
- Compiled templates kept between builds (Jinja's bytecode cache, ``template_cache``).
- The Traditional mirror's build (``text``: its conversion): every template's source, the theme's
  and Material's, read through ``text`` (``ConvertingLoader``), so the theme's own words come out in
  Traditional script; its images and documents hard-linked from content-hant/ (themselves hard links
  to content/'s), not copied again.
- In an incremental (``--dirty``) build, pages whose output is already there and newer than their
  Markdown are left out of the build altogether (``on_files``), not only skipped one by one.
- The pages to build split across processes (``on_nav``, shards.py): each process reads and writes
  its share only; the build process alone copies the static files, writes the static templates
  and runs ``on_post_build``.
"""

import functools
import hashlib
import os
from pathlib import Path, PurePosixPath

from django.conf import settings
from jinja2 import BaseLoader, FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import InclusionLevel
from pymdownx.slugs import slugify

from cms.publish import fsutil, theme_scripts

from . import html
from .config import KepuConfig
from .shards import Shards

FINGERPRINTED = ("assets/*.css", "assets/*.js")  # the theme's own files the templates link to


@functools.lru_cache(maxsize=64)
def _fingerprint(path, stamp):
    data = (Path(settings.KEPU_THEMES_DIR) / path).read_bytes()
    name = PurePosixPath(path)
    return name.with_name(f"{name.stem}.{hashlib.sha256(data).hexdigest()[:8]}.min{name.suffix}").as_posix()


def kepu_asset(path):
    """``assets/kepu.css`` → ``assets/kepu.<first 8 hex of its SHA-256>.min.css`` (a path for ``| url``)."""
    return _fingerprint(path, Path(settings.KEPU_THEMES_DIR, path).stat().st_mtime_ns)


def add_theme_names(env, config):
    """What the Kepu theme's templates call that MkDocs does not give them: the page's content security
    policy, fingerprinted asset names, and the filter that turns escaped front matter back into its text."""
    env.globals["kepu_csp"] = theme_scripts.content_security_policy(config.extra["scope"])
    env.globals["kepu_asset"] = kepu_asset
    env.filters["kepu_unescaped"] = html.unescaped


def _nav_paths(items):
    for item in items or ():
        for value in item.values() if isinstance(item, dict) else (item,):
            if isinstance(value, list):
                yield from _nav_paths(value)
            else:
                yield value


def _unlink(path):
    """Make room for a new file at ``path`` (the old one may be a hard link into the live build)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class ConvertingLoader(BaseLoader):
    """Another loader's templates with their source through ``text`` (Jinja code is ASCII: only the
    words change). Its compiled templates go to a bytecode cache of their own (the sources differ)."""

    def __init__(self, loader, text):
        self.loader, self.text = loader, text

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        return self.text(source), filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


def _link_instead(file):
    """Let MkDocs "copy" ``file`` as a hard link to its source (a shared image or document)."""

    def copy_file(dirty=False):
        if not (dirty and not file.is_modified()):
            fsutil.make_dir(os.path.dirname(file.abs_dest_path), exist_ok=True)
            os.link(file.abs_src_path, file.abs_dest_path)

    file.copy_file = copy_file


class KepuPlugin(BasePlugin[KepuConfig]):
    def __init__(self, text=None, shards=None):
        self.text = text  # the mirror's conversion, in its build only
        self.shards = shards or Shards()  # the processes the pages are shared out to (shards.py)
        self.dirty = False
        self.written = []  # site-relative paths MkDocs wrote in this build
        self._sources = {}  # src_uri → (meta, body) read as JSON

    def on_startup(self, *, command, dirty):
        self.dirty = dirty

    def on_config(self, config):
        config.theme.static_templates.discard("sitemap.xml")
        config.mdx_configs.setdefault("toc", {})["slugify"] = slugify(case="lower")
        # Site settings from the CMS, printed by Material's templates as they are.
        for name in ("site_name", "site_description", "copyright"):
            if isinstance(config[name], str):
                config[name] = escape(config[name])
        return config

    def on_files(self, files, *, config):
        """An incremental build starts from the previous build without the outputs of what changed,
        so a page whose output is there is up to date. MkDocs' ``--dirty`` would still make a page
        object of each; marked excluded, MkDocs only keeps them as link targets (links to them are
        written as usual). Pages in the navigation stay: every page lists them."""
        if self.dirty:
            in_nav = set(_nav_paths(config.nav))
            for file in files.documentation_pages():
                if file.src_uri not in in_nav and not file.is_modified():
                    file.inclusion = InclusionLevel.EXCLUDED
        return files

    @event_priority(-100)  # last: the navigation is made, no page is read yet
    def on_nav(self, nav, *, config, files):
        self.shards.share([file for file in files.documentation_pages() if not self.dirty or file.is_modified()])
        return nav

    def on_env(self, env, *, config, files):
        if self.config.template_cache:
            fsutil.make_dir(self.config.template_cache, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(self.config.template_cache)
        add_theme_names(env, config)
        if self.text is not None:
            env.loader = ConvertingLoader(env.loader, self.text)
        if not self.shards.primary:  # the build process copies them and writes the static templates
            for file in files:
                if not file.is_documentation_page():
                    file.inclusion = InclusionLevel.EXCLUDED
            config.theme.static_templates.clear()
        # The static files MkDocs copies next (Files.copy_static_files: all of them, or in a dirty
        # build those whose source is newer).
        for file in files:
            copied = file.inclusion.is_included() and (not self.dirty or file.is_modified())
            if copied and not file.is_documentation_page():
                _unlink(file.abs_dest_path)
                self.written.append(file.dest_uri)
                if self.text is not None and file.src_uri.startswith("media/"):
                    _link_instead(file)
        return env

    def on_pre_page(self, page, *, config, files):
        self.shards.check_parent()
        return page

    def on_page_read_source(self, *, page, config):
        source = page.file.content_string  # as MkDocs reads it (universal newlines)
        found = html.json_front_matter(source)
        if found is None:
            return source
        self._sources[page.file.src_uri] = found
        return ""  # MkDocs' own front matter reader has nothing to parse

    @event_priority(100)
    def on_page_markdown(self, markdown, *, page, config, files):
        found = self._sources.pop(page.file.src_uri, None)
        if found is None:
            return markdown
        page.meta, body = found
        return body

    def on_page_content(self, output, *, page, config, files):
        def resolve(path):
            target = files.get_file_from_path(path)
            return target.url_relative_to(page.file) if target is not None else None

        return html.relative_srcset(output, os.path.dirname(page.file.src_uri), resolve)

    def on_page_context(self, context, *, page, config, nav):
        """Front matter and titles are text, not HTML: escape them before any template prints them.

        MkDocs renders templates without autoescaping, and Material prints titles and descriptions
        as they are; a title such as ``<img onerror=…>`` would otherwise run on the public site.
        """
        page.meta = html.escaped(page.meta)
        if isinstance(page.title, str):
            page.title = escape(page.title)
        html.escape_nav(nav)
        return context

    def on_template_context(self, context, *, template_name, config):
        """The static templates (404.html, the search page) print the navigation too: it is text."""
        html.escape_nav(context.get("nav"))
        return context

    def on_post_page(self, output, *, page, config):
        if output.strip():  # MkDocs writes the page next
            _unlink(page.file.abs_dest_path)
            self.written.append(page.file.dest_uri)
        return html.valid_checkboxes(output)

    def on_post_template(self, output_content, *, template_name, config):
        if output_content.strip():  # MkDocs writes the template next
            _unlink(os.path.join(config.site_dir, template_name))
            self.written.append(template_name)
        return html.valid_checkboxes(output_content)

    def on_post_build(self, *, config):
        """Material's bundle as the site ships it (``theme_scripts.rewrite_bundle``), and the theme's
        fingerprinted files (``kepu_asset``). Written as new files: in an incremental build the old
        ones are hard links into the live build."""
        if not self.shards.primary:
            return
        for path in Path(config.site_dir, "assets", "javascripts").glob("bundle.*.js"):
            data = path.read_bytes()
            rewritten = theme_scripts.rewrite_bundle(data)
            if rewritten != data:
                fsutil.atomic_write(path, rewritten)
        themes = Path(settings.KEPU_THEMES_DIR)
        for pattern in FINGERPRINTED:
            for source in sorted(themes.glob(pattern)):
                target = Path(config.site_dir, kepu_asset(source.relative_to(themes).as_posix()))
                if not target.exists():  # named by its content: an existing one is the same bytes
                    fsutil.atomic_write(target, source.read_bytes())
