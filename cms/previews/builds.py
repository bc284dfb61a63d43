"""Throwaway builds: a draft (document.py) written and built with MkDocs exactly as a publish does
(``write.write``, ``build.mkdocs_config``, ``build.run_mkdocs``: the same theme and plugin), into a
folder of its own under KEPU_PREVIEWS_DIR (default: ``previews`` beside KEPU_BUILDS_DIR), never
the content folder, a live build or the public site.

Every public page's document is written so that the draft's links to them resolve as on the live
site, but MkDocs builds only the draft's page (``exclude_docs``): the other pages are link targets.
No feeds and no sitemap are written. A build is kept under a key of the revision, the public pages
it was rendered among and the day (the draft is dated as if published today), so views of the same
draft cost one build; two processes building the same key at once both finish, and the first
rename wins.
"""

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import html as lxml_html

from cms.publish import build, fsutil, generate, paths, verify, write
from cms.publish.errors import VerificationError

from .document import render_draft
from .models import MAX_DAYS

INFO = "preview.json"
_BUILDING = threading.Lock()  # one MkDocs build at a time in a process (2 cores, MkDocs' logging)


@dataclass
class PreviewBuild:
    site_dir: Path  # the built site (only the draft's page, the theme's assets and the draft's files)
    page: str  # site-relative output of the page, e.g. ``gezhi-lundao/qian/index.html``
    url: str  # site-relative URL of the page, e.g. ``gezhi-lundao/qian/``
    media: frozenset  # site-relative paths of the files the page uses
    revision_id: int

    def html(self):
        return (self.site_dir / self.page).read_text(encoding="utf-8")


def previews_dir():
    found = getattr(settings, "KEPU_PREVIEWS_DIR", None) or Path(settings.KEPU_BUILDS_DIR).parent / "previews"
    path = Path(found)
    fsutil.make_dir(path, exist_ok=True)
    return path


def preview_build(page):
    """The built preview of the page's latest revision (built now unless the same is kept)."""
    draft = render_draft(page)
    key = hashlib.sha256(
        f"{draft.revision_id}|{timezone.localdate()}|{draft.signature}".encode()).hexdigest()[:32]
    folder = previews_dir() / f"{page.pk}-{draft.revision_id}-{key}"
    if not (folder / INFO).is_file():
        with _BUILDING:
            if not (folder / INFO).is_file():
                _build(draft, folder)
                _prune(page.pk, keep=folder)
    return load(folder)


def _prune(page_id, *, keep, settle=600, at_most=(MAX_DAYS + 1) * 86400):
    """Remove the page's earlier builds (other revisions, other days) once no request can still be
    reading files from them (``settle`` seconds after they were made), and any build older than the
    longest a link lasts."""
    now = time.time()
    for folder in previews_dir().glob("[0-9]*-*"):
        age = now - folder.stat().st_mtime
        if folder != keep and (age > at_most or folder.name.split("-", 1)[0] == str(page_id) and age > settle):
            shutil.rmtree(folder, ignore_errors=True)


def load(folder):
    info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    return PreviewBuild(folder / "site", info["page"], info["url"], frozenset(info["media"]), info["revision"])


def _build(draft, folder):
    site = _site_settings()
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=previews_dir()))
    try:
        content = work / "content"
        own = draft.documents[draft.path].attachments  # the draft's files beside it (its QR code …), no other's
        beside = {path: data for path, data in draft.generated.attachments.items() if path in own}
        generated = generate.Generated(draft.generated.pages, draft.generated.listings, {}, draft.generated.nav, beside)
        write.write(content, draft.documents, generated, draft.assets, write.WrittenFiles())
        config = build.mkdocs_config(site=site, content_dir=content.resolve(), site_dir=work / "site",
                                     nav=generated.nav)
        # Only the draft is built; every other document stays a link target.
        config["exclude_docs"] = f"*.md\n!/{draft.path}\n"
        build.write_config(work / "mkdocs.yml", config)
        build.run_mkdocs(work / "mkdocs.yml", source_date_epoch=0, template_cache=previews_dir() / ".template-cache")
        shutil.rmtree(content)
        _refuse_unsafe(work / "site", paths.output_path(draft.path), site.base_url)
        info = {"page": paths.output_path(draft.path), "url": paths.page_url(draft.path),
                "media": sorted([*draft.assets, *own]), "revision": draft.revision_id}
        (work / INFO).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        try:
            os.rename(work, folder)
        except OSError:  # another process built the same preview first
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _refuse_unsafe(site_dir, page, site_url):
    """The public site's safety gate on the preview: nothing executable the theme did not ship runs on
    the CMS host either (the draft went through the same escaping; this proves it for this page)."""
    tree = lxml_html.document_fromstring((site_dir / page).read_bytes())
    problems, _scripts = verify.safety_problems(page, tree, verify.Allowed.for_site(site_url), site_dir)
    if problems:
        raise VerificationError("；".join(problems))


def _site_settings():
    from cms.core.models import SiteSettings

    return SiteSettings.load()
