"""Wagtail rich text → readable Markdown (raw HTML only where Markdown cannot say it).

Text is text: every text node is escaped with ``md_escape`` (what reads like HTML or Markdown in
the text stays text), link targets pass ``md_url`` (http, https, mailto, relative; percent-encoded),
and code is written as ``<code>`` around escaped text. The only raw HTML is the converter's own.
"""

import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter, chomp

from cms.moderation.sanitiser import sanitise_html as sanitise  # the one policy, again on the way out

from .markdown_text import is_absolute, md_escape, md_text, md_url


class _Converter(MarkdownConverter):
    def escape(self, text, parent_tags):
        return md_escape(text)

    def convert_a(self, el, text, parent_tags):
        # Links without a target (e.g. to a page that is not public, or a scheme that may not be
        # linked) become plain text.
        href = md_url(el.get("href"))
        prefix, suffix, text = chomp(text)
        if not href or not text or "_noformat" in parent_tags:
            return prefix + text + suffix
        title = el.get("title")
        title_part = f' "{md_text(title).replace(chr(34), "&quot;")}"' if title else ""
        return f"{prefix}[{text}]({href}{title_part}){suffix}"

    def convert_code(self, el, text, parent_tags):
        if "_noformat" in parent_tags:
            return text
        code = " ".join(el.get_text().split())
        return f"<code>{md_escape(code)}</code>" if code else ""

    def convert_img(self, el, text, parent_tags):
        # Images are Wagtail embeds (exported with renditions); a bare <img> points at the CMS's
        # files, which the public site does not have: its alt text stands in.
        return md_text(el.get("alt"))


_CONVERTER = _Converter(
    heading_style="ATX", bullets="-", strong_em_symbol="*", sup_symbol="<sup>", sub_symbol="<sub>",
    autolinks=False,
)

_TOKEN = "KEPUEMBED{}X"
_TOKEN_RE = re.compile(r"KEPUEMBED(\d+)X")


def richtext_to_markdown(html, *, page_link, document_link, image, media):
    """Convert rich text as stored by Wagtail (with ``linktype``/``embedtype`` markers) to Markdown.

    The callbacks resolve Wagtail's references: ``page_link(page_id)`` and ``document_link(doc_id)``
    return a (relative) href or None; ``image(image_id, alt, format)`` and ``media(url)`` return
    ready Markdown for a block-level embed.
    """
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    embeds = []

    for a in soup.find_all("a"):
        linktype = a.get("linktype")
        if linktype == "page":
            href = page_link(int(a.get("id", 0) or 0))
        elif linktype == "document":
            href = document_link(int(a.get("id", 0) or 0))
        else:  # an address typed in: another site, a path of this site, or a place on this page
            href = a.get("href") or ""
            if not (is_absolute(href) or href.startswith("#") or (href.startswith("/") and href[1:2] not in "/\\")):
                href = None  # relative to what? The public page's address is not the editor's
        attrs = {"href": href} if href else {}
        a.attrs = attrs

    for embed in soup.find_all("embed"):
        kind = embed.get("embedtype")
        if kind == "image":
            markdown = image(int(embed.get("id", 0) or 0), embed.get("alt", ""), embed.get("format", ""))
        elif kind == "media":
            markdown = media(embed.get("url", ""))
        else:
            markdown = ""
        if markdown:
            placeholder = soup.new_tag("p")
            placeholder.string = _TOKEN.format(len(embeds))
            embeds.append(markdown)
            embed.replace_with(placeholder)
        else:
            embed.decompose()

    cleaned = sanitise(str(soup))
    markdown = _CONVERTER.convert(cleaned)
    markdown = _TOKEN_RE.sub(lambda m: embeds[int(m.group(1))], markdown)
    return tidy(markdown)


def tidy(markdown):
    """Normalise whitespace: no trailing spaces except hard breaks, at most one blank line, one final newline."""
    lines = [line.rstrip() if not line.endswith("  ") or not line.strip() else line for line in markdown.splitlines()]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n" if text else ""
