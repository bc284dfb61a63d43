"""复制到公众号 and the Weibo caption, from a story as the publish step built it (one minimal site
published once for the module): inline styles only, images fit for WeChat, the text kept, links as
footnotes, the canonical URL as 阅读原文."""

import base64
import io
import random
import re
import zipfile

import pytest
from django.db import transaction
from django.test import override_settings
from lxml import html as lxml_html
from PIL import Image as PILImage

from cms.core.models import HomePage, SiteSettings
from cms.programmes.models import ProgrammePage
from cms.publish.pipeline import publish
from cms.reach.wechat import article_for, weibo_caption
from cms.stories.models import StorySource
from tests.conftest import make_image, make_story

pytestmark = pytest.mark.django_db

BRAND = "#0a7d5a"
BASE = "https://kepu.example.org"
STORY = "/gezhi-lundao/qian-xuesen/"
TEXTS = ["钱学森 1911 年生于上海", "1955 年回到祖国。", "我的事业在中国。", "钱学森", "试验场上的火箭（示意图）",
         "生于上海", "回到祖国", "维基百科：钱学森", "他把一生献给了祖国的航天事业。"]
ALLOWED_ATTRIBUTES = {"style", "src", "alt", "width", "height"}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("wechat-site")
    with django_db_blocker.unblock(), override_settings(
            KEPU_CONTENT_DIR=folder / "content", KEPU_SITE_DIR=folder / "site", KEPU_BUILDS_DIR=folder / "builds"):
        with transaction.atomic():
            settings_row = SiteSettings.load()
            settings_row.base_url = BASE + "/"
            settings_row.save()
            home = HomePage.objects.get()
            programme = ProgrammePage(title="格致论道", slug="gezhi-lundao", tagline="讲述科学的故事",
                                      introduction="<p>科学文化讲坛。</p>", brand_colour=BRAND, home_order=1)
            home.add_child(instance=programme)
            programme.save_revision().publish()
            other = make_story(programme, title="邓稼先", slug="deng-jiaxian", scientist_name="邓稼先")
            photo = make_image("火箭", size=(1200, 800))
            make_image()
            story = make_story(programme, slug="qian-xuesen", body=[
                ("paragraph", f'<p>钱学森 1911 年生于<a href="https://zh.wikipedia.org/wiki/上海">上海</a>。'
                              f'另见<a linktype="page" id="{other.pk}">邓稼先</a>和'
                              f'<a linktype="page" id="{programme.pk}">格致论道</a>。</p>'),
                ("image", {"image": photo, "caption": "试验场上的火箭（示意图）", "credit": "示例"}),
                ("paragraph", "<p>1955 年回到祖国。</p>"),
                ("quote", {"text": "我的事业在中国。", "attribution": "钱学森"}),
                ("timeline", {"heading": "生平大事", "events": [{"year": 1911, "month": None, "event": "生于上海"},
                                                             {"year": 1955, "month": 10, "event": "回到祖国"}]}),
            ])
            story.sources = [StorySource(title="维基百科：钱学森", url="https://zh.wikipedia.org/wiki/钱学森")]
            story.tags.add("航天", "力学")
            story.save_revision().publish()
            publish(full=True)
            yield {"story": story, "programme": programme, "other": other, "folder": folder}
            transaction.set_rollback(True)


@pytest.fixture
def article(built):
    with override_settings(KEPU_SITE_DIR=built["folder"] / "site"):
        return article_for(built["story"])


def images_of(markup):
    return [base64.b64decode(src.split(",", 1)[1]) for src in re.findall(r'src="(data:[^"]+)"', markup)]


def test_the_html_is_inline_styled_and_keeps_the_text(article):
    markup = article.html
    tree = lxml_html.fromstring(markup)
    elements = list(tree.iter())
    assert not [e.tag for e in elements if e.tag in ("style", "link", "script", "a", "iframe")]
    assert {name for e in elements for name in e.attrib} <= ALLOWED_ATTRIBUTES  # no class, no id, no href
    assert "class=" not in markup and "<style" not in markup
    assert all(src.startswith("data:image/") for src in tree.xpath("//img/@src"))  # nothing from another host
    text = " ".join(tree.text_content().split())
    for piece in [*TEXTS, "钱学森：中国航天之父"]:
        assert piece in text, piece
    # The programme's colour on the headings, the quote and the timeline.
    (heading,) = [h for h in tree.xpath("//h2") if h.text_content() == "生平大事"]
    assert BRAND in heading.get("style")
    assert BRAND in tree.xpath("//blockquote/..")[0].get("style")
    assert all(BRAND in s.get("style") for s in tree.xpath("//li/strong"))  # the timeline's years
    (caption,) = tree.xpath("//p[contains(., '试验场上的火箭')]")
    assert "text-align:center" in caption.get("style")


