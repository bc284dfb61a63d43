"""Seam 1: a document valid until a moment (front matter ``valid_until``).

A publish worker lives long and keeps what it rendered. The 活动 list of a programme says which
events are upcoming: once the first of them has ended, the list must show it under 往期 without
any edit. The scheduler queues the publish at that moment, and the worker's render cache renders
the list again then."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from cms.events.models import EventIndexPage
from cms.moderation.scheduler import run_once
from cms.publish import swap
from cms.publish.models import PublishJob
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from tests.events.conftest import add_event
from tests.publish.trees import site_file

pytestmark = pytest.mark.usefixtures("folders")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def clock(*args):
    return mock.patch("django.utils.timezone.now", return_value=datetime.datetime(*args, tzinfo=SHANGHAI))


def upcoming_and_past(settings):
    """The two lists of the built 活动 page, as a reader sees their text."""
    html = site_file(settings, "gezhi-lundao", "huodong", "index.html").read_text("utf-8")
    text = BeautifulSoup(html, "html.parser").select_one(".kepu-body").get_text(" ")
    upcoming, _, past = text.partition("往期活动")
    return upcoming, past


def test_an_event_reaches_past_events_in_the_same_worker_when_it_ends(settings, programme, institute,
                                                                     django_capture_on_commit_callbacks):
    events = EventIndexPage(title="活动", slug="huodong")
    programme.add_child(instance=events)
    events.save_revision().publish()
    add_event(events, institute)  # 2020-11-20 14:30–16:00
    add_event(events, institute, title="跨年科学演讲", slug="kuanian", all_day=True,
              start_date=datetime.date(2020, 12, 31))
    worker = PublishState()  # one long-lived publish worker

    with clock(2020, 11, 20, 15, 0):
        publish(state=worker)
        assert run_once().count("到期") == 0 and not PublishJob.pending().exists()
    upcoming, past = upcoming_and_past(settings)
    assert "启动报告会" in upcoming and "跨年科学演讲" in upcoming and not past
    entry = swap.live().manifest["pages"]["gezhi-lundao/huodong/index.md"]
    assert entry["valid_until"] == "2020-11-20T16:00:00+08:00"

    with clock(2020, 11, 20, 16, 0):
        with django_capture_on_commit_callbacks(execute=True):
            report = run_once()  # the scheduler's pass at 16:00
        assert "2020-11-20 16:00 到期" in report and PublishJob.pending().count() == 1
        publish(state=worker)  # what the queued job runs, in the same worker
    upcoming, past = upcoming_and_past(settings)
    assert "跨年科学演讲" in upcoming and "启动报告会" not in upcoming
    assert "启动报告会" in past
    entry = swap.live().manifest["pages"]["gezhi-lundao/huodong/index.md"]
    assert entry["valid_until"] == "2021-01-01T00:00:00+08:00"  # when the all-day event ends


def test_a_moment_already_past_when_rendered_is_not_waited_for():
    """A 公示 notice keeps its end time after it has passed: it is no reason to publish again."""
    from cms.publish import render

    now = datetime.datetime(2026, 11, 30, 12, tzinfo=SHANGHAI)
    assert render.valid_until({"valid_until": "2026-11-30T12:00:00+08:00"}, now) is None
    assert render.valid_until({"valid_until": "2026-11-30T12:00:01+08:00"}, now) == now + datetime.timedelta(
        seconds=1)
    assert render.valid_until({"valid_until": ""}, now) is None
