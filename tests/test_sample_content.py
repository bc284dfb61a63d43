"""The sample loader: the promised amounts, a working admin, and a second run changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from wagtail.models import Revision

from cms.columns.models import ColumnArticlePage, ColumnPage
from cms.core.models import Institute, User
from cms.programmes.models import ProgrammePage
from cms.resources.models import ResourcePage
from cms.stories.models import StoryPage


def load():
    out = io.StringIO()
    call_command("load_sample_content", stdout=out)
    return out.getvalue()


def snapshot():
    """Row count and highest primary key of every model, and every page's latest revision."""
    state = {}
    for model in apps.get_models():
        rows = model._base_manager.order_by()
        state[model._meta.label] = (rows.count(), max(rows.values_list("pk", flat=True), default=None))
    state["revisions"] = sorted(Revision.objects.values_list("pk", "object_id"))
    return state


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The sample content, loaded once for this module's tests (each runs in a savepoint inside this
    transaction) and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load()
        transaction.set_rollback(True)
    for cache in caches.all():  # Wagtail caches by id; ids come round again after the rollback
        cache.clear()


@pytest.fixture(autouse=True)
def in_savepoint(loaded, db):
    """Each test's changes (the second load, the admin's requests) are undone before the next."""


def test_amounts(loaded):
    assert set(ProgrammePage.objects.values_list("title", flat=True)) == {
        "格致论道", "科学与中国", "跨年科学演讲", "科学大院", "中国科普博览",
    }
    assert StoryPage.objects.live().count() >= 20
    assert ColumnPage.objects.live().count() >= 2
    assert ColumnArticlePage.objects.live().count() >= 6
    assert ResourcePage.objects.live().count() >= 20
    contributing = Institute.objects.filter(resources__isnull=False).distinct()
    assert contributing.count() >= 4
    assert all(name.startswith("示例") for name in contributing.values_list("name", flat=True))
    assert all(story.portrait and story.portrait_alt for story in StoryPage.objects.all())


def test_every_page_type_in_its_place(loaded):
    for story in StoryPage.objects.all():
        assert story.programme is not None
    for article in ColumnArticlePage.objects.all():
        assert isinstance(article.get_parent().specific, ColumnPage)
        assert article.featured_scientists.exists()


def test_one_login_per_role_printed(loaded):
    for username, role in [("admin", "管理员"), ("editor", "编辑"), ("reviewer", "审核"), ("chief", "主编"),
                           ("contributor", "机构投稿人")]:
        assert username in loaded and role in loaded
        user = User.objects.get(username=username)
        password = next(line.split()[1] for line in loaded.splitlines() if line.split()[:1] == [username])
        assert user.check_password(password)
    assert User.objects.get(username="contributor").institute.name == "示例物理研究所"


def test_running_twice_changes_nothing(loaded):
    before = snapshot()
    second = load()
    assert "没有任何改动" in second
    assert snapshot() == before


def test_the_admin_works_on_sample_content(loaded, client):
    client.force_login(User.objects.get(username="editor"))
    for name in ["wagtailadmin_home", "stories:index", "resources:index", "programmes:index", "columns:index",
                 "column_articles:index"]:
        assert client.get(reverse(name)).status_code == 200, name
    response = client.get(reverse("resources:index"), {"kind": "video", "audiences": "1"})
    assert response.status_code == 200
    kinds = {page.specific.kind for page in response.context["pages"]}
    assert kinds == {"video"}
    story = StoryPage.objects.get(slug="qian-xuesen")
    assert client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).status_code == 200
