"""A QR code of a page's canonical URL as a self-contained SVG (segno: no service, nothing fetched).

This is the function the publish step is to call for the QR code on every public page (see the
README, 传播): a pure function of the URL, so the same URL always gives the same bytes.
"""

import io

import segno


def qr_svg(url, *, title="扫码阅读本页", scale=4):
    """An SVG document (with its xmlns, no XML declaration, no class) encoding ``url``; dark modules on
    white with the standard four-module quiet zone, so it scans in dark mode and in print too."""
    # One fixed mask pattern (0): choosing the best of the eight costs several times as much (every
    # page of the site gets a code at publish) and any mask scans (tests/reach/test_qr.py decodes with zbar).
    code = segno.make(url, error="m", micro=False, mask=0)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, svgclass=None, lineclass=None,
              title=title, dark="#000000", light="#ffffff", encoding="utf-8")
    return out.getvalue().decode("utf-8")
