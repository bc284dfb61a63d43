"""A warm worker's generate looks again at what changed: after a story's title is changed, the home page's
最新内容 is found among the last ones and the story, not among every piece, and the 更正记录 page is the one
made at the publish before (no piece changed has or had corrections); what it makes is what a generate
without a memo makes."""

import datetime

import pytest

from cms.publish import generate, plan, render
from cms.publish.generate import Finished
from cms.publish.state import PublishState
from cms.stories.models import StoryCorrection
from tests.conftest import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def looked(monkeypatch):
    """{"latest": the pieces the home page's 最新内容 was chosen among, "corrections": corrections_page calls}."""
    counts = {"latest": 0, "corrections": 0}
    newest, corrections = generate.newest, generate.corrections_page

    def counting_newest(documents, count):
        documents = list(documents)
        if count == generate.RECENT_ON_HOME:
            counts["latest"] += len(documents)
        return newest(documents, count)

    def counting_corrections(documents):
        counts["corrections"] += 1
        return corrections(documents)

    monkeypatch.setattr(generate, "newest", counting_newest)
    monkeypatch.setattr(generate, "corrections_page", counting_corrections)
    return counts


def generated(documents, finished):
    made = generate.generate(documents, site_name="科普", base_url="https://kepu.example/", description="",
                             finished=finished)
    return made.pages, made.listings, made.files, made.nav


def edit(page, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def correct(story, wrong, right, date):
    """A correction added to ``story``, published through a revision."""
    page = type(story).objects.get(pk=story.pk)
    page.corrections.add(StoryCorrection(date=datetime.date.fromisoformat(date), wrong=wrong, right=right))
    page.save_revision().publish()


def test_a_title_edit_looks_at_no_other_piece_for_the_home_page_or_the_corrections(programme, looked):
    stories = [make_story(programme, title=f"故事{number}", slug=f"s{number}") for number in range(1, 15)]
    correct(stories[0], "旧", "新", "2026-11-01")
    worker, finished = PublishState(), Finished()
    documents = render.render(plan.plan(worker.renders), worker.renders).documents
    home = generated(documents, finished)[0]["index.md"][0]
    shown = {item["url"] for section in home["sections"] if section.get("key") == "latest" for item in section["items"]}
    assert len(shown) == 12
    outside = next(story for story in stories[1:] if f"/gezhi-lundao/{story.slug}/" not in shown)
    inside = next(story for story in stories[1:] if f"/gezhi-lundao/{story.slug}/" in shown)

    edit(outside, title="较早的故事")  # not among the 12 newest
    documents = render.render(plan.plan(worker.renders), worker.renders).documents
    looked.update(latest=0, corrections=0)
    warm = generated(documents, finished)
    assert looked == {"latest": 12 + 1, "corrections": 0}  # the last 12, and the story
    assert warm == generated(documents, None)

    edit(inside, title="较新的故事")
    documents = render.render(plan.plan(worker.renders), worker.renders).documents
    looked.update(latest=0, corrections=0)
    warm = generated(documents, finished)
    assert looked == {"latest": 14, "corrections": 0}  # one of the last 12 changed: among every piece again
    assert warm == generated(documents, None)
    assert "较新的故事" in repr(warm[0]["index.md"][0]["sections"])

    correct(stories[0], "甲", "乙", "2026-11-02")
    documents = render.render(plan.plan(worker.renders), worker.renders).documents
    looked.update(latest=0, corrections=0)
    warm = generated(documents, finished)
    assert looked["corrections"] == 1 and "“甲”" in warm[1]["corrections.md"][1]
    assert warm == generated(documents, None)
