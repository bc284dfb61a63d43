"""ingest_access_logs against hand-written logs whose counts are known line by line (see logs/)."""

import datetime
import gzip
import io
import json

from django.core.management import call_command

from cms.reach.models import IngestedLog, PageReads
from tests.reach.conftest import LOGS, STORY, ingest

MARCH_10, MARCH_11, MARCH_12 = datetime.date(2026, 3, 10), datetime.date(2026, 3, 11), datetime.date(2026, 3, 12)

# What a person counting the fixture lines by hand finds: views and (address, browser) pairs per day.
EXPECTED = {
    (MARCH_10, STORY): (4, 3),  # iPhone twice (once with a query string), WeChat via index.html, the same
    #                             address with an Android browser; not Baiduspider, not the 304
    (MARCH_10, "/gezhi-lundao/"): (1, 1),  # the GET, not the HEAD
    (MARCH_10, "/tags/力学/"): (1, 1),  # percent-escapes decoded
    (MARCH_11, STORY): (2, 2),  # not curl, python-requests or the POST; /admin/ (the CMS host), a NUL or a
    #                             3,000-character path are no pages
    (MARCH_11, "/gezhi-lundao/"): (1, 1),
}


def counts():
    return {(row.day, row.path): (row.views, row.visitors) for row in PageReads.objects.all()}


def test_the_logs_give_the_counts_a_person_finds_by_hand(logs, story, programme):
    # Newest first and one file twice, as a shell glob may give them: the order does not matter.
    message = ingest(logs / "access.log.1", logs / "access.log.2.gz", logs / "access.log.1",
                     logs / "copy-of-access.log.1")
    assert counts() == EXPECTED
    assert "2 个此前已读过" in message
    by_path = {row.path: row.page_id for row in PageReads.objects.all()}
    assert by_path[STORY] == story.pk and by_path["/gezhi-lundao/"] == programme.pk
    assert by_path["/tags/力学/"] is None  # a page the publish step generates, no page of the CMS


def test_reading_the_same_logs_again_changes_nothing(logs):
    ingest(logs / "access.log.2.gz", logs / "access.log.1")
    ingest(logs / "access.log.1", logs / "access.log.2.gz")
    assert counts() == EXPECTED


def test_a_growing_log_counts_what_was_appended_and_its_rotated_copy_counts_nothing(tmp_path, story, live_site):
    first, second = (LOGS / "access.log").read_text("utf-8").splitlines(keepends=True)
    live = tmp_path / "access.log"
    live.write_text(first + second[:40], "utf-8")  # the second line half written
    ingest(live)
    assert counts() == {(MARCH_12, STORY): (1, 1)}
    live.write_text(first + second, "utf-8")
    ingest(live)
    assert counts() == {(MARCH_12, STORY): (2, 2)}
    # logrotate: renamed, then compressed
    live.rename(tmp_path / "access.log.1")
    ingest(tmp_path / "access.log.1")
    (tmp_path / "access.log.2.gz").write_bytes(gzip.compress((tmp_path / "access.log.1").read_bytes()))
    ingest(tmp_path / "access.log.2.gz")
    assert counts() == {(MARCH_12, STORY): (2, 2)}


def test_no_address_or_browser_is_stored(logs):
    ingest(logs / "access.log.2.gz", logs / "access.log.1")
    out = io.StringIO()
    call_command("dumpdata", "reach", stdout=out)
    stored = json.dumps(json.loads(out.getvalue()), ensure_ascii=False)
    assert PageReads.objects.exists() and IngestedLog.objects.count() == 2
    for line in (LOGS / "access.log.2").read_text("utf-8").splitlines():
        address = line.split(" ", 1)[0]
        assert address not in stored
    for agent in ("iPhone", "MicroMessenger", "Mozilla", "Baiduspider"):
        assert agent not in stored


def test_the_sample_access_log_is_made_once_and_counted_once(tmp_path, story, live_site):
    from django.db.models import Sum

    log = tmp_path / "sample" / "access.log.gz"
    call_command("load_sample_access_log", "--weeks", "1", "--file", str(log), stdout=io.StringIO())
    made = log.read_bytes()
    first = PageReads.objects.aggregate(views=Sum("views"), visitors=Sum("visitors"))
    assert first["views"] > 0
    assert set(PageReads.objects.values_list("path", flat=True)) <= {"/", STORY, "/gezhi-lundao/"}
    call_command("load_sample_access_log", "--weeks", "1", "--file", str(log), stdout=io.StringIO())
    assert log.read_bytes() == made
    assert PageReads.objects.aggregate(views=Sum("views"), visitors=Sum("visitors")) == first
