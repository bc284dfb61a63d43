"""A published document in Traditional script: front matter values and the Markdown body's visible
text converted; everything a machine reads kept byte for byte.

Converted: front-matter string values (titles, descriptions, names, tags, alt text, JSON-LD values
such as ``name``), mapping keys that are themselves text (the labels of ``facet_links``, which the
theme looks up by the converted ``facts`` label), and in the body the text, link texts, image alt
text, link titles and the ``alt``/``title``/``aria-label``/``placeholder`` attributes of HTML and
attribute lists. Kept: front-matter keys, values under URL-like keys (``url``, ``canonical``,
``src``, ``@type`` …) or that look like a URL or a site path, and in the body link targets,
reference definitions, autolinks and bare URLs, HTML tags and their other attributes (``href``,
``src``, ``srcset``, ``class``, ``data-*``), attribute lists, code (fenced, inline, ``<code>``,
``<pre>``, ``<kbd>``, ``<samp>``, ``<script>``, ``<style>``), HTML comments, backslash escapes and
character references. Indented code blocks are read as text: the exporter never writes them.

Every string of a document is converted with one OpenCC call (convert.TextConverter.convert_many).
"""

import re

# Front matter: values under these keys are addresses, identifiers or machine values, never text.
KEEP_KEYS = frozenset({
    "canonical", "url", "urls", "href", "src", "srcset", "path", "slug", "programme", "kind", "feed", "template",
    "calendar_file", "colour", "colour_text", "brand_colour", "date", "published", "updated", "valid_until",
    "lang", "hreflang", "id", "page_id", "revision", "@id", "@type", "@context", "@language",
    "@vocab", "sameAs", "inLanguage", "email", "telephone",
})
KEEP_SUFFIXES = ("_url", "_urls", "_path", "_slug", "_file", "Url", "_id")
_URL_LIKE = re.compile(r"^(?:(?:https?|mailto|ftp|tel|data):|/|\.\.?/|#)", re.IGNORECASE)
_KEY_TEXT = re.compile("[\u3400-\u9fff]")

# Attributes whose value a reader sees or hears.
TEXT_ATTRIBUTES = frozenset({
    "alt", "title", "aria-label", "aria-description", "aria-roledescription", "aria-placeholder",
    "aria-valuetext", "placeholder", "label",
})
_RAW_TAGS = "code|pre|script|style|kbd|samp|var|math|svg|textarea"
# Bare URL: up to whitespace, a quote or bracket, or Chinese punctuation.
_URL_END = r"""\s<>"'`\[\]()（）【】「」『』《》，。；：！？、"""

