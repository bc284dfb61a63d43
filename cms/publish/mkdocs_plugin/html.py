"""Pure helpers for the plugin: front matter read as JSON, escaping, srcset, valid checkboxes."""

import json
import posixpath
import re

from markupsafe import Markup, escape
from mkdocs.utils import meta as mkdocs_meta

_SRCSET = re.compile(r'srcset="([^"]*)"')
# Material's base template marks its toggle checkboxes autocomplete="off", which HTML allows only on
# text-like inputs (the Nu HTML Checker reports it as an error).
_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"')


def json_front_matter(source):
    """(meta, body) of a document whose front matter is JSON (which is YAML: the export writes it so,
    and ``json.loads`` reads a long listing far faster than PyYAML), or None to let MkDocs read it."""
    match = mkdocs_meta.YAML_RE.match(source)
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    return (data, source[match.end() :].lstrip("\n")) if isinstance(data, dict) else None


def relative_srcset(html, base, resolve):
    """``srcset`` URLs made relative to the built page, as MkDocs does for ``src``: documents write
    them relative to their Markdown file (``base``: its folder); ``resolve(content path)`` gives
    the URL from the page, or None for a path that is not a file of the site."""

    def fix(candidate):
        parts = candidate.strip().split()
        if not parts or "://" in parts[0] or parts[0].startswith("/"):
            return candidate.strip()
        url = resolve(posixpath.normpath(posixpath.join(base, parts[0])))
        if url is not None:
            parts[0] = url
        return " ".join(parts)

    return _SRCSET.sub(lambda m: 'srcset="' + ", ".join(fix(c) for c in m.group(1).split(",")) + '"', html)


def escaped(value):
    """Front matter as text, not HTML: every string escaped (``Markup``: printed as is, never twice)."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escaped(item) for item in value]
    return value


def unescaped(value):
    """Escaped front matter back to the text it was (for JSON, which ``tojson`` escapes itself)."""
    if isinstance(value, Markup):
        return value.unescape()
    if isinstance(value, dict):
        return {key: unescaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unescaped(item) for item in value]
    return value


def escape_nav(nav):
    """Navigation titles are text too."""
    items = list(nav.items) if nav else []
    while items:
        item = items.pop()
        if isinstance(item.title, str):
            item.title = escape(item.title)
        items.extend(getattr(item, "children", None) or ())


def valid_checkboxes(html):
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
