"""Incremental publishing: rebuild only what changed, and get exactly what a full build gives.

Each step below changes content the way editors do (edit, add, tag, unpublish, delete, image), then
publishes incrementally and checks three things: the new site is byte for byte the site a full
rebuild of the same content makes; the live build it started from was not touched (its files are
hard links of the new one's, and MkDocs must not write through them); and the pages it did not
need to rebuild are still the very same files.
"""

import os
from pathlib import Path

import pytest

from cms.publish import swap
from cms.publish.pipeline import publish
from tests.conftest import make_image, make_story
from tests.publish.trees import inodes, snapshot


@pytest.fixture(autouse=True)
def keep_all_builds(folders, settings):
    settings.KEPU_KEEP_BUILDS = 100


def build_site(build_id):
    return Path(swap.builds_dir()) / build_id / "site"


def publish_incrementally_and_compare():
    """Publish incrementally; return the files it wrote anew (rel paths). Asserts the invariants."""
    before_id = swap.live_build()
    before_tree = snapshot(build_site(before_id))
    before_inodes = inodes(build_site(before_id))

    result = publish()
    assert result.incremental and result.build_id
    after = build_site(result.build_id)
    # The build it started from is untouched: nothing wrote through a hard link.
    assert snapshot(build_site(before_id)) == before_tree
    incremental_tree = snapshot(after)

    full = publish(full=True)
    assert not full.incremental
    assert snapshot(build_site(full.build_id)) == incremental_tree

    after_inodes = inodes(after)
    return {rel for rel, ino in after_inodes.items() if before_inodes.get(rel) != ino}


@pytest.mark.django_db
def test_incremental_builds_equal_full_builds_through_a_day_of_edits(programme):
    li = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    li.tags.add("地质")
    li.save_revision().publish()
    hua = make_story(programme, title="华罗庚", slug="hua-luogeng")
    qian = make_story(programme, title="钱三强", slug="qian-sanqiang")
    first = publish()
    assert not first.incremental

    # An edit of one story's body: that page is rendered anew; other stories are the same files.
    li.body = [("paragraph", "<p>地质学家，中国地质力学的创立者。</p>")]
    li.save_revision().publish()
    rewritten = publish_incrementally_and_compare()
    assert "gezhi-lundao/li-siguang/index.html" in rewritten
    assert "gezhi-lundao/hua-luogeng/index.html" not in rewritten
    assert "gezhi-lundao/qian-sanqiang/index.html" not in rewritten
    assert not any(rel.startswith("assets/") for rel in rewritten)  # the theme is not copied again

    # A new story with a portrait and a new tag: new page, new image renditions, new tag page.
    portrait = make_image("新肖像", size=(900, 900))
    new = make_story(programme, title="袁隆平", slug="yuan-longping", portrait=portrait, portrait_alt="袁隆平")
    new.tags.add("农学")
    new.save_revision().publish()
    rewritten = publish_incrementally_and_compare()
    assert {"gezhi-lundao/yuan-longping/index.html", "tags/农学/index.html"} <= rewritten
    assert any(rel.startswith("media/images/") for rel in rewritten)

    # A title change shows in the listings that link to it.
    hua.title = "华罗庚：自学成才的数学家"
    hua.save_revision().publish()
    rewritten = publish_incrementally_and_compare()
    assert "gezhi-lundao/index.html" in rewritten

    # Unpublish one story, delete another: their pages, tag pages and images go.
    new.unpublish()
    qian.delete()
    publish_incrementally_and_compare()
    live = build_site(swap.live_build())
    assert not (live / "gezhi-lundao" / "yuan-longping").exists()
    assert not (live / "gezhi-lundao" / "qian-sanqiang").exists()
    assert not (live / "tags" / "农学").exists()
    assert not any(p.name.startswith(f"{portrait.pk}-") for p in (live / "media" / "images").glob("*"))
    sitemap = (live / "sitemap.xml").read_text()
    assert "li-siguang" in sitemap and "yuan-longping" not in sitemap and "qian-sanqiang" not in sitemap


