"""The one HTML policy for rich text and imported HTML.

Everything that can hold HTML crosses :func:`sanitise_html`: rich text when a revision is
saved (see ``signals.py``) and again when the publish step exports it. The policy is a
bleach allow-list (headings, paragraphs, lists, links, emphasis, tables, figures, images from
our own media) plus Wagtail's stored rich-text forms (``<a linktype="page" id="3">``,
``<embed embedtype="image" …/>``).

``href`` and ``src`` accept only http, https, mailto and relative URLs. bleach's own protocol
check keeps ``href="javascript:123"`` and every other ``scheme:digits`` value, because
``urlparse`` reads the digits as a port (mozilla/bleach#611, not to be fixed upstream); the
attribute filter below parses the scheme itself and closes that hole.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import bleach

ALLOWED_TAGS = frozenset({
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "blockquote", "hr",
    "a", "b", "strong", "i", "em", "s", "sup", "sub", "code",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "img",
    "embed",  # Wagtail's stored form of images and media embeds, never a browser plugin
})

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "linktype", "id"},
    "img": {"src", "alt", "width", "height", "title"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Draftail marks every block with a short key; it is inert and Wagtail needs it back.
BLOCK_KEY = "data-block-key"

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_NUMBER = re.compile(r"^\d{1,6}$")
_BLOCK_KEY_VALUE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# What a browser ignores inside a URL before it finds the scheme, and what bleach strips too.
_URL_NOISE = re.compile(r"[`\x00-\x20\x7f-\xa0\s]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Elements whose text is code, not prose: dropped whole before bleach strips the tags.
_SCRIPT_LIKE = re.compile(r"<(script|style|template|noscript|xmp)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _normalised_url(value):
    value = html.unescape(value)
    value = _URL_NOISE.sub("", value)
    value = _NON_ASCII.sub("", value)
    return value.lower()


def url_scheme(value):
    """The scheme a browser would see in ``value``, or '' for a relative URL."""
    match = _SCHEME.match(_normalised_url(value))
    return match.group(1) if match else ""


def is_safe_link(value):
    """http, https, mailto or a relative URL (path, query, fragment, //host)."""
    scheme = url_scheme(value)
    return scheme == "" or scheme in ALLOWED_PROTOCOLS


def is_own_media(value):
    """Images come from our own media: a relative URL with no scheme and no other host."""
    normalised = _normalised_url(value)
    return bool(normalised) and url_scheme(value) == "" and not normalised.startswith("//") \
        and not normalised.startswith("\\")


def allow_attribute(tag, name, value):
    """bleach attribute filter: the allow-list plus URL checks bleach itself gets wrong."""
    if name == BLOCK_KEY:
        return bool(_BLOCK_KEY_VALUE.match(value))
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "href":
        return is_safe_link(value)
    if name == "src":
        return is_own_media(value)
    if tag == "embed":
        if name == "embedtype":
            return value in ("image", "media")
        if name == "url":
            return url_scheme(value) in ("http", "https")
    if name == "id":
        return bool(_NUMBER.match(value))
    if name in ("width", "height", "colspan", "rowspan", "start"):
        return bool(_NUMBER.match(value))
    if name == "linktype":
        return value in ("page", "document")
    return True


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def sanitise_html(value):
    """Return ``value`` with everything outside the policy removed. Idempotent."""
    if not value:
        return value or ""
    stripped = _SCRIPT_LIKE.sub("", value)
    clean = _cleaner.clean(stripped)
    if clean == stripped:
        return clean  # already a fixed point (clean content from the database): a second pass changes nothing
    # bleach serialises mis-nested input (an <h6> inside an <h1>) in a form that parses
    # differently a second time; a second pass reaches the fixed point.
    for _attempt in range(3):
        again = _cleaner.clean(clean)
        if again == clean:
            break
        clean = again
    return clean


class _Inventory(HTMLParser):
    """Counts the tags, attributes and comments in a piece of HTML."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.tags = Counter()
        self.attributes = Counter()
        self.comments = 0
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            self.attributes[(tag, name, (value or "").strip())] += 1

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments += 1


@dataclass
class SanitiserReport:
    """What the sanitiser removed from one piece of HTML, in words an editor can act on."""

    clean: str
    removed_tags: list = field(default_factory=list)
    removed_attributes: list = field(default_factory=list)
    removed_comments: int = 0

    @property
    def changed(self):
        return bool(self.removed_tags or self.removed_attributes or self.removed_comments)

    def describe(self):
        parts = []
        if self.removed_tags:
            parts.append("删除了不允许的标签 " + "、".join(f"<{t}>" for t in self.removed_tags))
        if self.removed_attributes:
            parts.append(
                "删除了不允许的属性 " + "、".join(f"{name}（<{tag}>）" for tag, name in self.removed_attributes)
            )
        if self.removed_comments:
            parts.append(f"删除了 {self.removed_comments} 处 HTML 注释")
        return "；".join(parts)


def sanitise_with_report(value):
    """Sanitise ``value`` and say what had to change (nothing, for clean input)."""
    clean = sanitise_html(value)
    if clean == value:
        return SanitiserReport(clean=clean)
    before, after = _Inventory(value or ""), _Inventory(clean)
    removed_tags = sorted(set(before.tags) - set(after.tags))
    removed_attributes = sorted({
        (tag, name) for (tag, name, val), count in before.attributes.items()
        if tag not in removed_tags and after.attributes[(tag, name, val)] < count
    })
    return SanitiserReport(
        clean=clean,
        removed_tags=removed_tags,
        removed_attributes=removed_attributes,
        removed_comments=max(before.comments - after.comments, 0),
    )
