"""The QR code SVG decodes, with a real decoder (zbar), to exactly the URL it was made for."""

import io

import pytest
import resvg_py
from lxml import etree
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from cms.reach.qr import qr_svg

URLS = [
    "https://kepu.example.org/gezhi-lundao/qian-xuesen/",
    "https://kepu.example.org/tags/%E5%8A%9B%E5%AD%A6/",  # a tag page: percent-encoded Chinese
    "http://127.0.0.1:8001/library/%E5%8F%97%E4%BC%97/%E9%9D%92%E5%B0%91%E5%B9%B4/?from=qr",
]


@pytest.mark.parametrize("url", URLS)
def test_the_svg_decodes_to_the_url(url):
    svg = qr_svg(url)
    root = etree.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.findtext("{*}title") == "扫码阅读本页"
    assert "class=" not in svg and "href" not in svg  # self-contained: nothing to fetch, no stylesheet needed
    png = resvg_py.svg_to_bytes(svg_string=svg, zoom=3, skip_system_fonts=True)
    (found,) = decode(Image.open(io.BytesIO(png)).convert("L"), symbols=[ZBarSymbol.QRCODE])
    assert found.data.decode("utf-8") == url


def test_the_same_url_gives_the_same_svg():
    assert qr_svg(URLS[0]) == qr_svg(URLS[0]) != qr_svg(URLS[1])
