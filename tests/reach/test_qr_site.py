"""The QR code where the reader meets it: the ``qr.svg`` beside pages of the shared sample build,
rasterised and decoded with zbar, gives the page's canonical URL; and the sample keeps 阅读量 off."""

import io

import pytest
import resvg_py
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from tests.publish.test_site_pages import site_path

pytestmark = pytest.mark.django_db

PAGES = [
    "/",  # home
    "/gezhi-lundao/",  # a programme
    "/gezhi-lundao/qian-xuesen/",  # a story
    "/huodong/",  # the site-wide event list
    "/kuanian-kexue-yanjiang/huodong/kuanian-kexue-yanjiang-2020/",  # an event
    "/kexue-dayuan/kexue-piyao/",  # a debunk index
    "/kexue-dayuan/kexue-piyao/wei-bo-lu-fu-she/",  # a retracted debunk's tombstone
]


def scanned(svg_path):
    png = resvg_py.svg_to_bytes(svg_string=svg_path.read_text("utf-8"), zoom=3, skip_system_fonts=True)
    (found,) = decode(Image.open(io.BytesIO(png)).convert("L"), symbols=[ZBarSymbol.QRCODE])
    return found.data.decode("utf-8")


def test_the_qr_code_beside_each_page_scans_to_its_canonical_url(public_site):
    base = public_site.base_url.rstrip("/")
    for url in PAGES:
        page = public_site.soup(url)
        image = page.select_one(".kepu-tools__qr img")
        svg_path = public_site.root / url.lstrip("/") / image["src"]
        assert scanned(svg_path) == base + url == page.select_one('link[rel="canonical"]')["href"], url


def test_generated_pages_carry_the_qr_code_of_their_address_too(public_site):
    """Tag pages, the library and 更正记录 are made by the publish step, not by a page type: their
    code is the address the browser shows (a Chinese tag's, percent-encoded as in the canonical link)."""
    tag_url = site_path("/tags/", public_site.soup("/tags/").select_one(".kepu-cloud a")["href"])  # the first tag
    assert any(ord(c) > 127 for c in tag_url)  # a Chinese tag
    for url in ["/tags/", tag_url, "/library/", "/corrections/"]:
        page = public_site.soup(url)
        image = page.select_one(".kepu-tools__qr img")
        assert image is not None, url
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert scanned(public_site.root / url.lstrip("/") / image["src"]) == canonical, url


def test_an_archive_page_has_no_qr_code(public_site):
    """Page 1 of the library (its 10 oldest resources) is no address to print: "page 7" of a listing moves on
    as the site grows. Its listing, /library/, keeps its code."""
    for root in (public_site.root, public_site.root / "zh-hant"):
        archive = root / "library" / "page" / "1"
        assert (archive / "index.html").is_file()
        assert not (archive / "qr.svg").exists()
        assert "kepu-tools__qr" not in (archive / "index.html").read_text("utf-8")
        assert (root / "library" / "qr.svg").is_file()


def test_the_sample_site_shows_no_reads(public_site):
    """The sample content leaves 阅读量显示设置 off, as it ships."""
    assert [p for p in public_site.pages() if "kepu-tools__reads" in p.read_text("utf-8")] == []
