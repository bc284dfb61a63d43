"""An approval's verification costs the change, not the site: at 4 and at 12 stories a title edit's
verification lists the same number of folders, parses the same pages and compares the same pages' tags
with the manifest (every page is still stat'ed: its identity and mode), works out no page's output path
and reads no script again. The pages that are the very
same files with the same manifest entry passed the last verification and are not compared again."""

import collections

import pytest

from cms.publish import fsutil, theme_scripts, verify
from cms.publish.pipeline import publish
from tests.conftest import make_story

pytestmark = pytest.mark.usefixtures("folders", "settled_clock")  # (settled_clock: counted as on a fine clock)


@pytest.fixture
def counted(monkeypatch):
    """How many folders each verification's survey listed, pages it parsed and pages whose tags it compared."""
    done = collections.Counter()

    def counting(owner, name, what):
        call = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *args: (done.update([what]), call(*args))[1])

    counting(fsutil, "_names_kept", "folders listed")
    counting(verify, "_scan_file", "pages parsed")
    counting(verify, "_page_problems", "pages compared")
    counting(verify, "output_path", "output paths worked out")
    counting(theme_scripts, "outside_urls", "scripts read")
    return done


def add_stories(programme, numbers):
    for number in numbers:
        make_story(programme, title=f"故事{number}", slug=f"s{number}")


def retitle(story, title, counted):
    """What the verification of the approval of ``story``'s new title did (the pages build's)."""
    story.title = title
    story.save_revision().publish()
    counted.clear()
    publish()
    return dict(counted)


def test_a_title_edit_is_verified_at_the_same_cost_at_three_times_the_pages(programme, counted):
    add_stories(programme, range(1, 5))
    publish()
    story = programme.get_children().specific().get(slug="s1")
    retitle(story, "故事一", counted)  # (the worker's scans and survey in memory)
    small = retitle(story, "故事壹", counted)

    add_stories(programme, range(5, 13))
    publish()
    retitle(story, "故事一", counted)
    large = retitle(story, "故事壹", counted)

    assert large == small, (small, large)
    # The story's page and its programme's listing (which shows the title), the home page and the
    # mirror's if any: a handful, whatever the number of pages.
    assert 0 < small["pages compared"] <= 8 and small["pages parsed"] <= small["pages compared"], small
    # The pages' output paths are worked out for the documents new to the manifest only (none: a title
    # edit), and the theme's scripts, the very same files, are not read again for the hosts they load.
    assert "output paths worked out" not in small and "scripts read" not in small, small
