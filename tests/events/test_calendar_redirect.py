"""Moving a go-live time in the editorial calendar leads back to the calendar, never to another site."""

import datetime

import pytest
from django.urls import reverse

from tests.events.conftest import CALENDAR_URL as URL
from tests.events.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def test_after_moving_a_go_live_time_the_chief_editor_returns_to_the_calendar_not_elsewhere(client, users, desk):
    revision = desk["revision"]
    url = reverse("editorial_calendar:go_live", args=[revision.pk])
    client.force_login(users["chief"])
    back = client.post(url, {"go_live_at": "2020-11-11T09:00", "next": URL + "?date=2020-11-15"})
    assert back.status_code == 302 and back.url == URL + "?date=2020-11-15"
    for elsewhere in ("https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)"):
        answer = client.post(url, {"go_live_at": "2020-11-12T09:00", "next": elsewhere})
        assert answer.status_code == 302 and answer.url == URL, elsewhere
    revision.refresh_from_db()
    assert revision.approved_go_live_at == datetime.datetime(2020, 11, 12, 9, tzinfo=SHANGHAI)
