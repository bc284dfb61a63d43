"""MkDocs hooks.

- ``srcset`` URLs made relative to the built page, as MkDocs does for ``src``: documents write
  image sources relative to their own Markdown file (generator-agnostic); MkDocs rewrites ``src``
  and ``href`` for directory URLs but leaves ``srcset`` alone.
- No sitemap from MkDocs: the export writes sitemap.xml from every document's front matter, which
  an incremental (``--dirty``) build could not (it reads only the changed pages).
- Front matter and titles are escaped before templates print them (see ``on_page_context``).
- Valid HTML from Material's base template (no ``autocomplete`` on checkboxes).
- Compiled templates are kept between builds (Jinja's bytecode cache, beside the builds).
- In an incremental (``--dirty``) build, pages whose output is already there and newer than their
  Markdown are left out of the build altogether (``on_files``), not only skipped one by one.
"""

import posixpath
import re
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.structure.files import InclusionLevel

_SRCSET = re.compile(r'srcset="([^"]*)"')


_BUILD = {"dirty": False}


def on_startup(command, dirty):
    _BUILD["dirty"] = dirty


def on_config(config):
    config.theme.static_templates.discard("sitemap.xml")
    return config


def on_env(env, config, files):
    """Material's templates compile once, not at every build (0.5 s of a one-page publish)."""
    folder = Path(config.site_dir).parent.parent / ".template-cache"
    folder.mkdir(exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


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
    for item in nav.pages:
        if isinstance(item.title, str):
            item.title = escape(item.title)
    return context


# Material's base template marks its toggle checkboxes autocomplete="off", which HTML allows only on
# text-like inputs (the Nu HTML Checker reports it as an error).
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')


def on_post_page(output, page, config):
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", output)


def on_post_template(output_content, template_name, config):
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", output_content)
