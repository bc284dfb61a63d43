"""The published sample site, for the tests that read it as the public does.

``sample_site`` loads the sample content into the test database inside a transaction and
publishes it into a folder of its own; the rows are there while the block runs and rolled back
after it (caches cleared), the built site stays on disk.

``public_site`` (a session fixture, offered to every test by tests/conftest.py) is that site built
once per test run: the sample content published in full, then one more story approved after all
of it and published as an editor's approval is (incrementally, pages first, then the search
index). Its rows stay in the database until the last test that asks for it has run (those tests run
together, see ``pytest_collection_modifyitems``); ask for it rather than publishing the sample content again.
"""

import io
import json
import os
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from bs4 import BeautifulSoup
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cms.core.models import SiteSettings
from cms.publish.paths import canonical_of
from cms.publish.pipeline import publish
from tests.conftest import make_story

FRESH_TITLE = "刚刚通过终审的故事"


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


# One build for the whole run ------------------------------------------------------------------------

_OPEN = {}  # while the sample rows are in the database: {"stack": ExitStack, "blocker": django_db_blocker}


@pytest.fixture(scope="session")
def public_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """The sample site, built once per run (see the module docstring)."""
    from cms.programmes.models import ProgrammePage

    folder = tmp_path_factory.mktemp("public-site")
    stack = ExitStack()
    with django_db_blocker.unblock():
        built = stack.enter_context(sample_site(folder))
        programme = ProgrammePage.objects.live().order_by("-home_order", "-path").first()
        body = "<h2>早年求学</h2><p>他在上海读书。</p><h2>回到祖国</h2><p>1955 年。</p>"
        story = make_story(programme, title=FRESH_TITLE, slug="gang-gang-tongguo", body=[("paragraph", body)])
        publish()
    _OPEN.update(stack=stack, blocker=django_db_blocker)
    built = replace(built, root=Path(os.path.realpath(folder / "site")))
    built.url_of_page[story.pk] = "/" + programme.slug + "/" + story.slug + "/"
    yield built
    _close()


def _close():
    """Roll the sample rows back (the built files stay)."""
    if "stack" in _OPEN:
        with _OPEN.pop("blocker").unblock():
            _OPEN.pop("stack").close()


def _transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool({"transactional_db", "live_server"} & set(item.fixturenames)) or (
        marker is not None and bool(marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests that read the shared site run one after the other, so that while its rows are in the
    database no other test runs (one that makes a programme or loads the sample content would meet
    them): after the other database tests, before the transactional ones (pytest-django runs those
    last; each empties the database when it ends). (trylast: after pytest-django's ordering, and
    after -k and -m have deselected what will not run.)"""
    users = [item for item in items if "public_site" in item.fixturenames]
    others = [item for item in items if "public_site" not in item.fixturenames]
    first = next((n for n, item in enumerate(others) if _transactional(item)), len(others))
    items[:] = others[:first] + users + others[first:]
    _OPEN["last"] = users[-1] if users else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test that uses ``public_site``, take its rows out of the database, so that the
    tests after it start from an empty site as usual (the fixture itself ends with the session)."""
    yield
    if _OPEN.get("last") is item:
        _close()
