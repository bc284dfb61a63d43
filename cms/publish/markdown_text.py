"""CMS text and URLs written into Markdown, so that Markdown and its extensions see only text and a link.

Every piece of text the exporter writes into a Markdown document goes through ``md_text``: HTML's
``& < >`` become character references, and the characters that Markdown or the extensions the build
enables (attr_list ``{ … }``, md_in_html, toc, tables ``|``, pymdownx.tilde ``~``) would read as
markup are backslash-escaped, which Python-Markdown shows as the character and never interprets.
Every link target goes through ``md_url``: only http, https, mailto and relative URLs (the
sanitiser's rule, with character references and whitespace tricks seen through), percent-encoded
so that nothing in it can end the link or start an attribute list. Raw HTML in the documents comes
only from the exporter's own code.
"""

import re
from urllib.parse import quote, urlsplit

from cms.moderation.sanitiser import is_safe_link, url_scheme

ABSOLUTE = ("http", "https", "mailto")


def is_absolute(url):
    """An address on another site: http, https or mailto, as it is written and as a browser reads it."""
    url = (url or "").strip()
    return urlsplit(url).scheme.lower() in ABSOLUTE and url_scheme(url) in ABSOLUTE

# Markup anywhere in a line: HTML (& < >), escapes, code, emphasis, links, attribute lists, tables, tilde.
_INLINE = str.maketrans({c: f"\\{c}" for c in "\\`*_[]{}|~"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Markup at the start of a line: headings, lists, setext underlines, numbered lists ("1." "1)").
_LINE_START = re.compile(r"^([ \t]*)(?:([#+=-])|(\d+)([.)]))", re.MULTILINE)


def _line_start(match):
    if match.group(2):  # "=" is no Markdown escape: a character reference stands in
        mark = match.group(2)
        return match.group(1) + ("&#61;" if mark == "=" else f"\\{mark}")
    return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"


def md_escape(text):
    """Text as Markdown that shows exactly that text (line breaks kept)."""
    return _LINE_START.sub(_line_start, (text or "").translate(_INLINE))


def md_text(text):
    """One line of plain text (a title, a caption, a quote) as Markdown that shows exactly that text."""
    return md_escape(" ".join((text or "").split()))


# Percent-encoded in a link target: whitespace and control characters, and what could end a Markdown
# link or start markup or an attribute list. Everything else (Chinese in a path, %XX) stays as it is.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\s\"'<>()\[\]{}*`\\|^]")


def safe_href(url):
    """``url`` percent-encoded, or None unless it is http, https, mailto or relative."""
    url = (url or "").strip()
    if not url or not is_safe_link(url):
        return None
    return _URL_UNSAFE.sub(lambda match: quote(match.group(), safe=""), url)


def md_url(url):
    """A Markdown link target for ``url`` (None unless its scheme may be linked): ``&`` is written as
    ``&amp;`` so that no character reference in it is decoded by the browser."""
    href = safe_href(url)
    return href.replace("&", "&amp;") if href is not None else None


def md_link(text, url):
    """``[text](url)`` to another site (http, https, mailto), or the text alone for any other URL:
    a relative address typed into the CMS means nothing on the public site."""
    href = md_url(url) if is_absolute(url) else None
    return f"[{md_text(text)}]({href})" if href else md_text(text)
