"""What a preview link shows is what the public site shows once the same revision is published:
the page built by the publish pipeline, byte for byte, apart from the banner and noindex the
preview adds outside the content area."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from cms.previews import serving
from cms.previews.models import PreviewLink
from cms.publish.pipeline import publish
from tests.conftest import make_image, make_story

pytestmark = pytest.mark.django_db

CONTENT = re.compile(r'<article class="md-content__inner md-typeset" id="kepu-main".*?</article>', re.S)
BANNER = re.compile(r'<div class="kepu-preview-banner".*?\n</div>\n', re.S)


def without_preview_additions(html):
    return BANNER.sub("", html.replace(serving.HEAD_EXTRA, "", 1), count=1)


def test_the_preview_is_the_page_the_public_site_builds_from_the_same_revision(client, programme, image, users):
    at = timezone.now()  # one moment: "today" is the same day for the preview and the publish
    with mock.patch("django.utils.timezone.now", return_value=at):
        live = make_story(programme, title="钱学森：中国航天之父", slug="qian")
        neighbour = make_story(programme, title="邓稼先", slug="deng")
        publish()
        # The live story gets a new draft: new text, a figure, a portrait; a new story is drafted beside it.
        live.summary = "新版导语：他把一生献给了祖国的航天事业。"
        live.portrait, live.portrait_alt = image, "钱学森肖像"
        figure = make_image("风洞", size=(1200, 800), colour=(200, 80, 40))
        figure.contextual_alt_text, figure.decorative = "风洞实验", False
        live.body = [("paragraph", f'<p>修改后的正文，另见<a linktype="page" id="{neighbour.pk}">邓稼先</a>。</p>'),
                     ("image", {"image": figure, "caption": "1950 年代的风洞", "credit": "资料图"})]
        edited = live.save_revision(user=users["editor"])
        new = make_story(programme, title="黄旭华：深潜", slug="huang", publish=False)

        shown = {}
        for page in (live, new):
            _link, token = PreviewLink.issue(page=page, name="王教授", organisation="某某大学", user=users["editor"])
            response = client.get(f"/preview/{token}/", follow=True)
            assert response.status_code == 200
            shown[page.pk] = (response.content.decode(), serving.build_for(page).page)

        edited.publish(user=users["chief"])
        new.latest_revision.publish(user=users["chief"])
        publish()

    site = Path(settings.KEPU_SITE_DIR)
    for page in (live, new):
        html, output = shown[page.pk]
        built = (site / output).read_text(encoding="utf-8")
        assert CONTENT.search(html).group(0) == CONTENT.search(built).group(0)
        assert without_preview_additions(html) == built  # the whole page, in fact
    assert "1950 年代的风洞" in shown[live.pk][0] and "新版导语" in shown[live.pk][0]


