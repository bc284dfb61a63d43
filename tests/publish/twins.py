"""A Traditional mirror page against its Simplified twin, in Python: what conversion may change and
nothing else (tests/publish/test_site_pages.py, the mirror's axe test).

``differences(hans, hant, ...)`` walks both parsed pages node by node, in document order, and returns
what differs beyond what the mirror is allowed to change, as Chinese messages ([] for a faithful twin):

- text nodes: only whether they are blank (conversion rewrites the characters, never adds or drops text);
- the text attributes and text metas below: only whether they are blank, and two values that are the
  same on one page are the same on the other (axe's landmark-unique and similar rules compare names);
- ``lang`` (and og:locale): the Simplified page's language becomes the mirror's;
- addresses: equal once the mirror's prefix is taken out of the mirror's (which stay in the mirror);
- ids: converted with the headings they name (获取资源 → 獲取資源); each must be unique on the mirror
  page and every in-page reference (aria-labelledby, label for, href="#…" …) must reach the element at
  the same place as on the Simplified page;
- the JSON a page carries (Material's config, JSON-LD, the theme's words): the same keys and shape,
  addresses as above, strings with Chinese characters only whether they are blank, others equal;
- the language switch (a.kepu-script-switch), which on each page leads to the other twin, and the
  hreflang alternates, which both twins announce with the same absolute addresses.

Everything else (element names and order, attribute names, class, style, role, ids' presence, inline
scripts and styles, every other attribute) must be equal.
"""

import json
import re
from urllib.parse import unquote, urljoin

from bs4 import NavigableString, Tag
from bs4.element import PreformattedString

# Text a reader or a screen reader is given, which conversion rewrites: the attributes the converter
# converts in a body (cms/hant/markdown.py TEXT_ATTRIBUTES) and the theme's through its hant filter.
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "aria-roledescription",
                   "aria-placeholder", "aria-valuetext", "label"}
# <meta> whose content is text (the page's title and description for search engines and shares).
TEXT_METAS = {"description", "og:title", "og:description", "og:image:alt", "og:site_name"}
# Attributes that hold an address (data-kepu-copy: the address the 复制链接 button copies).
ADDRESS_ATTRIBUTES = {"href", "src", "srcset", "action", "poster", "data", "data-kepu-copy"}
ADDRESS_METAS = {"og:url", "og:image"}
# Attributes naming other elements of the page by id.
ID_REFERENCES = {"aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-activedescendant",
                 "aria-details", "aria-errormessage", "aria-flowto", "for", "headers", "list", "form"}
# The theme's own pages, made without a document: their language switch leads to the other site's home
# (themes/partials/header.html).
THEME_PAGES = {"/404.html", "/search/"}
JSON_TYPES = {"application/json", "application/ld+json"}
HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
SIMPLIFIED = "zh-CN"


