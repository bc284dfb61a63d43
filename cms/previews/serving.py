"""What a preview link serves from its build: the page (with its banner and noindex), the theme's
files, and only the files the page itself uses. Nothing else, whatever path is asked for."""

import mimetypes
import posixpath
import re
from pathlib import Path

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone

from . import builds

_HEAD = re.compile(r"<meta charset=\"utf-8\">")
_BODY = re.compile(r"<body\b[^>]*>")
HEAD_EXTRA = ('<meta name="robots" content="noindex, nofollow, noarchive">'
              '<meta name="referrer" content="same-origin">')


def build_for(page):
    """The build of the page's latest revision: one kept already for that revision when there is
    one (theme files and the page's files do not depend on the other pages), else made now."""
    kept = sorted(builds.previews_dir().glob(f"{page.pk}-{page.latest_revision_id}-*/{builds.INFO}"),
                  key=lambda path: path.stat().st_mtime)
    return builds.load(kept[-1].parent) if kept else builds.preview_build(page)


def page_html(build, link, *, request, comment_url, commented=False):
    """The built page with ``noindex`` in its head and the preview banner at the top of its body:
    both outside the content area, which stays exactly what the public site will show."""
    banner = render_to_string("previews/banner.html", {
        "link": link, "expires": timezone.localtime(link.expires_at), "comment_url": comment_url,
        "commented": commented, "revision": build.revision_id,
    }, request=request)
    html = build.html()
    html = _HEAD.sub(lambda m: m.group(0) + HEAD_EXTRA, html, count=1)
    return _BODY.sub(lambda m: m.group(0) + banner, html, count=1)


def file_path(build, path):
    """The file of the build a site-relative path names, if a preview may serve it: the theme's
    assets, or one of the files the page uses. None otherwise."""
    clean = posixpath.normpath(path)
    if clean.startswith(("/", "..")) or "\x00" in clean:
        return None
    if not (clean in build.media or clean.startswith("assets/")):
        return None
    found = (build.site_dir / clean).resolve()
    root = build.site_dir.resolve()
    if root not in found.parents or not found.is_file():
        return None
    return found


def file_response(found):
    content_type, _encoding = mimetypes.guess_type(Path(found).name)
    return FileResponse(open(found, "rb"), content_type=content_type or "application/octet-stream")