_MARKDOWN = re.compile(
    rf"""
      (?P<fence>^[ ]{{0,3}}(?P<mark>`{{3,}}|~{{3,}}).*?(?:\n[ ]{{0,3}}(?P=mark)[`~]*[ \t]*$|\Z))
    | (?P<comment><!--.*?(?:-->|\Z))
    | (?P<raw><(?P<rawtag>{_RAW_TAGS})\b[^>]*>.*?(?:</(?P=rawtag)\s*>|\Z))
    | (?P<escape>\\.)
    | (?P<code>(?P<ticks>`+)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`))
    | (?P<autolink><[A-Za-z][A-Za-z0-9+.-]{{1,31}}:[^<>\s]*>)
    | (?P<tag></?[A-Za-z][A-Za-z0-9:-]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>)
    | (?P<dest>\]\(\s*(?:<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)
               (?P<title>\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\))
    | (?P<reflabel>\]\[[^\]\n]*\])
    | (?P<refdef>^[ ]{{0,3}}\[[^\]\n]+\]:[ \t]*\S+)
    | (?P<attrs>\{{:?[ \t]*(?:[#.][^\s}}]|[A-Za-z_][\w-]*=)[^}}\n]*\}})
    | (?P<url>(?:https?|ftp)://[^{_URL_END}]+|www\.[A-Za-z0-9-]+\.[^{_URL_END}]+)
    """,
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/={}]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`{}]+))""")
_TITLE = re.compile(r"""(\s+)(["'(])(.*)(["')])(\s*\))$""", re.DOTALL)


class _Slot(int):
    """The place of a string in the document's batch (an int, so it can also be a mapping key)."""


class _Batch:
    def __init__(self):
        self.texts = []

    def add(self, text):
        self.texts.append(text)
        return _Slot(len(self.texts) - 1)


def _meta(value, key, batch):
    if isinstance(value, dict):
        return {(batch.add(k) if isinstance(k, str) and _KEY_TEXT.search(k) else k): _meta(v, k, batch)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_meta(item, key, batch) for item in value]
    if isinstance(value, str):
        keep = isinstance(key, str) and (key in KEEP_KEYS or key.endswith(KEEP_SUFFIXES))
        return value if keep or _URL_LIKE.match(value) else batch.add(value)
    return value


def _resolve(value, converted):
    if isinstance(value, _Slot):
        return converted[value]
    if isinstance(value, dict):
        return {_resolve(k, converted): _resolve(v, converted) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(item, converted) for item in value]
    return value


def _attributes(markup, parts, batch):
    """A tag or an attribute list: kept, except the values of TEXT_ATTRIBUTES."""
    start = 0
    for match in _ATTRIBUTE.finditer(markup):
        group = next(g for g in (3, 4, 5) if match.group(g) is not None)
        if match.group(1).lower() in TEXT_ATTRIBUTES and match.group(group):
            parts.append(markup[start:match.start(group)])
            parts.append(batch.add(match.group(group)))
            start = match.end(group)
    parts.append(markup[start:])


def _body(body, batch):
    parts, start = [], 0
    for match in _MARKDOWN.finditer(body):
        if match.start() > start:
            parts.append(batch.add(body[start:match.start()]))
        kind, text = match.lastgroup, match.group()
        if kind in ("tag", "attrs"):
            _attributes(text, parts, batch)
        elif kind == "dest" and match.group("title"):
            title = _TITLE.search(text)
            parts += [text[:title.start(3)], batch.add(title.group(3)), text[title.end(3):]]
        else:
            parts.append(text)
        start = match.end()
    if start < len(body):
        parts.append(batch.add(body[start:]))
    return parts


def convert_document(converter, meta, body):
    """``(meta, body)`` of a published document in the converter's script: a new dict and string."""
    batch = _Batch()
    new_meta = _meta(meta, None, batch)
    parts = _body(body, batch)
    converted = converter.convert_many(batch.texts)
    return _resolve(new_meta, converted), "".join(converted[p] if isinstance(p, _Slot) else p for p in parts)


def convert_markup(converter, text):
    """HTML, XML (a feed, a sitemap) or a Markdown body without front matter: text converted, markup,
    addresses and code kept (the body rules above)."""
    batch = _Batch()
    parts = _body(text, batch)
    converted = converter.convert_many(batch.texts)
    return "".join(converted[p] if isinstance(p, _Slot) else p for p in parts)


_SVG_TAG = re.compile(r"<[^>]*>")


def convert_svg(converter, text):
    """An SVG drawing (a page's QR code): the text between its tags (``<title>``, ``<desc>``, ``<text>``)
    and its TEXT_ATTRIBUTES converted; tags, path data and every other attribute kept. Unlike
    ``convert_markup`` (which keeps an ``<svg>`` inside a body whole), and without passing the path
    data through OpenCC, which costs the most there (bench/README, "Measurements behind the code")."""
    batch, parts, start = _Batch(), [], 0
    for match in _SVG_TAG.finditer(text):
        if match.start() > start:
            parts.append(batch.add(text[start:match.start()]))
        _attributes(match.group(), parts, batch)
        start = match.end()
    if start < len(text):
        parts.append(batch.add(text[start:]))
    converted = converter.convert_many(batch.texts)
    return "".join(converted[p] if isinstance(p, _Slot) else p for p in parts)
