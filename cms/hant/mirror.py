"""What the publish step calls to write the Traditional-script mirror (docs/traditional-mirror.md).

``load()`` reads the site settings (the mirror's, the Simplified site's base URL), the editors' fixed
pairs and the protected names once per publish and returns a ``Mirror`` (None when the mirror is off).
A ``Mirror`` converts a document (``convert_document(meta, body)``), a generated file
(``convert_file(path, data)``) or a string (``text``), says where the mirror lives (``base_url``,
``url``) and in which language (``language``), has a ``fingerprint`` that changes whenever every
conversion could change (profile, OpenCC version, the rules of this package, the editors' pairs, the
Simplified site's and the mirror's base URLs), and ``names``, the protected names as it writes them
({name: its form}). The names are left out of the fingerprint: a name (a fixed term, convert.py)
changes the conversion of a text only if the text contains it, so a converted document may be
reused while the source document's bytes and the fingerprint are unchanged and no name added,
removed or written differently since it was converted occurs in the source (``changed_names``;
mirror_site.Converted).
"""

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urljoin

import opencc

from cms.publish.paths import MIRROR_HOST_DIR

from . import markdown
from .convert import TextConverter
from .names import name_form
from .profiles import language, region

CONVERTER_VERSION = "2"  # bump when the rules in this package change what a document becomes


def pair_terms(profile, pairs=()):
    """{Simplified: Traditional} of the editors' pairs: those for all profiles, then those for the
    profile's region (later ones win)."""
    wanted = region(profile)
    terms = {term: text for term, text, pair_region in pairs if not pair_region}
    terms.update({term: text for term, text, pair_region in pairs if pair_region == wanted})
    return terms


def changed_names(old, new):
    """The names added, removed or written differently between two ``Mirror.names``."""
    return {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}


@dataclass
class Mirror:
    """``pairs``: the editors' fixed pairs ({term: text}, pair_terms); ``names``: the protected names
    in their name form ({name: form}) but those an editors' pair also fixes (the pair wins). Both are
    fixed terms that OpenCC never sees (convert.py)."""

    profile: str
    prefix: str = "zh-hant"  # the mirror's folder and URL prefix below the site's base URL ("" with a host)
    host: str = ""  # or the mirror's own base URL
    pairs: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    site_url: str = ""  # the Simplified site's base URL: its addresses in JSON-LD become the mirror's ("": kept)

    def __post_init__(self):
        self.names = {name: form for name, form in self.names.items() if name and name not in self.pairs}
        self.converter = TextConverter(self.profile, {**self.names, **self.pairs})
        self.language = language(self.profile)
        self.site_url = self.site_url and self.site_url.rstrip("/") + "/"
        self.own_url = self.site_url and self.base_url(self.site_url)
        digest = hashlib.sha256(json.dumps(
            [CONVERTER_VERSION, opencc.__version__, self.profile, sorted(self.pairs.items()),
             self.site_url, self.own_url], ensure_ascii=False,
        ).encode())
        self.fingerprint = digest.hexdigest()

    @classmethod
    def build(cls, profile, *, pairs=(), names=(), prefix="zh-hant", host="", site_url=""):
        """A mirror from explicit pairs ``[(term, conversion, region)]`` and names (tests, the bench)."""
        return cls(profile, prefix=prefix, host=host, pairs=pair_terms(profile, pairs),
                   names={name: name_form(name, profile) for name in names}, site_url=site_url)

    # Where ---------------------------------------------------------------------------------------
    @property
    def folder(self):
        """The mirror's folder in a build's site/: its prefix, or with a host of its own a folder the
        Simplified host does not serve (that host's web root)."""
        return self.prefix or MIRROR_HOST_DIR

    def base_url(self, site_base_url):
        """The mirror's root URL: its own host, or the site's base URL + prefix/."""
        if self.host:
            return self.host.rstrip("/") + "/"
        return urljoin(site_base_url.rstrip("/") + "/", self.prefix + "/")

    def url(self, path):
        """The mirror's site path for a Simplified site path (``/a/b/`` → ``/zh-hant/a/b/``; the same path
        on a host of its own)."""
        return path if self.host else f"/{self.prefix}{path}"

    # What ----------------------------------------------------------------------------------------
    def text(self, value):
        return self.converter.convert(value)

    def convert_svg(self, svg):
        """An SVG drawing's text (its title …) in Traditional script (markdown.convert_svg)."""
        return markdown.convert_svg(self.converter, svg)

    def convert_document(self, meta, body):
        """A document's ``(meta, body)`` in Traditional script (new objects; the arguments are not changed).
        JSON-LD ``inLanguage`` values become the mirror's language, and the JSON-LD's addresses on the
        Simplified site (``structured_data``: a ClaimReview's url and its author's, the site's home) the
        mirror's twins, as the theme's JSON-LD on the mirror (breadcrumbs, an Article) names them."""
        meta, body = markdown.convert_document(self.converter, meta, body)
        meta = _set_language(meta, self.language)
        if self.site_url and meta.get("structured_data"):
            meta["structured_data"] = self._own_addresses(meta["structured_data"])
        return meta, body

    def _own_addresses(self, value):
        if isinstance(value, dict):
            return {k: self._own_addresses(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._own_addresses(item) for item in value]
        if isinstance(value, str) and (value + "/").startswith(self.site_url) and not (value + "/").startswith(
                self.own_url):
            return self.own_url + value[len(self.site_url):]
        return value

    def convert_file(self, path, data):
        """A generated file's bytes in Traditional script: XML and HTML (feeds, the sitemap) and Markdown
        by the markup rules, the feed's ``<language>`` set; other files unchanged."""
        if not path.endswith((".xml", ".html", ".md", ".txt")):
            return data
        text = markdown.convert_markup(self.converter, data.decode("utf-8"))
        if path.endswith(".xml"):
            text = text.replace("<language>zh-CN</language>", f"<language>{self.language}</language>")
        return text.encode("utf-8")


def _set_language(value, lang):
    if isinstance(value, dict):
        return {k: (lang if k == "inLanguage" and isinstance(v, str) else _set_language(v, lang))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_set_language(item, lang) for item in value]
    return value


def load():
    """The mirror as the site setting, the fixed pairs and the protected names say now; None when it is off."""
    from cms.core.models import SiteSettings

    from .models import MirrorSettings, TermPair
    from .names import protected_names

    settings = MirrorSettings.load()
    if not settings.enabled:
        return None
    pairs = TermPair.objects.values_list("term", "conversion", "region")
    return Mirror.build(settings.profile, pairs=pairs, names=protected_names(),
                        prefix="" if settings.host else settings.prefix, host=settings.host,
                        site_url=SiteSettings.load().base_url)
