"""Two POSTs of one add form at the same moment (a double click on a slow server) create one page.

Real server threads on a real database (SQLite file, or PostgreSQL when DATABASE_URL is set): the two
requests run side by side, each with its own connection.
"""

import threading

from tests.editing.http_session import AdminSession
from tests.moderation.conftest import story_form

TITLE = "钱学森：中国航天之父"


def test_two_concurrent_posts_of_one_add_form_create_one_page(slow_kepu):
    session = AdminSession(slow_kepu.url, "editor", "kepu-test-pass-123")
    add = f"/admin/pages/add/stories/storypage/{slow_kepu.programme_id}/"
    form = AdminSession.hidden(session.get(add))
    assert form["kepu-form-token"]
    # Wagtail's editor fills the slug from the title as the editor types: the Chinese title, here.
    data = {**story_form(title=TITLE, slug="钱学森中国航天之父"), **form}

    results = [None, None]
    start = threading.Barrier(2)

    def send(index):
        start.wait()
        results[index] = session.post(add, data)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    pages = slow_kepu.query(
        "SELECT p.id, p.slug FROM wagtailcore_page p WHERE p.title = %s", TITLE,
    )
    assert len(pages) == 1, pages
    page_id, slug = pages[0]
    assert slug == "qian-xuesen"  # pinyin, not the Chinese Wagtail filled in
    statuses = sorted(status for status, _headers, _body in results)
    assert statuses == [302, 302]
    edit = f"/admin/pages/{page_id}/edit/"
    assert sorted(headers["Location"] for _s, headers, _b in results) == [edit, edit]
    revisions = slow_kepu.query("SELECT COUNT(*) FROM wagtailcore_revision WHERE object_id = %s", str(page_id))
    assert revisions == [(1,)]
    assert slow_kepu.server_errors() == []
