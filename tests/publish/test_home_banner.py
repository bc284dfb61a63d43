"""Seam 7: the home page's emergency banner. A chief editor flags an emergency (an EmergencyAlert,
a snippet): the home page, rendered by a long-lived worker, shows the banner from the next publish
(the home page declares export_depends_on the alerts), and drops it at its end time by itself
(valid_until), with no edit."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from cms.factcheck.models import EmergencyAlert
from cms.publish import plan, render
from cms.publish.pipeline import publish
from cms.publish.state import PublishState
from tests.publish.trees import site_file

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def home_at(worker, *moment):
    with mock.patch("django.utils.timezone.now", return_value=datetime.datetime(*moment, tzinfo=SHANGHAI)):
        return render.render(plan.plan(worker.renders), worker.renders).documents["index.md"].meta


def test_the_banner_shows_once_flagged_and_goes_at_its_end_in_the_same_worker(settings, folders, programme, story):
    worker = PublishState()
    assert "banner" not in home_at(worker, 2025, 7, 1, 9)
    EmergencyAlert.objects.create(headline="台风“海燕”防灾避险科普", page=story,
                                  ends_at=datetime.datetime(2025, 7, 3, 18, tzinfo=SHANGHAI))
    home = home_at(worker, 2025, 7, 1, 10)
    assert home["banner"] == {"text": "台风“海燕”防灾避险科普", "url": f"/{programme.slug}/{story.slug}/",
                              "ends": "2025-07-03T18:00:00+08:00"}
    assert home["valid_until"] == "2025-07-03T18:00:00+08:00"
    with mock.patch("django.utils.timezone.now", return_value=datetime.datetime(2025, 7, 2, 10, tzinfo=SHANGHAI)):
        publish(state=worker)
    page = BeautifulSoup(site_file(settings, "index.html").read_text("utf-8"), "html.parser")
    (link,) = page.select(".kepu-banner a")
    assert link.get_text() == "台风“海燕”防灾避险科普" and link["href"] == f"{programme.slug}/{story.slug}/"
    assert "banner" not in home_at(worker, 2025, 7, 3, 18)  # at its end, though nothing was edited
