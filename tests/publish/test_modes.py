"""Everything a publish writes can be read by a web server running as another user (nginx's
www-data), whatever the umask of the process that publishes: files 0644, folders 0755."""

import os
import stat
from pathlib import Path

import pytest

from cms.publish import fsutil
from cms.publish.pipeline import publish
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")


def not_world_readable(root):
    """Paths under ``root`` another user could not read (files: o+r; folders: o+rx), and ``root`` itself."""
    root = Path(root)
    found = [] if stat.S_IMODE(root.stat().st_mode) & 0o005 == 0o005 else ["."]
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            if stat.S_IMODE(os.stat(Path(folder) / name).st_mode) & 0o005 != 0o005:
                found.append(os.path.relpath(Path(folder) / name, root) + "/")
        for name in files:
            if not os.stat(Path(folder) / name).st_mode & 0o004:
                found.append(os.path.relpath(Path(folder) / name, root))
    return sorted(found)


@pytest.fixture
def strict_umask():
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def live_build(settings):
    return Path(os.path.realpath(settings.KEPU_SITE_DIR)).parent


def test_a_publish_under_umask_077_writes_a_build_everyone_can_read(folders, programme, strict_umask, settings):  # noqa: F811
    story = make_story(programme, title="钱学森：中国航天之父", slug="qian-xuesen")
    publish(full=True)
    build = live_build(settings)
    assert (build / "site" / "search" / "shards.json").is_file()
    assert not_world_readable(build) == []
    assert stat.S_IMODE(Path(settings.KEPU_BUILDS_DIR).stat().st_mode) & 0o005 == 0o005  # the way to it

    # An incremental publish: the pages first, then the search index in a second build.
    story.body = [("paragraph", "<p>新增一段：蛟龙号潜航。</p>")]
    story.save_revision().publish()
    make_story(programme, title="邓稼先", slug="deng-jiaxian", scientist_name="邓稼先")
    publish()
    assert live_build(settings) != build
    assert not_world_readable(live_build(settings)) == []
    assert os.umask(0o077) == 0o077  # the publish gave the process its umask back


def test_unreadable_lists_what_another_user_could_not_read(tmp_path):
    """What verification runs on a staging build (fsutil.unreadable)."""
    site = tmp_path / "site"
    fsutil.make_dir(site / "a" / "b")
    fsutil.write_file(site / "a" / "b" / "page.html", "<p>好</p>")
    fsutil.write_file(site / "index.html", b"<p>1</p>")
    assert fsutil.unreadable(site) == []
    os.chmod(site / "index.html", 0o600)
    os.chmod(site / "a" / "b", 0o700)
    assert fsutil.unreadable(site) == ["a/b/", "index.html"]
