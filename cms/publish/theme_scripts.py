"""The scripts the theme ships, and the Content-Security-Policy that allows only them.

Known at build time from the theme's own files: every ``.js`` file of Material's bundle and of
``themes/`` (by SHA-256 of its bytes as the build ships them), and every inline ``<script>`` of
their templates (rendered with the build's scope; by the SHA-256 a CSP hash names). The build
prints the policy into every page (``themes/main.html``) and the safety gate (``verify.py``)
refuses a page with any other script.

Material's bundle would fetch two scripts from unpkg.com at run time: a ResizeObserver polyfill
in browsers without one, and mermaid for ``.mermaid`` elements. The build rewrites both addresses
to files of the site itself (``themes/assets/javascripts/``): a small polyfill, and a mermaid that
draws nothing.

The theme's own CSS and scripts ship under names with their content's digest (``kepu_asset``).
"""

import base64
import functools
import hashlib
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import jinja2
import material
from django.conf import settings

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
LOCAL = "assets/javascripts/"
# Other hosts Material's bundle would load scripts from → the site's own stand-ins (site-root paths).
REWRITES = {
    b'"https://unpkg.com/resize-observer-polyfill"': "kepu-resize-observer.js",
    b'"https://unpkg.com/mermaid@11/dist/mermaid.min.js"': "kepu-no-mermaid.js",
}
# Absolute URLs in the shipped scripts that are never fetched: a licence banner, an error message,
# and the repository facts Material reads only with ``repo_url``, which Kepu's mkdocs.yml never sets.
INERT_URLS = (
    "https://clipboardjs.com/", "https://bit.ly/2s3ChXG", "https://api.github.com/repos/${",
    "https://api.github.com/users/${", "https://${e}/api/v4/projects/${",
)
_URL = re.compile(rb"(?:https?:)?//[A-Za-z0-9$][^\s\"'`<>)]*")
# What a browser treats as script: a <script> without type, or with a JavaScript type or "module".
DATA_TYPES = {"application/json", "application/ld+json"}
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


# Material fetches sitemap.xml beside every <link rel=alternate> (its language selector); the
# Traditional mirror's hreflang links name pages, not sites: a 404 on every page view.
ALTERNATES = (b'M("link[rel=alternate]")', b'M("link[rel=alternate]:not([hreflang])")')


def rewrite_bundle(data):
    """A script as the site ships it: Material's unpkg.com loaders point at the site's own files,
    resolved against the site root Material keeps in ``__md_scope``; no sitemap fetched for hreflang links."""
    for url, local in REWRITES.items():
        data = data.replace(url, f'new URL("{LOCAL}{local}",__md_scope).href'.encode())
    return data.replace(*ALTERNATES)


def theme_dirs():
    return [Path(settings.KEPU_THEMES_DIR), MATERIAL_TEMPLATES]


def script_file_hashes():
    """{sha256 hex} of every script file the theme ships, as the build ships it."""
    return {hashlib.sha256(rewrite_bundle(path.read_bytes())).hexdigest()
            for folder in theme_dirs() for path in folder.rglob("*.js")}


def outside_urls(data):
    """Absolute URLs in a shipped script that it could fetch (anything but ``INERT_URLS``)."""
    found = []
    for match in _URL.finditer(data):
        url = match.group().decode("utf-8", "replace")
        if url.startswith("//") and not re.match(r"//[\w.-]+\.[a-z]{2,}/", url):
            continue  # a comment (//console.log(…)), not an address
        if not url.startswith(INERT_URLS):
            found.append(url)
    return found


def scope_of(site_url):
    """The site root's path (``/`` or ``/kepu/``): Material's storage scope, fixed for every page."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


@functools.lru_cache(maxsize=8)
def _inline_sources(dirs):
    sources = set()
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            sources.update(_INLINE.findall(path.read_text("utf-8")))
    return frozenset(sources)


def inline_script_hashes(scope):
    """CSP hashes ('sha256-…') of the inline scripts of the theme's templates, rendered for this site.

    A script whose template text needs anything but the site's scope cannot be known in advance
    and is left out (the gate then refuses a page that has it)."""
    hashes = set()
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for source in _inline_sources(tuple(str(d) for d in theme_dirs())):
        try:
            text = env.from_string(source).render(config={"extra": {"scope": scope}}, base_url=scope)
        except jinja2.TemplateError:
            continue
        hashes.add(csp_hash(text))
    return hashes


def csp_hash(text):
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def content_security_policy(scope):
    """The public site's policy: its own scripts and inline scripts known by hash, nothing from
    any other host, no plugins, no <base>, forms only to itself."""
    scripts = " ".join(f"'{h}'" for h in sorted(inline_script_hashes(scope)))
    return (f"default-src 'self'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-src 'none'; worker-src 'self'; manifest-src 'self'")


@functools.lru_cache(maxsize=64)
def _fingerprint(path, stamp):
    data = (Path(settings.KEPU_THEMES_DIR) / path).read_bytes()
    name = PurePosixPath(path)
    return name.with_name(f"{name.stem}.{hashlib.sha256(data).hexdigest()[:8]}.min{name.suffix}").as_posix()


def kepu_asset(path):
    """``assets/kepu.css`` → ``assets/kepu.<first 8 hex of its SHA-256>.min.css`` (a path for ``| url``):
    the name the build ships a theme file under (the MkDocs plugin), and the one a page type's
    document links to a theme script by (the event list's filter)."""
    return _fingerprint(path, Path(settings.KEPU_THEMES_DIR, path).stat().st_mtime_ns)
