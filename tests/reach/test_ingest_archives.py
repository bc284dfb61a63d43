"""A listing's archive pages (…/page/<n>/) are read as their listing in the reach counts: hand-written log
lines, counted by hand."""

import datetime

from cms.reach.models import PageReads
from tests.reach.conftest import ingest

DAY = datetime.date(2026, 3, 10)
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID = "Mozilla/5.0 (Linux; Android 14; PJA110) AppleWebKit/537.36 Chrome/116.0.0.0 Mobile Safari/537.36"
LINES = [
    ("10.1.1.1", "/gezhi-lundao/", IPHONE),
    ("10.1.1.1", "/gezhi-lundao/page/stories/2/", IPHONE),  # the same reader goes on to older stories
    ("10.2.2.2", "/gezhi-lundao/page/stories/1/index.html", ANDROID),
    ("10.2.2.2", "/tags/%E5%8A%9B%E5%AD%A6/page/1/", ANDROID),  # /tags/力学/page/1/
    ("10.1.1.1", "/library/page/3/", IPHONE),
    ("10.1.1.1", "/library/%E5%8F%97%E4%BC%97/%E5%85%AC%E4%BC%97/page/1/", IPHONE),  # /library/受众/公众/page/1/
    ("10.2.2.2", "/gezhi-lundao/page/stories/", ANDROID),  # no page number: no page of the site
    ("10.2.2.2", "/gezhi-lundao/page/stories/0/", ANDROID),  # archive pages count from 1
]


def test_an_archive_page_is_read_as_its_listing(tmp_path, programme, live_site, settings):
    for listing in ("library", "library/受众/公众"):
        (settings.KEPU_SITE_DIR / listing).mkdir(parents=True)
        (settings.KEPU_SITE_DIR / listing / "index.html").write_text("<!doctype html>", "utf-8")
    log = tmp_path / "access.log"
    log.write_text("".join(
        f'{ip} - - [10/Mar/2026:09:{minute:02}:00 +0800] "GET {target} HTTP/2.0" 200 5120 "-" "{agent}"\n'
        for minute, (ip, target, agent) in enumerate(LINES)), "utf-8")
    ingest(log)
    counted = {row.path: (row.views, row.visitors, row.page_id) for row in PageReads.objects.filter(day=DAY)}
    assert counted == {
        "/gezhi-lundao/": (3, 2, programme.pk),  # the iPhone twice, the Android once: two readers
        "/tags/力学/": (1, 1, None),
        "/library/": (1, 1, None),
        "/library/受众/公众/": (1, 1, None),
    }
