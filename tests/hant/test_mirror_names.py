"""A protected name that comes or goes (a story about a new scientist approved, the only story about
one unpublished) changes the mirror where the name is written and nowhere else: the pages that
contain it are converted again with or without the name's form, every other page's conversion is
reused and its built file kept (the mirror's build stays incremental), and the result is the mirror
a worker that knows nothing makes from the same content, in a worker that keeps running and in
one that has just started and knows only what the last one saved on disk."""

import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cms.hant.mirror import Mirror
from cms.hant.models import MirrorSettings
from cms.publish import mirror_site, swap
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from tests.conftest import make_story
from tests.publish.trees import folders, snapshot  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("folders")

OLD = "gezhi-lundao/zhongbiao"  # an old story whose body quotes 张钟 (not yet a known name)
OTHER = "gezhi-lundao/hua-luogeng"  # a story without the name


def site():
    return Path(os.path.realpath(swap.site_link()))


def body_text(rel):
    """The text of the page's paragraphs."""
    tree = lxml_html.fromstring((site() / rel / "index.html").read_bytes())
    return " ".join(p.text_content() for p in tree.xpath("//article//p"))


def inode(rel):
    return (site() / rel / "index.html").stat().st_ino


def site_and_mirror_content(settings):
    return snapshot(site()), snapshot(mirror_site.content_dir_of(settings.KEPU_CONTENT_DIR))


@pytest.fixture
def stories(db, programme):
    settings = MirrorSettings.load()
    settings.enabled, settings.profile, settings.prefix = True, "s2hk", "zh-hant"
    settings.save()
    make_story(programme, title="一次讨论", slug="zhongbiao", scientist_name="李四光",
               body=[("paragraph", "<p>会上张钟表示同意。</p>")])
    make_story(programme, title="华罗庚", slug="hua-luogeng", scientist_name="华罗庚",
               body=[("paragraph", "<p>数学家，自学成才。</p>")])
    return programme


def the_cold_mirror(settings):
    """What a worker that knows nothing (nothing in memory, nothing read from disk) publishes in full."""
    cold = PublishState()
    cold.forget()
    publish(state=cold, full=True)
    return site_and_mirror_content(settings)


def test_a_new_scientist_converts_again_the_old_page_with_the_name_and_no_other(settings, stories, converted):
    state = PublishState()
    publish(state=state, full=True)
    # 张钟 is no known name yet: OpenCC reads 钟表 as a clock.
    assert "張鐘錶示同意" in body_text(f"zh-hant/{OLD}")
    other = inode(f"zh-hant/{OTHER}")

    converted.clear()
    make_story(stories, title="张钟的一生", slug="zhang-zhong", scientist_name="张钟",
               body=[("paragraph", "<p>张钟表示，科学需要耐心。</p>")])
    assert publish(state=state).incremental
    assert "張鍾表示同意" in body_text(f"zh-hant/{OLD}")
    assert "張鍾表示，科學需要耐心" in body_text("zh-hant/gezhi-lundao/zhang-zhong")
    assert f"/{OLD}/" in converted and f"/{OTHER}/" not in converted
    assert inode(f"zh-hant/{OTHER}") == other  # the mirror's build was incremental: the page was not built again
    assert "会上张钟表示同意。" in body_text(OLD)  # the Simplified page as it was

    warm = site_and_mirror_content(settings)
    assert the_cold_mirror(settings) == warm


def test_the_name_of_an_unpublished_scientist_leaves_every_page(settings, stories, converted):
    state = PublishState()
    zhang = make_story(stories, title="张钟的一生", slug="zhang-zhong", scientist_name="张钟",
                       body=[("paragraph", "<p>张钟表示，科学需要耐心。</p>")])
    publish(state=state, full=True)
    assert "張鍾表示同意" in body_text(f"zh-hant/{OLD}")
    other = inode(f"zh-hant/{OTHER}")

    converted.clear()
    zhang.unpublish()  # the only story about 张钟: the name is no longer known
    assert publish(state=state).incremental
    assert "張鐘錶示同意" in body_text(f"zh-hant/{OLD}")
    assert not (site() / "zh-hant/gezhi-lundao/zhang-zhong").exists()
    assert f"/{OLD}/" in converted and f"/{OTHER}/" not in converted
    assert inode(f"zh-hant/{OTHER}") == other

    warm = site_and_mirror_content(settings)
    assert the_cold_mirror(settings) == warm


def test_a_restarted_worker_converts_again_only_the_pages_a_changed_name_is_in(settings, stories, converted):
    publish(state=PublishState(), full=True)  # saved on disk after its swap
    other = inode(f"zh-hant/{OTHER}")

    converted.clear()
    zhang = make_story(stories, title="张钟的一生", slug="zhang-zhong", scientist_name="张钟",
                       body=[("paragraph", "<p>张钟表示，科学需要耐心。</p>")])
    assert publish(state=PublishState()).incremental  # a new worker: what the last one saved, checked
    assert "張鍾表示同意" in body_text(f"zh-hant/{OLD}")
    assert f"/{OLD}/" in converted and f"/{OTHER}/" not in converted
    assert inode(f"zh-hant/{OTHER}") == other

    converted.clear()
    zhang.unpublish()
    assert publish(state=PublishState()).incremental  # another new worker: the name goes
    assert "張鐘錶示同意" in body_text(f"zh-hant/{OLD}")
    assert f"/{OLD}/" in converted and f"/{OTHER}/" not in converted
    assert inode(f"zh-hant/{OTHER}") == other

    warm = site_and_mirror_content(settings)
    assert the_cold_mirror(settings) == warm


def test_a_name_among_the_themes_own_words_is_an_input_of_the_mirrors_build():
    """The mirror's build reads the theme's templates through the mirror's conversion (相关故事 …): a
    name found there changes every page, so its coming or going rebuilds the mirror in full (the
    manifest's ``inputs``); a name found in no template leaves them as they were."""
    assert mirror_site.template_names(Mirror.build("s2hk", names=["张钟"])) == []
    assert mirror_site.template_names(Mirror.build("s2hk", names=["张钟", "相关"])) == [["相关", "相關"]]
    # Names inside one another are each found (关故 inside 相关故事 too).
    inside = Mirror.build("s2hk", names=["相关", "关故"])
    assert mirror_site.template_names(inside) == [["关故", "關故"], ["相关", "相關"]]


def test_an_export_stopped_half_way_leaves_no_conversion_a_later_one_trusts_wrongly():
    """A name comes, an export converts a page with it and stops (a failure) before it has been
    through every page; the name goes again: that page is converted again, without the name."""
    sources = [("a.md", {"title": "一次讨论"}, "会上张钟表示同意。", "sha-a"),
               ("b.md", {"title": "华罗庚"}, "数学家。", "sha-b")]
    without, named = Mirror.build("s2hk"), Mirror.build("s2hk", names=["张钟"])
    converted = mirror_site.Converted()
    converted.start(without)
    assert converted.documents(without, sources)["a.md"] == ({"title": "一次討論"}, "會上張鐘錶示同意。")
    converted.prune({"a.md", "b.md"}, set())

    converted.start(named)
    assert converted.documents(named, sources[:1])["a.md"] == ({"title": "一次討論"}, "會上張鍾表示同意。")
    converted.start(without)  # (no prune: the export stopped)
    assert converted.documents(without, sources)["a.md"] == ({"title": "一次討論"}, "會上張鐘錶示同意。")
