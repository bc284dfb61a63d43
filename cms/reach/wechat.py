"""复制到公众号: a live page as HTML the WeChat official-account editor keeps, and a short caption.

The source is the page as the public reads it: its built HTML in the live site (KEPU_SITE_DIR, at
the page's canonical path), parsed with lxml. The result has inline styles only (no class, no
<style>, no stylesheet), in the programme's brand colour; images re-encoded (wechat_images.py)
and inlined as data: URIs, and the same files for a ZIP; every link other than the page itself
written out as a numbered footnote (WeChat drops most links); the canonical URL as 阅读原文.
A bleach allow-list (tags, attributes, CSS properties) is the last step.
"""

import base64
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import bleach
from bleach.css_sanitizer import CSSSanitizer
from django.conf import settings
from lxml import etree, html

from .pages import canonical_path, site_root
from .wechat_images import reencode

DEFAULT_BRAND = "#1f5fa8"
TEXT = "color:#333333;font-size:16px;line-height:1.75;"
# Parts of a page that are site furniture, not the piece (by tag, and by the theme's classes).
DROP_TAGS = {"nav", "aside", "script", "style", "noscript", "form", "button", "input", "select", "textarea",
             "iframe", "object", "embed", "video", "audio", "template", "svg", "canvas", "link", "meta"}
DROP_CLASSES = {"kepu-crumbs", "kepu-tags", "kepu-section", "kepu-from", "kepu-cards", "headerlink",
                "md-source-file", "md-content__button", "kepu-share", "kepu-tools"}
KEEP_TAGS = {"section", "p", "h1", "h2", "h3", "h4", "blockquote", "ol", "ul", "li", "strong", "em", "b", "i",
             "sup", "sub", "br", "hr", "img", "table", "thead", "tbody", "tr", "th", "td", "span"}
RENAME = {"div": "section", "header": "section", "figure": "section", "figcaption": "p", "article": "section",
          "h5": "h4", "h6": "h4", "dl": "section", "dt": "p", "dd": "p", "code": "span", "pre": "p", "mark": "strong"}
CSS_PROPERTIES = ["color", "background-color", "font-size", "font-weight", "font-style", "line-height",
                  "text-align", "margin", "margin-top", "margin-bottom", "padding", "padding-left", "border-left",
                  "border-bottom", "border-radius", "display", "max-width", "width", "height", "list-style",
                  "letter-spacing", "word-break", "vertical-align"]


class NotOnSite(Exception):
    """The page has no built HTML in the live site (not live, or not published yet)."""


@dataclass
class WeChatArticle:
    title: str
    canonical_url: str
    brand: str
    body: str  # with images as relative files (images/01.jpg), for the ZIP
    images: list = field(default_factory=list)  # [(name, bytes, media type)]
    footnotes: list = field(default_factory=list)  # [(number, text, url)]
    tags: list = field(default_factory=list)
    summary: str = ""

    @property
    def html(self):
        """What is copied into the WeChat editor: images inlined as data: URIs."""
        text = self.body
        for name, data, media_type in self.images:
            uri = f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
            text = text.replace(f'src="images/{name}"', f'src="{uri}"')
        return text

    def zip_bytes(self, caption):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            document = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_text(self.title)}'
                        f"</title></head><body>{self.body}</body></html>")
            archive.writestr("文章.html", document)
            for name, data, _media_type in self.images:
                archive.writestr(f"images/{name}", data)
            archive.writestr("微博.txt", caption + "\n")
            archive.writestr("阅读原文.txt", self.canonical_url + "\n")
        return out.getvalue()


