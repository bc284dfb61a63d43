"""A minimal published tree with the trust sample content, built once per test module.

The full sample site takes a minute and a half to build; the trust tests need only the home page,
the programme that holds the 辟谣 section and the trust sample content (cms/factcheck/sample.py).
"""

import datetime
import os
from contextlib import contextmanager
from pathlib import Path

from bs4 import BeautifulSoup
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from cms.core.models import HomePage
from cms.factcheck import sample
from cms.factcheck.models import DebunkCorrection, DebunkPage
from cms.integrity.models import IntegrityDocumentPage, IntegritySectionPage
from cms.moderation.roles import ensure_roles
from cms.programmes.models import ProgrammePage
from cms.publish.pipeline import publish


class Built:
    def __init__(self, root, content):
        self.root, self.content = root, content

    def soup(self, url):
        path = self.root / url.lstrip("/")
        if url.endswith("/"):
            path = path / "index.html"
        return BeautifulSoup(path.read_text("utf-8"), "html.parser")


NAMES = {"confirmed": "测试当事人乙", "unconfirmed": "测试当事人甲"}


def add_named_case_notices(section):
    """Two invented case notices naming a person: one confirmed by a chief editor, one not."""
    for number, (key, name) in enumerate(NAMES.items(), start=1):
        page = IntegrityDocumentPage(
            title=f"测试处理结果通报{number}", slug=f"ceshi-tongbao-{number}", kind="case", issuing_body="测试学会",
            number=f"测试学会通〔2025〕{number}号", issue_date=datetime.date(2025, 1, number), summary="测试。",
            named_persons=name, names_confirmed=key == "confirmed",
        )
        section.add_child(instance=page)
        page.save_revision().publish()


UNAPPROVED = "尚未通过审核的更正"


def add_unapproved_correction(page):
    """An editor's correction saved and submitted, not yet approved: a revision, not live."""
    page.corrections = [DebunkCorrection(date=datetime.date(2025, 3, 20), wrong="旧说法", right=UNAPPROVED)]
    page.save_revision()


@contextmanager
def trust_site(folder):
    folder = Path(folder)
    with override_settings(KEPU_CONTENT_DIR=folder / "content", KEPU_SITE_DIR=folder / "site",
                           KEPU_BUILDS_DIR=folder / "builds"):
        with transaction.atomic():
            ensure_roles()
            home = HomePage.objects.get()
            programme = ProgrammePage(title="科学大院", slug=sample.PROGRAMME, tagline="科普文章",
                                      introduction="<p>科普文章。</p>", home_order=1)
            home.add_child(instance=programme)
            programme.save_revision().publish()
            sample.load(home, {sample.PROGRAMME: programme})
            add_named_case_notices(IntegritySectionPage.objects.get())
            add_unapproved_correction(DebunkPage.objects.get(slug="da-nao-zhi-yong-le-shi-fen-zhi-yi"))
            publish(full=True)
            yield Built(Path(os.path.realpath(folder / "site")), folder / "content")
            transaction.set_rollback(True)
    for cache in caches.all():
        cache.clear()
