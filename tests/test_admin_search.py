"""Admin search finds Chinese titles, scientists' names and words inside the body."""

import pytest
from django.urls import reverse
from wagtail.search.backends import get_search_backend

from cms.core.models import Institute
from cms.core.search import han_bigrams
from cms.stories.models import StoryPage
from tests.conftest import make_story


def test_han_bigrams():
    assert han_bigrams("中国航天之父钱学森") == "中国 国航 航天 天之 之父 父钱 钱学 学森"
    assert han_bigrams("FAST 天眼, 2016") == "FAST 天眼 , 2016"
    assert han_bigrams("光") == "光"


@pytest.fixture
def stories(programme):
    return [
        make_story(programme, title="钱学森：中国航天之父", slug="qian"),
        make_story(
            programme, title="华罗庚：从杂货铺走出的数学家", slug="hua", scientist_name="华罗庚", discipline="数学",
            summary="自学成才。", body=[("paragraph", "<p>他推广了优选法和统筹法。</p>")],
        ),
    ]


def titles(response):
    return {page.title for page in response.context["pages"]}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("钱学森", {"钱学森：中国航天之父"}),  # the scientist's name
        ("杂货铺", {"华罗庚：从杂货铺走出的数学家"}),  # a word inside a Chinese title
        ("统筹法", {"华罗庚：从杂货铺走出的数学家"}),  # a word inside the body
        ("华罗", {"华罗庚：从杂货铺走出的数学家"}),  # the start of a name, as typed
        ("航天 钱学森", {"钱学森：中国航天之父"}),
        ("居里夫人", set()),
    ],
)
def test_admin_page_search_finds_chinese(admin_client, stories, query, expected):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": query})
    assert response.status_code == 200
    assert titles(response) == expected


def test_story_listing_search(admin_client, stories):
    response = admin_client.get(reverse("stories:index"), {"q": "华罗庚"})
    assert response.status_code == 200
    assert titles(response) == {"华罗庚：从杂货铺走出的数学家"}


def test_institute_snippet_search(admin_client, db):
    Institute.objects.create(name="示例天文学会", kind="society", region="江苏")
    Institute.objects.create(name="示例化学研究所", kind="research_institute", region="北京")
    response = admin_client.get(reverse("wagtailsnippets_core_institute:list"), {"q": "天文"})
    assert [i.name for i in response.context["object_list"]] == ["示例天文学会"]


def test_backend_search_api(stories):
    results = get_search_backend().search("优选法", StoryPage)
    assert [page.slug for page in results] == ["hua"]
