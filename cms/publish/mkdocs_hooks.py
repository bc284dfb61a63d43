"""MkDocs hooks.

- ``srcset`` URLs made relative to the built page, as MkDocs does for ``src``: documents write
  image sources relative to their own Markdown file (generator-agnostic); MkDocs rewrites ``src``
  and ``href`` for directory URLs but leaves ``srcset`` alone.
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
- Compiled templates are kept between builds (Jinja's bytecode cache, beside the builds).
- In an incremental (``--dirty``) build, pages whose output is already there and newer than their
  Markdown are left out of the build altogether (``on_files``), not only skipped one by one.
"""

import functools
import hashlib
import posixpath
import re
from pathlib import Path, PurePosixPath

from django.conf import settings
from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup, escape
from mkdocs.structure.files import InclusionLevel
from pymdownx.slugs import slugify

from cms.publish import fsutil, theme_scripts

_SRCSET = re.compile(r'srcset="([^"]*)"')


_BUILD = {"dirty": False}


def on_startup(command, dirty):
    _BUILD["dirty"] = dirty


def on_config(config):
    config.theme.static_templates.discard("sitemap.xml")
    config.mdx_configs.setdefault("toc", {})["slugify"] = slugify(case="lower")
    # Site settings from the CMS, printed by Material's templates as they are.
    for name in ("site_name", "site_description", "copyright"):
        if isinstance(config[name], str):
            config[name] = escape(config[name])
    return config


def on_env(env, config, files):
    """Material's templates compile once, not at every build (0.5 s of a one-page publish)."""
    folder = Path(config.site_dir).parent.parent / ".template-cache"
    folder.mkdir(exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    env.globals["kepu_csp"] = theme_scripts.content_security_policy(config.extra["scope"])
    env.globals["kepu_asset"] = kepu_asset
    env.filters["kepu_unescaped"] = _unescaped
    return env


FINGERPRINTED = ("assets/*.css", "assets/*.js")  # the theme's own files the templates link to


@functools.lru_cache(maxsize=64)
def _fingerprint(path, stamp):
    data = (Path(settings.KEPU_THEMES_DIR) / path).read_bytes()
    name = PurePosixPath(path)
    return name.with_name(f"{name.stem}.{hashlib.sha256(data).hexdigest()[:8]}.min{name.suffix}").as_posix()


def kepu_asset(path):
    """``assets/kepu.css`` → ``assets/kepu.<first 8 hex of its SHA-256>.min.css`` (a path for ``| url``)."""
    return _fingerprint(path, Path(settings.KEPU_THEMES_DIR, path).stat().st_mtime_ns)


def _nav_paths(items):
    for item in items or ():
        for value in item.values() if isinstance(item, dict) else (item,):
            if isinstance(value, list):
                yield from _nav_paths(value)
            else:
                yield value


def on_files(files, config):
    """An incremental build starts from the previous build without the outputs of what changed, so
    a page whose output is there is up to date. MkDocs' ``--dirty`` would still make a page object
    of each (10,000 pages: about a second); marked excluded, MkDocs only keeps them as link targets
    (links to them are written as usual). Pages in the navigation stay: every page lists them."""
    if _BUILD["dirty"]:
        in_nav = set(_nav_paths(config.nav))
        for file in files.documentation_pages():
            if file.src_uri not in in_nav and not file.is_modified():
                file.inclusion = InclusionLevel.EXCLUDED
    return files


def on_page_content(html, page, config, files):
    base = posixpath.dirname(page.file.src_uri)

    def fix(candidate):
        parts = candidate.strip().split()
        if not parts or "://" in parts[0] or parts[0].startswith("/"):
            return candidate.strip()
        target = files.get_file_from_path(posixpath.normpath(posixpath.join(base, parts[0])))
        if target is not None:
            parts[0] = target.url_relative_to(page.file)
        return " ".join(parts)

    return _SRCSET.sub(lambda m: 'srcset="' + ", ".join(fix(c) for c in m.group(1).split(",")) + '"', html)


def _unescaped(value):
    """Escaped front matter back to the text it was (for JSON, which ``tojson`` escapes itself)."""
    if isinstance(value, Markup):
        return value.unescape()
    if isinstance(value, dict):
        return {key: _unescaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unescaped(item) for item in value]
    return value


def _escaped(value):
    if isinstance(value, str):
        return escape(value)  # Markup: printed as is, never escaped twice
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def on_page_context(context, page, config, nav):
    """Front matter and titles are text, not HTML: escape them before any template prints them.

    MkDocs renders templates without autoescaping, and Material prints titles and descriptions
    as they are; a title such as ``<img onerror=…>`` would otherwise run on the public site.
    """
    page.meta = _escaped(page.meta)
    if isinstance(page.title, str):
        page.title = escape(page.title)
    _escape_nav(nav)
    return context


def _escape_nav(nav):
    items = list(nav.items) if nav else []
    while items:
        item = items.pop()
        if isinstance(item.title, str):
            item.title = escape(item.title)
        items.extend(getattr(item, "children", None) or ())


def on_template_context(context, template_name, config):
    """The static templates (404.html, the search page) print the navigation too: it is text."""
    _escape_nav(context.get("nav"))
    return context


def on_post_build(config):
    """Material's bundle as the site ships it (``theme_scripts.rewrite_bundle``), and the theme's
    fingerprinted files (``kepu_asset``). Written as new files: in an incremental build the old
    ones are hard links into the live build."""
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


# Material's base template marks its toggle checkboxes autocomplete="off", which HTML allows only on
# text-like inputs (the Nu HTML Checker reports it as an error).
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')


def on_post_page(output, page, config):
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", output)


def on_post_template(output_content, template_name, config):
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", output_content)
