"""Wagtail rich text → readable Markdown (raw HTML only where Markdown cannot say it)."""

import re

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

from cms.moderation.sanitiser import sanitise_html as sanitise  # the one policy, again on the way out


class _Converter(MarkdownConverter):
    def convert_a(self, el, text, parent_tags):
        # Links without a target (e.g. to a page that is not public) become plain text.
        if not el.get("href"):
            return text
        return super().convert_a(el, text, parent_tags)


_CONVERTER = _Converter(
    heading_style="ATX", bullets="-", strong_em_symbol="*", sup_symbol="<sup>", sub_symbol="<sub>",
    escape_misc=False, autolinks=False,
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
        else:
            href = a.get("href")
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
