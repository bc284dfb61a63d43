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
- The theme's own CSS and scripts under names with their content's digest (``kepu_asset``, from
  theme_scripts.py, where a page type linking to a theme script finds it too): nginx
  caches ``assets/*.<8 hex>.min.(css|js)`` for good, and a changed file gets a new name.
- Valid HTML from Material's base template (no ``autocomplete`` on checkboxes).
- Compiled templates kept between builds (Jinja's bytecode cache, ``template_cache``).
- The Traditional mirror's build (``text``: its conversion): every template's source, the theme's
  and Material's, read through ``text`` (``ConvertingLoader``), so the theme's own words come out in
  Traditional script; its images and documents hard-linked from content-hant/ (themselves hard links
  to content/'s), not copied again.
- In an incremental (``--dirty``) build, pages whose output is already there and newer than their
  Markdown are left out of the build altogether (``on_files``), not only skipped one by one. Given
  the paths docs_dir holds (``sources``: the manifest's), the build does not walk docs_dir at all:
  MkDocs' file list holds the files whose output is missing and the pages of the navigation, and
  finds any other file of ``sources`` when a page links to it (``ListedFiles``). Given besides the
  paths whose output may be missing (``missing``), only their outputs are looked for. The theme's
  static templates (404.html, the search page, robots.txt) are made from the build's inputs only,
  the previous build's: such a build writes them only if missing.
- The theme's files listed without walking the installed packages' theme folders (Material's
  icons) each build: their names are kept in the template cache folder (theme_files.py).
- The pages to build split across processes (``on_nav``, shards.py): each process reads and writes
  its share only; the build process alone copies the static files, writes the static templates
  and runs ``on_post_build``.
"""

import os
import tempfile
from pathlib import Path, PurePath

from django.conf import settings
from jinja2 import BaseLoader, FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key, set_exclusions
from pymdownx.slugs import slugify

from cms.publish import fsutil, paths, theme_scripts
from cms.publish.theme_scripts import kepu_asset

from . import html
from .config import KepuConfig
from .shards import Shards
from .theme_files import listing as theme_listing

FINGERPRINTED = ("assets/*.css", "assets/*.js")  # the theme's own files the templates link to


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


class ListedFiles(Files):
    """MkDocs' file list of an incremental build made from the paths docs_dir holds (``listed``), not
    by walking it: it holds (lists, builds, copies) ``files`` only, and makes a File of any other path
    of ``listed`` when asked for it (``get_file_from_path``: a link's target), excluded if a page, as
    an incremental build leaves it (``KepuPlugin.on_files``)."""

    def __init__(self, files, listed, config):
        super().__init__(files)
        self._listed, self._config, self._made = listed, config, {}

    def get_file_from_path(self, path):
        uri = PurePath(path).as_posix()
        found = self._src_uris.get(uri) or self._made.get(uri)
        if found is None and uri in self._listed:
            found = self._made[uri] = _listed_file(uri, self._config)
            set_exclusions([found], self._config)
            if found.is_documentation_page() and found.inclusion.is_included():
                found.inclusion = InclusionLevel.EXCLUDED
        return found

    def __contains__(self, path):
        return self.get_file_from_path(path) is not None


def _listed_file(uri, config):
    return File(uri, config.docs_dir, config.site_dir, config.use_directory_urls)


class KepuPlugin(BasePlugin[KepuConfig]):
    def __init__(self, text=None, shards=None, sources=None, missing=None):
        self.text = text  # the mirror's conversion, in its build only
        self.shards = shards or Shards()  # the processes the pages are shared out to (shards.py)
        self.sources = sources  # the paths docs_dir holds, if known (an incremental build uses them)
        # With ``sources``, in an incremental build: the paths whose output site_dir may lack (any
        # other's output is there), if known; else each output is looked for (a stat each).
        self.missing = missing
        self.dirty = False
        self.written = []  # site-relative paths MkDocs wrote in this build
        self._sources = {}  # src_uri → (meta, body) read as JSON
        self._empty = None  # the empty folder MkDocs lists instead of docs_dir (on_config → on_files)

    def on_startup(self, *, command, dirty):
        self.dirty = dirty

    def on_config(self, config):
        config.theme.static_templates.discard("sitemap.xml")
        config.mdx_configs.setdefault("toc", {})["slugify"] = slugify(case="lower")
        # Site settings from the CMS, printed by Material's templates as they are.
        for name in ("site_name", "site_description", "copyright"):
            if isinstance(config[name], str):
                config[name] = escape(config[name])
        if self.config.template_cache:  # the theme's files listed without walking Material's folders
            self._list_theme_files_from(config.theme, config)
        if self.dirty and self.sources is not None:  # MkDocs lists an empty folder: on_files lists docs_dir
            self._empty = tempfile.mkdtemp(prefix="kepu-docs-")
            self.docs_dir, config.docs_dir = config.docs_dir, self._empty
        return config

    def _list_theme_files_from(self, theme, config):
        """The theme's Jinja environment, as made for this build, lists its files through
        theme_files.listing (what ``Files.add_files_from_theme`` calls), its package folders' names
        kept in the template cache folder."""
        make_env = theme.get_env

        def get_env():
            env = make_env()
            env.list_templates = theme_listing(env, config, self.config.template_cache)
            return env

        theme.get_env = get_env

    def on_files(self, files, *, config):
        """An incremental build starts from the previous build without the outputs of what changed,
        so a page whose output is there is up to date. MkDocs' ``--dirty`` would still make a page
        object of each; marked excluded, MkDocs only keeps them as link targets (links to them are
        written as usual). Pages in the navigation stay: every page lists them.

        With ``sources``, such files are not even listed (ListedFiles): the list holds the pages of
        the navigation, the files whose output is missing (of ``missing`` when given, else of every
        source: a stat each) and the theme's files."""
        if self._empty is not None:
            self.on_build_error(error=None)
            config.docs_dir = self.docs_dir
            files = self._listed(files, config)
        elif self.sources is not None:
            files = self._only_sources(files, config)
        if self.dirty:
            in_nav = set(_nav_paths(config.nav))
            for file in files.documentation_pages():
                if file.src_uri not in in_nav and not file.is_modified():
                    file.inclusion = InclusionLevel.EXCLUDED
        return files

    def on_build_error(self, *, error):
        if self._empty is not None:
            os.rmdir(self._empty)
            self._empty = None

    def _only_sources(self, files, config):
        """A full build takes of docs_dir's files only those of ``sources`` (the manifest's): a file
        another hand put into the content folder is never built or copied into the site."""
        listed, docs = set(self.sources), os.path.join(os.path.abspath(config.docs_dir), "")
        for file in list(files):
            if file.src_uri not in listed and os.path.abspath(file.abs_src_path or "").startswith(docs):
                files.remove(file)
        return files

    def _listed(self, theme_files, config):
        """ListedFiles of ``sources`` and the theme's files (``theme_files``: what MkDocs listed in the
        empty folder), in MkDocs' order (docs_dir's files as its walk lists them, then the theme's)."""
        listed = set(self.sources)
        site_dir = config.site_dir
        wanted = listed & set(_nav_paths(config.nav))
        candidates = listed if self.missing is None else listed.intersection(self.missing)
        wanted.update(uri for uri in candidates if not os.path.exists(os.path.join(site_dir, paths.output_path(uri))))
        files = sorted((_listed_file(uri, config) for uri in wanted), key=file_sort_key)
        set_exclusions(files, config)
        files += [file for file in theme_files if file.src_uri not in listed]  # docs_dir's files come first
        return ListedFiles(files, listed, config)

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
        elif self.dirty and self.sources is not None:  # (made from the inputs only: the previous build's)
            for name in list(config.theme.static_templates):
                if os.path.exists(os.path.join(config.site_dir, name)):
                    config.theme.static_templates.discard(name)
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

    def on_pre_build(self, *, config):
        self._site_dir = config.site_dir  # (for on_shutdown)

    def on_shutdown(self):
        """What this process wrote (``written``), noted in the publish's journal if one is open (fsutil.record)."""
        fsutil.record(self.written, base=getattr(self, "_site_dir", None) or ".")

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
