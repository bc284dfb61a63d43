"""Shared fixtures: the page tree, the editorial roles, a user per role, images."""

import io
import os

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page

from cms.core.models import HomePage, Institute, User
from cms.moderation.roles import CHIEF_EDITOR, CONTRIBUTOR, EDITOR, REVIEWER, ensure_roles
from cms.programmes.models import ProgrammePage
from cms.stories.models import StoryPage

PASSWORD = "kepu-test-pass-123"

# public_site: the sample site built once per run, for any test (tests/public_site.py);
# migrated_database: a migrated database to copy, for the tests that run Kepu in processes (tests/migrated.py).
pytest_plugins = ["tests.public_site", "tests.migrated"]


@pytest.fixture(autouse=True)
def cold_exporter():
    """Each test starts with nothing kept from an earlier publish, as a new publish worker does."""
    from cms.publish.state import current

    current().forget()
    yield
    current().forget()


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def programme(home):
    page = ProgrammePage(
        title="格致论道", slug="gezhi-lundao", tagline="讲述科学的故事",
        introduction="<p>科学文化讲坛。</p>", brand_colour="#c8102e", home_order=1,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_image(title="测试图片", size=(800, 1000), colour=(40, 90, 160), fmt="PNG"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, fmt)
    extension = {"PNG": "png", "JPEG": "jpg"}[fmt]
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"test.{extension}"))


@pytest.fixture
def image(db):
    return make_image()


def make_story(parent, *, title="钱学森：中国航天之父", publish=True, **fields):
    fields.setdefault("scientist_name", "钱学森")
    fields.setdefault("discipline", "力学")
    fields.setdefault("institution", "中国科学院力学研究所")
    fields.setdefault("summary", "他把一生献给了祖国的航天事业。")
    fields.setdefault("body", [("paragraph", "<p>中国航天之父钱学森于 1955 年回到祖国。</p>")])
    story = StoryPage(title=title, live=publish, **fields)
    parent.add_child(instance=story)
    revision = story.save_revision()
    if publish:
        revision.publish()
    return story


@pytest.fixture
def story(programme):
    return make_story(programme)


@pytest.fixture
def institute(db):
    return Institute.objects.create(name="示例物理研究所", kind="research_institute", region="北京")


@pytest.fixture
def roles(db):
    return ensure_roles()


@pytest.fixture
def users(roles, institute):
    """One user per role, keyed editor / reviewer / chief / contributor / admin."""
    made = {}
    role_of = {"editor": EDITOR, "reviewer": REVIEWER, "chief": CHIEF_EDITOR, "contributor": CONTRIBUTOR}
    for key, group in role_of.items():
        user = User.objects.create_user(username=key, password=PASSWORD, email=f"{key}@example.org")
        user.groups.add(roles[group])
        made[key] = user
    made["contributor"].institute = institute
    made["contributor"].save()
    made["admin"] = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    return made


@pytest.fixture
def editor_client(client, users):
    client.force_login(users["editor"])
    return client


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (see tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM, require_chromium

    require_chromium()
    # Playwright's sync API runs an event loop; Django must still allow the ORM around it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # While that loop runs in this thread, Django looks its connections up per async context
    # and would hand every later test fresh ones, without the serialized contents that
    # serialized_rollback restores the migrations' rows from: keep the ones this thread has.
    from django.db import connections

    kept = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in kept.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def root_page():
    return Page.get_first_root_node()