@pytest.mark.django_db
def test_a_theme_change_rebuilds_everything(settings, programme, tmp_path):
    make_story(programme, title="李四光", slug="li-siguang")
    publish()
    themes = tmp_path / "themes"
    themes.mkdir()
    for path in Path(settings.KEPU_THEMES_DIR).rglob("*"):
        if path.is_file():
            target = themes / path.relative_to(settings.KEPU_THEMES_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (themes / "main.html").write_text((themes / "main.html").read_text() + "\n{# changed #}\n")
    settings.KEPU_THEMES_DIR = themes
    result = publish()
    assert result.build_id and not result.incremental


def test_mkdocs_writes_never_reach_through_hard_links(tmp_path):
    """The plugin's guard on its own: an incremental (dirty) MkDocs build over a site folder whose every
    file is a hard link of another build's writes new files, and the other build keeps its bytes."""
    from types import SimpleNamespace

    from cms.publish import build, fsutil

    docs = tmp_path / "docs"
    (docs / "media").mkdir(parents=True)
    (docs / "index.md").write_text('---\n{"title": "首页", "kind": "home"}\n---\n\n第一版。\n', "utf-8")
    (docs / "media" / "note.txt").write_text("第一版附件", "utf-8")
    site = SimpleNamespace(site_name="测试", base_url="https://kepu.example.org/", description="", copyright="")

    def build_into(name, dirty=False):
        config = build.mkdocs_config(site=site, content_dir=docs, site_dir=tmp_path / name / "site", nav=[])
        build.write_config(tmp_path / name / "mkdocs.yml", config)
        build.run_mkdocs(tmp_path / name / "mkdocs.yml", source_date_epoch=0, dirty=dirty)
        return tmp_path / name / "site"

    (tmp_path / "live").mkdir()
    live = build_into("live")
    before = snapshot(live)
    fsutil.link_tree(live, tmp_path / "next" / "site")
    (docs / "index.md").write_text('---\n{"title": "首页", "kind": "home"}\n---\n\n第二版。\n', "utf-8")
    (docs / "media" / "note.txt").write_text("第二版附件", "utf-8")
    after = build_into("next", dirty=True)
    assert snapshot(live) == before
    assert "第二版。" in (after / "index.html").read_text("utf-8")
    assert (after / "media" / "note.txt").read_text("utf-8") == "第二版附件"
    assert (after / "404.html").stat().st_ino != (live / "404.html").stat().st_ino


def indexed_text(site):
    """Every page record of the site's search index, as one text."""
    return "".join(path.read_text("utf-8") for path in sorted(Path(site, "search").glob("s/*/d/*.json")))


@pytest.mark.django_db
def test_edited_pages_go_live_first_and_their_search_index_follows(programme, monkeypatch):
    from cms.publish import pipeline

    story = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    before = publish().build_id
    story.body = [("paragraph", "<p>冰川遗迹的发现者。</p>")]
    story.save_revision().publish()

    seen = {}
    publish_index = pipeline.publish_index

    def between_the_two_swaps(live, *args, **kwargs):
        site = Path(os.path.realpath(swap.site_link()))
        seen["page"] = (site / "gezhi-lundao" / "li-siguang" / "index.html").read_text("utf-8")
        seen["index"] = indexed_text(site)
        return publish_index(live, *args, **kwargs)

    monkeypatch.setattr(pipeline, "publish_index", between_the_two_swaps)
    result = publish()
    assert "冰川遗迹" in seen["page"] and "冰川遗迹" not in seen["index"]  # the page was live first
    assert "冰川遗迹" in indexed_text(build_site(result.build_id))  # then the index
    # The pages' build was a step of this publish: rolling back goes to the build before it.
    assert swap.list_builds() == [before, result.build_id]
    assert swap.previous_build() == before


@pytest.mark.django_db
def test_an_index_that_failed_to_follow_is_built_by_the_next_publish(programme, monkeypatch):
    from cms.sitesearch import index as search

    story = make_story(programme, title="李四光", slug="li-siguang", body=[("paragraph", "<p>地质学家。</p>")])
    publish()
    story.body = [("paragraph", "<p>冰川遗迹的发现者。</p>")]
    story.save_revision().publish()

    def fails(*args, **kwargs):
        raise OSError("磁盘已满")

    with monkeypatch.context() as patched:
        patched.setattr(search, "build_index", fails)
        failed = publish()  # the pages went live: what failed after the swap is said, not raised
    assert failed.search_pending and any("搜索索引未更新" in line for line in failed.unfinished), failed.unfinished
    site = build_site(swap.live_build())
    assert "冰川遗迹" in (site / "gezhi-lundao" / "li-siguang" / "index.html").read_text("utf-8")
    assert "冰川遗迹" not in indexed_text(site)

    result = publish()  # nothing changed in the content, but the index is behind
    assert not result.up_to_date
    assert "冰川遗迹" in indexed_text(build_site(result.build_id))
    assert publish().up_to_date


@pytest.mark.django_db
def test_publishes_that_bring_the_spare_build_up_to_date_equal_a_full_build(programme, monkeypatch):
    stories = [make_story(programme, title=f"故事{i}", slug=f"story-{i}") for i in range(3)]
    stories[2].tags.add("地质")  # the tags page is in the navigation from the start
    stories[2].save_revision().publish()
    publish()
    taken = []
    take_spare = swap.take_spare
    monkeypatch.setattr(swap, "take_spare", lambda staging: taken.append(take_spare(staging)) or taken[-1])

    def edit(story, **fields):
        for name, value in fields.items():
            setattr(story, name, value)
        story.save_revision().publish()
        before = snapshot(build_site(swap.live_build()))
        previous = swap.live_build()
        assert publish().incremental
        assert snapshot(build_site(previous)) == before  # the builds one can roll back to are untouched

    edit(stories[0], body=[("paragraph", "<p>第二版。</p>")])
    new = make_story(programme, title="新故事", slug="story-new", portrait=make_image("新肖像"), portrait_alt="肖像")
    new.tags.add("新标签")
    edit(new)
    edit(stories[1], title="故事一：改了标题")
    edit(stories[0], body=[("paragraph", "<p>第三版。</p>")])
    assert sum(spare is not None for spare in taken) >= 3  # the spare was used, not a copy

    incremental = snapshot(build_site(swap.live_build()))
    assert snapshot(build_site(publish(full=True).build_id)) == incremental


@pytest.mark.django_db
def test_paginated_listings_grow_shrink_and_change_page_size_as_a_full_publish_makes_them(programme, settings):
    """Pages of 2 (docs/paginated-listings.md): 格致论道's four stories, all tagged 地质, are s4 s3 on its page and
    s2 s1 on archive page 1 (stories published in one second are newest by path)."""
    settings.KEPU_LISTING_PAGE_SIZE = 2
    stories = []
    for number in range(1, 5):
        story = make_story(programme, title=f"故事{number}", slug=f"s{number}")
        story.tags.add("地质")
        story.save_revision().publish()
        stories.append(story)
    publish()
    archives = {"gezhi-lundao/page/stories/1/index.html", "tags/地质/page/1/index.html"}
    live = build_site(swap.live_build())
    assert all((live / path).is_file() for path in archives)

    # A new story: a third card on the first pages, the archive pages are the very same files.
    new = make_story(programme, title="故事5", slug="s5")
    new.tags.add("地质")
    new.save_revision().publish()
    rewritten = publish_incrementally_and_compare()
    assert {"gezhi-lundao/index.html", "tags/地质/index.html", "gezhi-lundao/s5/index.html"} <= rewritten
    assert not rewritten & archives

    # The oldest unpublished: every newer card moves by one, archive page 1 now holds s3 s2.
    stories[0].unpublish()
    rewritten = publish_incrementally_and_compare()
    assert archives <= rewritten
    page = (build_site(swap.live_build()) / "gezhi-lundao/page/stories/1/index.html").read_text("utf-8")
    assert "故事3" in page and "故事2" in page and "故事1" not in page and "故事4" not in page

    # Another page size: no page of the old size is left (4 cards in pages of 3: no archive at all).
    settings.KEPU_LISTING_PAGE_SIZE = 3
    publish_incrementally_and_compare()
    live = build_site(swap.live_build())
    assert not any((live / path).exists() for path in archives)
    assert not (live / "gezhi-lundao" / "page").exists()
