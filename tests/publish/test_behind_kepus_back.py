"""A page or file put behind Kepu's back (by another hand: no journal names it) into the live site/, the
spare build or the build that expires next is not carried unseen into the next live build by an
approval's journal-driven staging and survey: the approval's verification reports it, or the staging
does not carry it (docs/search-index-cost.md §3). Run without the guard mode (KEPU_JOURNAL_CHECK), which
would stop the staging itself at the difference: what is tested is what production does."""

import os
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from cms.publish import swap
from cms.publish.errors import VerificationError
from cms.publish.pipeline import publish
from cms.stories.models import StoryPage
from tests.conftest import make_story
from tests.publish import test_verify_cost

small_site = test_verify_cost.small_site  # (a fixture)

pytestmark = pytest.mark.usefixtures("folders")

PAGE = "gezhi-lundao/qian-sanqiang/extra/index.html"
SCRIPTED = b"<!doctype html><html><head><script>alert(1)</script></head><body><p>x</p></body></html>"


@pytest.fixture
def steady(settings, small_site, programme, monkeypatch):
    """Two approvals after the first publish, so that the next one's pages build is the spare brought
    in line by the journals and its index build the oldest kept build (KEPU_KEEP_BUILDS=2)."""
    monkeypatch.delenv("KEPU_JOURNAL_CHECK", raising=False)
    settings.KEPU_KEEP_BUILDS = 2
    for number in range(2):
        make_story(programme, title=f"故事{number}", slug=f"story-{number}")
        publish()
    assert spare_site() is not None and expiring_site() is not None
    return programme


def spare_site():
    found = sorted(swap.builds_dir().glob(f"{swap.SPARE}*"))
    return found[-1] / "site" if found else None


def expiring_site():
    """The site/ of the build the next index build's staging takes (swap.take_expiring, one build later)."""
    others = [build for build in swap.list_builds() if build != swap.live_build()]
    return swap.builds_dir() / others[0] / "site" if others else None


def live_site():
    return swap.live().dir / "site"


def put(site_dir, rel, data, mode=0o644):
    path = Path(site_dir) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, mode)


def approve(programme, slug):
    make_story(programme, title="新的故事", slug=slug)
    return publish()


def test_a_page_put_into_the_spare_stops_the_next_approval(steady):
    put(spare_site(), PAGE, SCRIPTED)
    with pytest.raises(VerificationError) as refused:
        approve(steady, "next")
    assert f"{PAGE} 不对应清单中的任何在线页面" in refused.value.problems
    assert not (live_site() / PAGE).exists()


def test_an_unreadable_file_put_into_the_spare_stops_the_next_approval(steady):
    put(spare_site(), "gezhi-lundao/li-siguang/notes.txt", b"private", mode=0o600)
    with pytest.raises(VerificationError) as refused:
        approve(steady, "next")
    assert refused.value.problems == [
        "网页服务器读不到：gezhi-lundao/li-siguang/notes.txt（文件应为 0644、文件夹 0755）"]


def test_a_file_a_page_links_to_removed_from_the_spare_stops_the_next_approval(steady):
    spare = spare_site()
    page = "gezhi-lundao/hua-luogeng/index.html"  # (the story with a portrait)
    pictures = [posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(src)))
                for src in re.findall(r'<img[^>]* src="([^"#?]+)"', (spare / page).read_text())
                if not src.startswith(("/", "http"))]
    picture = next(rel for rel in pictures if not rel.startswith("assets/") and (spare / rel).is_file())
    (spare / picture).unlink()
    with pytest.raises(VerificationError) as refused:
        approve(steady, "next")
    assert any(p.startswith(f"{page} 中的链接") and p.endswith("指向不存在的文件") for p in refused.value.problems), \
        refused.value.problems


def test_a_page_put_into_the_live_site_does_not_reach_the_next_build(steady):
    put(live_site(), PAGE, SCRIPTED)
    approve(steady, "next")
    assert not (live_site() / PAGE).exists()


def test_a_page_put_into_the_live_site_is_seen_when_the_live_build_is_linked_whole(steady):
    """No spare and no build to expire: the staging links the live build, page and all."""
    put(live_site(), PAGE, SCRIPTED)
    shutil.rmtree(spare_site().parent)
    live = swap.live_build()
    for build in swap.list_builds():
        if build != live:
            shutil.rmtree(swap.builds_dir() / build)
    with pytest.raises(VerificationError) as refused:
        approve(steady, "next")
    assert f"{PAGE} 不对应清单中的任何在线页面" in refused.value.problems


def test_a_page_put_into_the_expiring_build_does_not_reach_the_live_site(steady):
    """The index build is not verified page by page: its staging sees that a folder of the expiring
    build changed after that build's journal and walks it whole, dropping the page."""
    put(expiring_site(), PAGE, SCRIPTED)
    approve(steady, "next")
    assert not (live_site() / PAGE).exists()


def test_a_page_put_into_a_folder_only_the_expiring_build_still_has_does_not_reach_the_live_site(steady):
    """story-1 unpublished: its folder leaves the live build, the expiring build still has it, and the
    journals name only its files. A page put under it must not survive the index build's staging."""
    StoryPage.objects.get(slug="story-1").unpublish()
    publish()
    rel = "gezhi-lundao/story-1/evil/index.html"
    folder = Path("gezhi-lundao", "story-1")
    assert (expiring_site() / folder).is_dir() and not (live_site() / folder).exists()
    put(expiring_site(), rel, SCRIPTED)
    approve(steady, "next")
    assert not (live_site() / rel).exists()
