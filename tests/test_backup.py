"""Back up, wipe, restore: the database and media come back exactly."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.images.models import Image
from wagtail.models import Page, Revision

from cms.stories.models import StoryPage
from tests.conftest import make_image, make_story

# Real commits (pg_dump sees only committed rows); the migrations' data is put back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def state():
    """What must survive a round trip: pages with their revisions, images with their bytes."""
    pages = sorted(Page.objects.values_list("pk", "path", "title", "live", "latest_revision_id"))
    revisions = sorted((r.pk, r.object_id, str(r.content)) for r in Revision.objects.all())
    images = sorted((i.pk, i.title, i.file.name, i.file.read()) for i in Image.objects.all())
    return pages, revisions, images


@pytest.fixture
def content(programme):
    story = make_story(programme, portrait=make_image("肖像"), portrait_alt="示意肖像")
    make_story(programme, title="草稿", slug="caogao", publish=False)
    return story


def test_round_trip(content, tmp_path, settings):
    before = state()
    archive = tmp_path / "kepu.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "备份完成" in out.getvalue() and archive.exists()

    # Wipe: pages, images and the media folder all gone.
    image_file = content.portrait.file.path
    StoryPage.objects.all().delete()
    Image.objects.all().delete()
    for path in sorted((settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert not StoryPage.objects.exists()

    call_command("restore", str(archive), interactive=False, stdout=io.StringIO())
    assert state() == before
    assert StoryPage.objects.get(pk=content.pk).portrait.file.path == image_file


def test_restore_refuses_something_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="不是 Kepu 备份：不是 gzip 压缩的文件"):
        call_command("restore", str(bogus), interactive=False)


def test_restore_asks_before_overwriting(content, tmp_path, monkeypatch):
    archive = tmp_path / "kepu.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    StoryPage.objects.filter(slug="caogao").delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(archive))
    assert not StoryPage.objects.filter(slug="caogao").exists()  # nothing was touched
