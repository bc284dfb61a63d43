import gzip
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import make_story

LOGS = Path(__file__).parent / "logs"
STORY = "/gezhi-lundao/qian-xuesen/"


def ingest(*files):
    out = io.StringIO()
    call_command("ingest_access_logs", *map(str, files), "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def story(programme):
    """钱学森's story at /gezhi-lundao/qian-xuesen/, the page the fixture logs read."""
    return make_story(programme, slug="qian-xuesen")


@pytest.fixture
def live_site(tmp_path, settings):
    """The live site has the tag page the logs read (the publish step makes tag pages; no CMS page)."""
    settings.KEPU_SITE_DIR = tmp_path / "site"
    (settings.KEPU_SITE_DIR / "tags" / "力学").mkdir(parents=True)
    (settings.KEPU_SITE_DIR / "tags" / "力学" / "index.html").write_text("<!doctype html>", "utf-8")


@pytest.fixture
def logs(tmp_path, story, live_site):
    assert story.url_path.endswith(STORY)  # the page the fixture logs read
    (tmp_path / "access.log.2.gz").write_bytes(gzip.compress((LOGS / "access.log.2").read_bytes(), mtime=0))
    shutil.copy(LOGS / "access.log.1", tmp_path / "access.log.1")
    shutil.copy(LOGS / "access.log.1", tmp_path / "copy-of-access.log.1")
    return tmp_path
