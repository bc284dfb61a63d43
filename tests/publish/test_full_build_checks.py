"""A warm worker's write looks only at what changed, checking every file of content/ one write in
write.FULL_CHECK_EVERY. A full build reads every file there, so a publish that builds in full (asked
for, or the theme, settings or tools changed) checks every file before it builds: a content file
edited behind Kepu's back between two checks does not reach the live site through it."""

import os
from pathlib import Path

import pytest

from cms.hant.models import MirrorSettings, TermPair
from cms.publish import mirror_site, swap, write
from cms.publish.pipeline import publish
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders")


def live_page(path):
    return (Path(os.path.realpath(swap.site_link())) / path / "index.html").read_text("utf-8")


def test_a_full_build_in_a_warm_worker_checks_every_file_first(settings, programme, monkeypatch):
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 100)  # (no check by the count during the test)
    make_story(programme, title="李四光", slug="li-siguang")
    publish()  # the process's first write checks every file
    make_story(programme, title="华罗庚", slug="hua-luogeng")
    publish()  # a warm write: what changed only
    [source] = [path for path in Path(settings.KEPU_CONTENT_DIR).rglob("*.md") if "li-siguang" in str(path)]
    source.write_text(source.read_text("utf-8").replace("李四光", "被篡改的标题"), "utf-8")  # behind Kepu's back

    publish(full=True)

    assert "被篡改的标题" not in source.read_text("utf-8")  # written again as the export makes it
    page = live_page("gezhi-lundao/li-siguang")
    assert "李四光" in page and "被篡改的标题" not in page


def test_a_full_build_of_the_mirror_alone_checks_the_mirrors_files_first(settings, programme, monkeypatch):
    """A word pair added changes every conversion (the mirror's fingerprint): the Traditional site is
    built in full while the Simplified one is not, and content-hant/ is checked before it."""
    monkeypatch.setattr(write, "FULL_CHECK_EVERY", 100)
    mirror = MirrorSettings.load()
    mirror.enabled, mirror.profile, mirror.prefix = True, "s2hk", "zh-hant"
    mirror.save()
    make_story(programme, title="李四光", slug="li-siguang")
    publish()
    make_story(programme, title="华罗庚", slug="hua-luogeng")
    publish()
    hant = mirror_site.content_dir_of(Path(settings.KEPU_CONTENT_DIR))
    [source] = [path for path in hant.rglob("*.md") if "li-siguang" in str(path)]
    source.write_text(source.read_text("utf-8").replace("李四光", "被篡改的標題"), "utf-8")  # behind Kepu's back
    TermPair.objects.create(term="地质学家", conversion="地質學家")

    publish()

    assert "被篡改的標題" not in source.read_text("utf-8")
    page = live_page("zh-hant/gezhi-lundao/li-siguang")
    assert "李四光" in page and "被篡改的標題" not in page