def test_links_become_footnotes_and_the_canonical_url_is_read_more(article):
    text = " ".join(lxml_html.fromstring(article.html).text_content().split())
    notes = {number: url for number, _text, url in article.footnotes}
    assert set(notes.values()) >= {"https://zh.wikipedia.org/wiki/上海", f"{BASE}/gezhi-lundao/deng-jiaxian/",
                                   f"{BASE}/gezhi-lundao/", "https://zh.wikipedia.org/wiki/钱学森"}
    assert f"{BASE}{STORY}" not in notes.values()
    for number, url in notes.items():
        assert f"[{number}]" in text and url in text
    assert text.endswith(f"阅读原文：{BASE}{STORY}")


def test_images_are_jpeg_or_png_at_most_1080_wide_and_1_mb(article):
    images = images_of(article.html)
    assert len(images) == 1  # the photo in the body
    for data in images:
        assert len(data) <= 1024 * 1024
        picture = PILImage.open(io.BytesIO(data))
        assert picture.format in ("JPEG", "PNG") and picture.width <= 1080


def test_the_zip_holds_the_same_images_the_html_and_the_caption(article):
    caption = weibo_caption(article)
    archive = zipfile.ZipFile(io.BytesIO(article.zip_bytes(caption)))
    names = archive.namelist()
    assert {"文章.html", "微博.txt", "阅读原文.txt"} <= set(names)
    files = [archive.read(name) for name in sorted(n for n in names if n.startswith("images/"))]
    assert files == images_of(article.html)
    page = archive.read("文章.html").decode("utf-8")
    assert re.findall(r'src="([^"]+)"', page) == sorted(n for n in names if n.startswith("images/"))
    assert archive.read("微博.txt").decode("utf-8").strip() == caption


def test_the_weibo_caption_fits_140_characters(article):
    caption = weibo_caption(article)
    assert len(caption) <= 140 and caption.startswith("【钱学森：中国航天之父】")
    assert f"{BASE}{STORY}" in caption and "#航天#" in caption and "#力学#" in caption
    article.summary = "长" * 300
    long = weibo_caption(article)
    assert len(long) == 140 and long.endswith(f"{BASE}{STORY}") and "…" in long


def test_the_admin_pages(client, built, django_user_model):
    admin = django_user_model.objects.create_superuser("wechat-admin", "w@example.org", "x")
    client.force_login(admin)
    story = built["story"]
    with override_settings(KEPU_SITE_DIR=built["folder"] / "site"):
        page = client.get(f"/admin/reach/wechat/{story.pk}/").content.decode()
        preview = client.get(f"/admin/reach/wechat/{story.pk}/preview/")
        download = client.get(f"/admin/reach/wechat/{story.pk}/wechat.zip")
    from tests.test_admin_chinese import english

    assert english(page, typed={"ZIP"}) == []  # a format name
    assert "复制正文" in page and "<template id=\"wechat-html\">" in page and f"{BASE}{STORY}" in page
    assert "script-src 'none'" in preview["Content-Security-Policy"]
    assert "我的事业在中国。" in preview.content.decode()
    assert download["Content-Type"] == "application/zip"
    listing = client.get(f"/admin/pages/{built['programme'].pk}/").content.decode()
    assert f"/admin/reach/wechat/{story.pk}/" in listing  # 复制到公众号 in the page's menu


@pytest.mark.parametrize(("mode", "size", "expected"), [
    ("RGB", (1200, 2400), "JPEG"),  # tall noise: over 1 MB as JPEG at 1080 px and quality 88
    ("RGBA", (900, 900), "JPEG"),  # transparent noise: over 1 MB as PNG, flattened on white
    ("RGBA", (1600, 400), "PNG"),  # transparent and small enough as PNG: kept transparent
])
def test_reencoding_fits_any_image_into_1080_px_and_1_mb(tmp_path, mode, size, expected):
    from cms.reach.wechat_images import reencode

    rng = random.Random(f"{mode}{size}")
    source = tmp_path / "source.tiff"  # uncompressed: quick to write
    if size == (1600, 400):
        PILImage.new(mode, size, (200, 30, 30, 128)).save(source)
    else:
        PILImage.frombytes(mode, size, rng.randbytes(size[0] * size[1] * len(mode))).save(source)
    data, extension, width, height = reencode(source)
    picture = PILImage.open(io.BytesIO(data))
    assert picture.format == expected and extension == {"JPEG": "jpg", "PNG": "png"}[expected]
    assert len(data) <= 1024 * 1024 and picture.width == width <= 1080 and picture.height == height
    assert abs(width / height - size[0] / size[1]) < 0.01
