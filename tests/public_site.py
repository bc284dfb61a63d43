"""The published sample site, for the tests that read it as the public does.

``sample_site`` loads the sample content into the test database inside a transaction and
publishes it into a folder of its own; the rows are there while the block runs and rolled back
after it (caches cleared), the built site stays on disk.
"""

import io
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cms.core.models import SiteSettings
from cms.publish.export import canonical_of
from cms.publish.pipeline import publish


@dataclass
class Built:
    root: Path  # the live build's site/ (symlink resolved)
    content: Path  # content/ as exported
    base_url: str
    url_of_page: dict  # page id → site path ("/gezhi-lundao/qian-xuesen/")

    def soup(self, url):
        path = self.root / unquote(url).lstrip("/")
        if path.is_dir() or url.endswith("/"):
            path = path / "index.html"
        return BeautifulSoup(path.read_text("utf-8"), "html.parser")

    def pages(self):
        return sorted(p for p in self.root.rglob("*.html"))

    def one_page_per_kind(self):
        """{kind: site path} for the first document of every kind (home, programme, story …)."""
        pages = {}
        for path in sorted(self.content.rglob("*.md"), key=lambda p: (len(p.parts), p.as_posix())):
            text = path.read_text("utf-8")
            meta = yaml.safe_load(text.split("---\n", 2)[1]) if text.startswith("---\n") else {}
            kind = meta.get("kind") or "page"
            if path.name != "README.md" and kind not in pages and meta.get("canonical"):
                pages[kind] = meta["canonical"]
        return pages


@contextmanager
def sample_site(folder):
    folder = Path(folder)
    with override_settings(KEPU_CONTENT_DIR=folder / "content", KEPU_SITE_DIR=folder / "site",
                           KEPU_BUILDS_DIR=folder / "builds"):
        with transaction.atomic():
            call_command("load_sample_content", stdout=io.StringIO())
            publish(full=True)
            manifest = json.loads((folder / "content" / ".manifest.json").read_text("utf-8"))
            url_of_page = {entry["page"]: canonical_of(path) for path, entry in manifest["pages"].items()}
            yield Built(Path(os.path.realpath(folder / "site")), folder / "content", SiteSettings.load().base_url,
                        url_of_page)
            transaction.set_rollback(True)
    # Wagtail caches renditions by image id; ids come round again after the rollback.
    for cache in caches.all():
        cache.clear()
