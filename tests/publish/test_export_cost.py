"""The export step costs what the change costs: what is the same as the last publish wrote is neither
serialised, hashed nor read back, and each shortcut still gives the bytes a cold export gives, and
writes again a file that is no longer as it was written."""

from pathlib import Path

import pytest

from cms.core.models import SiteSettings
from cms.publish import write
from cms.publish.pipeline import export
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("folders")]


@pytest.fixture
def stories(programme):
    made = []
    for title, slug in [("李四光", "li-siguang"), ("华罗庚", "hua-luogeng"), ("钱三强", "qian-sanqiang")]:
        story = make_story(programme, title=title, slug=slug)
        story.tags.add("科学家")
        story.save_revision().publish()
        made.append(story)
    return made


def exported(settings, state):
    return export(Path(settings.KEPU_CONTENT_DIR), SiteSettings.load(), state)


@pytest.fixture
def reads(monkeypatch, settings):
    """The content/ files read back, and the files hashed, as the export runs."""
    seen = {"read": [], "hashed": 0}
    read_bytes, sha256 = Path.read_bytes, write.sha256

    def reading(path):
        if Path(path).is_relative_to(settings.KEPU_CONTENT_DIR) and path.name != write.MANIFEST_NAME:
            seen["read"].append(Path(path).relative_to(settings.KEPU_CONTENT_DIR).as_posix())
        return read_bytes(path)

    def hashing(data):
        seen["hashed"] += 1
        return sha256(data)

    monkeypatch.setattr(Path, "read_bytes", reading)
    monkeypatch.setattr(write, "sha256", hashing)
    return seen


def test_files_written_as_they_are_are_not_read_back_and_a_damaged_one_is_written_again(settings, stories, reads):
    state = PublishState(restored=True)
    exported(settings, state)
    content = Path(settings.KEPU_CONTENT_DIR)
    cold = snapshot(content)
    qr_codes = sorted(path for path in cold if path.endswith("/qr.svg"))
    assert qr_codes and "feed.xml" in cold  # (files of bytes: the QR codes beside pages, the feeds)

    reads["read"].clear()
    reads["hashed"] = 0
    out = exported(settings, state)
    assert reads == {"read": [], "hashed": 0}  # nothing read back, nothing hashed again
    assert out.written == [] and snapshot(content) == cold

    (content / qr_codes[0]).write_bytes(b"<svg/>")  # damaged (another size, another mtime)
    (content / qr_codes[1]).unlink()
    (content / "feed.xml").write_bytes(b"x" * (content / "feed.xml").stat().st_size)  # (the same size)
    out = exported(settings, state)
    assert sorted(out.written) == sorted([qr_codes[0], qr_codes[1], "feed.xml"])
    assert snapshot(content) == cold