def _text(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def brand_colour(page):
    """The brand colour of the programme the page belongs to (or is)."""
    from cms.programmes.models import ProgrammePage

    programme = ProgrammePage.objects.ancestor_of(page, inclusive=True).first()
    colour = getattr(programme, "brand_colour", "") or DEFAULT_BRAND
    return colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else DEFAULT_BRAND


def built_page(page):
    """(path of the page's index.html in the live site, its canonical URL)."""
    from cms.core.models import SiteSettings

    path = canonical_path(page, site_root())
    site = Path(settings.KEPU_SITE_DIR)
    built = site / unquote(path).lstrip("/") / "index.html"
    if not page.live or not built.is_file():
        raise NotOnSite(path)
    return built, SiteSettings.load().base_url.rstrip("/") + path


def styles(brand):
    return {
        "h1": "font-size:22px;font-weight:bold;line-height:1.4;color:#222222;margin:0 0 12px;",
        "h2": f"font-size:18px;font-weight:bold;color:{brand};border-left:4px solid {brand};padding-left:10px;"
              "margin:28px 0 12px;line-height:1.5;",
        "h3": f"font-size:17px;font-weight:bold;color:{brand};margin:24px 0 8px;",
        "h4": "font-size:16px;font-weight:bold;color:#222222;margin:20px 0 8px;",
        "p": TEXT + "margin:0 0 16px;text-align:justify;",
        "li": TEXT + "margin:0 0 6px;",
        "ol": "margin:0 0 16px;padding-left:24px;",
        "ul": "margin:0 0 16px;padding-left:24px;",
        "blockquote": f"margin:20px 0;padding:12px 16px;border-left:3px solid {brand};background-color:#f6f6f6;"
                      "color:#555555;",
        "img": "display:block;max-width:100%;height:auto;margin:0 auto;",
        "section": "margin:0;",
        "strong": "font-weight:bold;",
        "em": "font-style:italic;",
        "sup": f"color:{brand};font-size:12px;vertical-align:super;",
        "hr": "border-bottom:1px solid #e5e5e5;margin:24px 0;",
        "table": "width:100%;margin:0 0 16px;",
        "th": "font-size:15px;font-weight:bold;padding:6px;border-bottom:1px solid #dddddd;",
        "td": "font-size:15px;padding:6px;border-bottom:1px solid #eeeeee;",
    }


def class_styles(brand):
    """Refinements for the theme's parts of a piece (by class); without them the tag's style applies."""
    return {
        "kepu-head__kicker": f"color:{brand};font-size:14px;font-weight:bold;margin:0 0 4px;letter-spacing:1px;",
        "kepu-head__date": "color:#888888;font-size:14px;margin:0 0 16px;",
        "kepu-lead": f"color:#555555;font-size:16px;line-height:1.75;margin:0 0 20px;padding:12px 14px;"
                     f"background-color:#f6f6f6;border-left:3px solid {brand};",
        "kepu-quote": f"margin:20px 0;padding:12px 16px;border-left:3px solid {brand};background-color:#f6f6f6;",
        "kepu-timeline": f"margin:0 0 20px;padding:4px 0 4px 14px;border-left:2px solid {brand};",
        "kepu-profile__name": "font-size:18px;font-weight:bold;color:#222222;margin:12px 0 4px;",
        "kepu-profile__label": f"color:{brand};font-weight:bold;margin:0 8px 0 0;",
        "kepu-honours__year": f"color:{brand};font-weight:bold;margin:0 8px 0 0;",
    }


CAPTION = "color:#888888;font-size:14px;line-height:1.6;text-align:center;margin:8px 0 20px;"
QUOTE_SOURCE = "color:#888888;font-size:14px;text-align:right;margin:8px 0 0;"
TIMELINE_LIST = "margin:0;padding:0;list-style:none;"


class Converter:
    def __init__(self, built, canonical_url, brand):
        self.built, self.canonical_url, self.brand = built, canonical_url, brand
        self.site = Path(settings.KEPU_SITE_DIR).resolve()
        self.tag_styles, self.class_styles = styles(brand), class_styles(brand)
        self.footnotes, self.numbers, self.images = [], {}, []

    def footnote(self, text, href):
        target = urljoin(self.canonical_url, href)
        if urlsplit(target).scheme not in ("http", "https", "mailto"):
            return None
        shown = target[len("mailto:"):] if target.startswith("mailto:") else unquote(target)
        if target not in self.numbers:
            self.numbers[target] = len(self.numbers) + 1
            self.footnotes.append((self.numbers[target], text.strip(), shown))
        return self.numbers[target]

    def is_self(self, href):
        target = urljoin(self.canonical_url, href).split("#", 1)[0]
        return not href or href.startswith("#") or target == self.canonical_url

    def image(self, element):
        """The re-encoded image an <img> shows (its largest source in the site), or None."""
        candidates = [element.get("src", "")]
        for item in (element.get("srcset") or "").split(","):
            parts = item.split()
            if len(parts) == 2 and parts[1].endswith("w") and parts[1][:-1].isdigit():
                candidates.append((int(parts[1][:-1]), parts[0]))
        sized = sorted((c for c in candidates if isinstance(c, tuple)), reverse=True)
        for src in [s for _w, s in sized] + [candidates[0]]:
            file = self._site_file(src)
            if file is not None:
                data, extension, width, height = reencode(file)
                name = f"{len(self.images) + 1:02d}.{extension}"
                self.images.append((name, data, "image/png" if extension == "png" else "image/jpeg"))
                return name, width, height
        return None

    def _site_file(self, src):
        if not src or urlsplit(src).scheme or src.startswith("//"):
            return None  # only files of the site itself
        path = (self.built.parent / unquote(src.split("?", 1)[0])).resolve()
        return path if path.is_file() and path.is_relative_to(self.site) else None

    def convert(self, element, context=frozenset()):
        """A new element (or a list of text and elements, when the tag is unwrapped) for ``element``."""
        tag = element.tag if isinstance(element.tag, str) else None
        classes = set((element.get("class") or "").split())
        if tag is None or tag in DROP_TAGS or classes & DROP_CLASSES:
            return [element.tail] if tag and element.tail else []
        if tag == "img":
            return self._img(element)
        if tag == "a":
            return self._link(element, context)
        name = RENAME.get(tag, tag)
        inner_context = context | {c for c in classes if c in ("kepu-quote", "kepu-timeline")}
        if tag == "figcaption":
            style = QUOTE_SOURCE if "kepu-quote" in context | classes else CAPTION
        else:
            style = self.tag_styles.get(name, "")
            for cls in classes:
                style = self.class_styles.get(cls, style)
            if name in ("ol", "ul") and "kepu-timeline" in context:
                style = TIMELINE_LIST
            if name == "blockquote" and "kepu-quote" in context:
                style = "margin:0;padding:0;"
            if name == "strong" and "kepu-timeline" in context:
                style = f"font-weight:bold;color:{self.brand};margin:0 8px 0 0;"
        children = []
        for child in element:
            children.extend(self._as_list(self.convert(child, inner_context)))
        if name not in KEEP_TAGS or name == "span" and not style:
            parts = [element.text or "", *children, element.tail or ""]
            return [part for part in parts if not (isinstance(part, str) and not part)]
        new = etree.Element(name)
        if style:
            new.set("style", style)
        new.text = element.text
        self._append(new, children)
        new.tail = element.tail
        return new

    @staticmethod
    def _as_list(result):
        return result if isinstance(result, list) else [result]

    @staticmethod
    def _append(parent, parts):
        for part in parts:
            if isinstance(part, str):
                if len(parent):
                    parent[-1].tail = (parent[-1].tail or "") + part
                else:
                    parent.text = (parent.text or "") + part
            else:
                parent.append(part)

    def _img(self, element):
        found = self.image(element)
        tail = [element.tail] if element.tail else []
        if found is None:
            alt = (element.get("alt") or "").strip()
            return ([f"［图：{alt}］"] if alt else []) + tail
        name, width, height = found
        new = etree.Element("img", src=f"images/{name}", alt=element.get("alt") or "", width=str(width),
                            height=str(height), style=self.tag_styles["img"])
        return [new, *tail]

    def _link(self, element, context):
        children = []
        for child in element:
            children.extend(self._as_list(self.convert(child, context)))
        parts = [element.text or "", *children]
        text = "".join(part if isinstance(part, str) else etree.tostring(part, method="text", encoding="unicode")
                       for part in parts)
        href = element.get("href") or ""
        if not self.is_self(href):
            number = self.footnote(text, href)
            if number is not None:
                mark = etree.Element("sup", style=self.tag_styles["sup"])
                mark.text = f"[{number}]"
                parts.append(mark)
        parts.append(element.tail or "")
        return [part for part in parts if not (isinstance(part, str) and not part)]


def _main(document):
    for selector in ("//article[@id='kepu-main']", "//article", "//main", "//body"):
        found = document.xpath(selector)
        if found:
            return found[0]
    raise NotOnSite("no content")


def _tags(main):
    return [" ".join(a.text_content().split()) for a in main.xpath(".//a[contains(@href, 'tags/')]")
            if a.text_content().strip()]


def article_for(page):
    """The :class:`WeChatArticle` for a live page, from its built HTML."""
    built, canonical_url = built_page(page)
    brand = brand_colour(page)
    document = html.fromstring(built.read_bytes().decode("utf-8"))
    main = _main(document)
    tags = list(dict.fromkeys(_tags(main)))
    description = document.xpath("//meta[@name='description']/@content")
    heading = main.xpath(".//h1")
    title = " ".join((heading[0].text_content() if heading else page.title).split())
    converter = Converter(built, canonical_url, brand)
    root = etree.Element("section", style=f"{TEXT}max-width:100%;word-break:break-word;")
    converted = converter.convert(main)
    Converter._append(root, Converter._as_list(converted) if not isinstance(converted, list) else converted)
    root.tail = None
    if converter.footnotes:
        notes = etree.SubElement(root, "section", style="margin:32px 0 0;padding:12px 0 0;"
                                                         "border-bottom:1px solid #e5e5e5;")
        head = etree.SubElement(notes, "p", style=f"font-size:15px;font-weight:bold;color:{brand};margin:0 0 8px;")
        head.text = "参考链接"
        for number, text, url in converter.footnotes:
            item = etree.SubElement(notes, "p", style="color:#888888;font-size:13px;line-height:1.6;margin:0 0 6px;"
                                                      "word-break:break-all;")
            item.text = f"[{number}] {text}：{url}" if text and text != url else f"[{number}] {url}"
    original = etree.SubElement(root, "p", style=f"font-size:15px;margin:24px 0 0;color:{brand};"
                                                  "word-break:break-all;")
    original.text = f"阅读原文：{canonical_url}"
    body = etree.tostring(root, method="html", encoding="unicode")
    body = clean(re.sub(r"\s*\n\s*", "\n", body))
    return WeChatArticle(title=title, canonical_url=canonical_url, brand=brand, body=body, images=converter.images,
                         footnotes=converter.footnotes, tags=tags, summary=(description[0] if description else ""))


def clean(markup):
    """The allow-list every result passes: the tags above, style (these properties only), img's own;
    and an image's source is one of the files of the article (images/01.jpg …), nothing else."""
    cleaned = bleach.clean(
        markup, tags=KEEP_TAGS, strip=True, strip_comments=True,
        attributes={"*": ["style"], "img": ["src", "alt", "width", "height", "style"]},
        css_sanitizer=CSSSanitizer(allowed_css_properties=CSS_PROPERTIES),
    )
    return OUTSIDE_IMAGE.sub("", cleaned)


OUTSIDE_IMAGE = re.compile(r'<img(?![^>]*\ssrc="images/\d+\.(?:jpg|png)")[^>]*>')


def weibo_caption(article, limit=140):
    """【标题】摘要 #话题# 链接, at most ``limit`` characters; the summary is shortened first, then tags."""
    tags = [f"#{tag}#" for tag in article.tags if "#" not in tag]
    title = article.title
    summary = " ".join(article.summary.split())
    url = article.canonical_url
    while True:
        head = f"【{title}】"
        tail = (" " + " ".join(tags) if tags else "") + " " + url
        room = limit - len(head) - len(tail)
        if room >= 0:
            text = summary if len(summary) <= room else (summary[: room - 1] + "…" if room > 8 else "")
            return head + text + tail
        if tags:
            tags.pop()
        else:
            title = title[: max(1, len(title) + room - 1)] + "…"  # a title longer than a caption