def differences(hans, hant, url, *, base_url, prefix, language):
    """What ``hant`` (the mirror page at /prefix/url) has that its twin ``hans`` (at ``url``, a site
    path) does not, beyond conversion. ``language``: the mirror's (zh-Hant-HK); ``base_url``: the site's."""
    pages = {"hans": urljoin(base_url, url.lstrip("/")), "hant": urljoin(base_url, f"{prefix}/{url.lstrip('/')}")}
    mirror_root = urljoin(base_url, prefix + "/")

    def address(page, value):
        resolved = urljoin(pages[page], value.strip())
        if page == "hant" and (resolved + "/").startswith(mirror_root):
            return base_url + resolved[len(mirror_root):]
        if page == "hant" and resolved.startswith(base_url):
            return "简体版的 " + resolved  # the mirror leads out of itself
        return resolved

    a_nodes, b_nodes = list(hans.descendants), list(hant.descendants)
    place = {id(tag): n for nodes in (a_nodes, b_nodes)  # an element's place among the page's elements
             for n, tag in enumerate(node for node in nodes if isinstance(node, Tag))}
    ids = {page: {} for page in pages}
    for page, nodes in (("hans", a_nodes), ("hant", b_nodes)):
        for node in nodes:
            if isinstance(node, Tag) and node.get("id") is not None:
                ids[page].setdefault(node["id"], []).append(node)
    found = [f"重复的 id：{name}" for name, nodes in ids["hant"].items() if len(nodes) > 1]

    def target(page, name):
        nodes = ids[page].get(unquote(name), [])
        return place[id(nodes[0])] if nodes else None

    names = {}  # text attribute values: Simplified → mirror, both ways one to one

    for a, b in zip(a_nodes, b_nodes, strict=False):  # lengths: below
        if type(a) is not type(b) or (isinstance(a, Tag) and a.name != b.name):
            found.append(f"{_where(b)}：简体版此处是 {_what(a)}，繁体版是 {_what(b)}")
            break  # the rest is out of step
        if isinstance(b, NavigableString):
            found += [f"{_where(b)}：{message}" for message in _text(a, b, address, language)]
            continue
        if set(a.attrs) != set(b.attrs):
            found.append(f"{_where(b)}：属性不同 {sorted(set(a.attrs) ^ set(b.attrs))}")
            continue
        meta = a.get("name") or a.get("property") if a.name == "meta" else None
        for key in a.attrs:
            x, y = a[key], b[key]
            if a.name == "a" and "kepu-script-switch" in a.get("class", []) and key in ("href", "hreflang", "lang"):
                # The language switch leads to the other twin (home), in that twin's language.
                twins = (mirror_root, base_url) if url in THEME_PAGES else (pages["hant"], pages["hans"])
                wanted = {"href": twins, "hreflang": (language, "zh-Hans"),
                          "lang": (language, "zh-Hans")}[key]
                got = (x, y)
                if key == "href":
                    got = (unquote(urljoin(pages["hans"], x)), unquote(urljoin(pages["hant"], y)))
                ok = got == wanted
            elif a.name == "link" and key == "href" and "alternate" in a.get("rel", []) and a.get("hreflang"):
                ok = x == y  # both twins announce the same pair, with absolute addresses
            elif key == "lang":
                ok = y == (language if x == SIMPLIFIED else x)
            elif meta == "og:locale" and key == "content":
                ok = y == (f"zh_{language.rsplit('-', 1)[-1]}" if x == "zh_CN" else x)
            elif key in TEXT_ATTRIBUTES or (meta in TEXT_METAS and key == "content"):
                ok = bool(x.strip()) == bool(y.strip()) and names.setdefault(("→", x), y) == y \
                    and names.setdefault(("←", y), x) == x
            elif key == "id":
                ok = True  # presence compared above, uniqueness at the start, references where they are
            elif key == "href" and x.startswith("#") and y.startswith("#"):
                ok = target("hans", x[1:]) == target("hant", y[1:]) is not None or x == y == "#"
            elif key in ADDRESS_ATTRIBUTES or (meta in ADDRESS_METAS and key == "content"):
                ok = _addresses(key, x, "hans", address) == _addresses(key, y, "hant", address)
            elif key in ID_REFERENCES:
                ok = [target("hans", name) for name in x.split()] == [target("hant", name) for name in y.split()] \
                    and None not in [target("hant", name) for name in y.split()]
            else:
                ok = x == y
            if not ok:
                found.append(f"{_where(b)} 的 {key}：简体版 {x!r}，繁体版 {y!r}")
    if len(a_nodes) != len(b_nodes) and not any("此处是" in f for f in found):
        found.append(f"节点数不同：简体版 {len(a_nodes)}，繁体版 {len(b_nodes)}")
    return found


def _addresses(key, value, page, address):
    parts = [p.split() for p in value.split(",")] if key == "srcset" else [[value]]
    return [[address(page, p[0]), *p[1:]] for p in parts if p]


def _text(a, b, address, language):
    """A text node: only its blankness, but inline scripts and styles equal and JSON compared by shape."""
    parent = a.parent.name if a.parent else None
    if parent == "script" and a.parent.get("type") in JSON_TYPES:
        x, y = json.loads(a), json.loads(b)
        return [f"JSON 不同：{m}" for m in _json(x, y, address, language, "$")]
    if parent in ("script", "style") or isinstance(a, PreformattedString):  # code, comments, the doctype
        return [] if a == b else [f"{parent or type(a).__name__} 的内容不同"]
    return [] if bool(a.strip()) == bool(b.strip()) else [f"文字一边有一边没有：{a.strip()!r} / {b.strip()!r}"]


def _json(x, y, address, language, path):
    if type(x) is not type(y):
        return [f"{path}: {x!r} / {y!r}"]
    if isinstance(x, dict):
        if sorted(x) != sorted(y):
            return [f"{path} 的键：{sorted(set(x) ^ set(y))}"]
        return [m for key in x for m in _json(x[key], y[key], address, language, f"{path}.{key}")]
    if isinstance(x, list):
        if len(x) != len(y):
            return [f"{path} 的长度：{len(x)} / {len(y)}"]
        pairs = enumerate(zip(x, y, strict=True))
        return [m for n, (u, v) in pairs for m in _json(u, v, address, language, f"{path}[{n}]")]
    if path.endswith(".inLanguage"):  # JSON-LD's language of the page
        ok = y == (language if x == SIMPLIFIED else x)
    elif isinstance(x, str) and re.match(r"(https?://|/)", x):
        ok = address("hans", x) == address("hant", y)
    elif isinstance(x, str) and HAN.search(x):
        ok = bool(y.strip())
    else:
        ok = x == y
    return [] if ok else [f"{path}: {x!r} / {y!r}"]


def _what(node):
    return f"<{node.name}>" if isinstance(node, Tag) else f"{type(node).__name__} {str(node).strip()[:20]!r}"


def _where(node):
    """The mirror node's place, as a short path of tags (html > body > … > a.kepu-card__link)."""
    tags = [node] if isinstance(node, Tag) else []
    tags += [parent for parent in node.parents if parent.name != "[document]"]
    return " > ".join(t.name + "".join(f".{c}" for c in t.get("class", [])[:1]) for t in reversed(tags[:4]))
