"""Back up, lose everything, restore, publish: the public site comes back byte for byte.

The whole sample content (pages, portraits, resource documents) on the suite's database (SQLite or
PostgreSQL), published; then the database, media/, content/ and the builds are all wiped, the backup
restored and the site rebuilt from scratch with ``publish_site --full``.
"""

import io
import shutil

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from wagtail.models import Page

from tests.deploy import site_tree
from tests.publish.trees import folders  # noqa: F401 (the fixture: content/, site/, builds/ in tmp_path)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def content_types_cached():
    """``flush`` empties Django's content type cache; the next test's serialized rollback then saves
    objects whose signal handlers create content types before the serialized ones are loaded (a
    unique violation). Fill the cache again from the restored rows, as the suite had it."""
    yield
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())


def test_restored_backup_publishes_the_same_site(tmp_path):
    call_command("load_sample_content", stdout=io.StringIO())
    call_command("publish_site", "--no-progress", stdout=io.StringIO())
    before = site_tree(settings.KEPU_SITE_DIR)
    assert any(path.startswith("media/images/") for path in before)
    assert any(path.startswith("media/documents/") for path in before)
    pages = Page.objects.count()

    archive = tmp_path / "kepu.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    # Everything is lost: the database, uploads, the Markdown, every build and the site link.
    call_command("flush", interactive=False)
    assert not Page.objects.exists()
    for folder in (settings.MEDIA_ROOT, settings.KEPU_CONTENT_DIR, settings.KEPU_BUILDS_DIR):
        shutil.rmtree(folder)
    settings.KEPU_SITE_DIR.unlink()

    call_command("restore", str(archive), interactive=False, stdout=io.StringIO())
    assert Page.objects.count() == pages
    call_command("publish_site", "--full", "--no-progress", stdout=io.StringIO())
    after = site_tree(settings.KEPU_SITE_DIR)
    assert sorted(after) == sorted(before)
    assert [path for path in before if after[path] != before[path]] == []
