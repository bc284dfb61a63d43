"""The Traditional-script mirror (繁体站) in the publish step: written, built and indexed beside the
Simplified site, in the same publish and the same build folder (docs/traditional-mirror.md).

- **Export**: the Simplified site's generated pages and listings converted with the mirror
  (``Mirror.convert_document``), its feeds and sitemap made again for the mirror's base URL and
  converted (``convert_file``), written by ``write.write`` into a content folder of its own
  (``content-hant/`` beside ``content/``). Images and documents are hard links to ``content/``'s
  (exported once); the QR codes beside pages are made again for the mirror's URLs. A converted
  document is reused while its Simplified source and the mirror's fingerprint are unchanged and no
  protected name that came, went or is written differently since it was converted occurs in its
  source (``Converted``), also by a new worker (saved with the render cache).
- **Build**: MkDocs with the mirror's config (``build.mkdocs_config(..., hant=True)``) into
  ``<stage>/site/<prefix>/`` (with a host of its own ``<stage>/site/_zh-hant/``, that host's web root:
  ``Mirror.folder``), so verification and the swap cover both sites at once. A change of
  the fingerprint (a word pair, the profile) or of the build inputs (among them the names found in
  the theme's templates: ``template_names``) rebuilds the mirror in full (its manifest's ``inputs``);
  otherwise it is as incremental as the Simplified build: a name that comes or goes rebuilds the
  pages whose documents it changed.
- **Search**: its own index under ``<prefix>/search/`` from ``content-hant/``.

The manifest of a build holds the mirror's as ``manifest["mirror"]`` (prefix, inputs with the
fingerprint, and its pages, generated files and attachments like the Simplified site's).
"""

import hashlib
import json
import os
import pickle
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from cms.hant import mirror as hant_mirror
from cms.hant.convert import trie_pattern
from cms.sitesearch import index as search

from . import build, forks, fsutil, generate, manifest, paths, render, render_store, write
from .errors import ExportError

NAMES = "names"
"""The key of Converted's row of the names its rows were converted under."""


class Stored:
    """A converted document's (meta, body) as ``Converted.rows`` keeps it: pickled by itself, so that
    what a new worker reads back of the mirror's memo (render_store: the row's HMAC checked, the
    whole row unpickled) holds its bytes and is unpickled only when something reads it — not for a
    page whose converted file the write finds as written (write.WrittenFiles.documents: its key is
    the same). Reads as the tuple (``meta, body = stored``, ``stored[1]``); made of a tuple, it is
    pickled when saved."""

    __slots__ = ("_data", "_value")

    def __init__(self, data=None, value=None):
        self._data, self._value = data, value

    def value(self):
        if self._value is None:  # (bytes of a row render_store checked; pickled again if saved again)
            self._value, self._data = pickle.loads(self._data), None
        return self._value

    def __iter__(self):
        return iter(self.value())

    def __getitem__(self, index):
        return self.value()[index]

    def __len__(self):
        return 2

    def __bool__(self):
        return True

    def __eq__(self, other):
        return tuple(self.value()) == (tuple(other) if isinstance(other, Stored | tuple | list) else other)

    __hash__ = None

    def __reduce__(self):  # (bytes made for the save are not kept: the value is)
        return Stored, (self._data if self._data is not None else pickle.dumps(self._value, pickle.HIGHEST_PROTOCOL),)


@dataclass
class Converted:
    """Converted documents and files, reused while their source, the mirror's fingerprint and the
    protected names found in the source are the same.

    ``rows``: {"d:" or "f:" + path: (fingerprint, the source's sha256, converted)} (a document's
    converted (meta, body), a file's bytes) and {NAMES: (fingerprint, names)}: every such row was
    converted under the mirror's ``names`` ({name: form}) of the NAMES row. Saved with the render
    cache (render_store.SavedMemo, memo "hant"), so a new worker reuses them on the same terms;
    without a NAMES row of the fingerprint no row is reused. A row converted while the mirror's
    names are not those of the NAMES row has a fourth item, a digest of the names it was converted
    under (``key``); once an export has been through every document and file (``prune``), the
    NAMES row holds the mirror's names and those rows lose it.

    A row is reused when its fingerprint and its source's sha256 are the mirror's and the source's,
    and: it names the mirror's names by their digest, or it has no fourth item and no name added,
    removed or written differently since the NAMES row (``changed``) occurs in its source (a fixed
    term that does not occur in a text does not change its conversion: convert.py, markdown.py
    convert substrings of the source only). A document's sha256 is the one the Simplified write took
    of its bytes (WrittenFiles.sha: no hashing, no comparing); ``files``: the sources of the files
    converted by this process ({path: bytes}), compared first (by equality: no hashing).

    ``made``: what this process converted or reused at each path (the source objects and their
    conversion), taken at the cost of a lookup for a document whose meta and body are the very
    objects (``known``) or a file of equal bytes, while the mirror's fingerprint and names are those
    it had when ``made`` was emptied (``made_under``): a name that comes, goes or is written
    differently empties it, and the rows above decide again which pages hold it."""

    fingerprint: str = ""
    rows: dict = field(default_factory=render_store.SavedMemo)
    files: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # the mirror's names in this publish (``start``)
    settled: bool = False  # rows without a names digest are good for them when ``changed`` is not in the source
    changed: object = None  # a pattern of the names changed since the NAMES row, or None (none changed)
    key: str = ""  # the digest of ``names`` when they are not the NAMES row's, else ""
    made: dict = field(default_factory=dict)  # {"d:" path: (meta, body, converted)}, {"f:" path: (bytes, converted)}
    made_under: tuple = None  # (fingerprint, names) of ``made``: the mirror's in every publish since it was emptied
    urls: dict = field(default_factory=dict)  # {absolute URL: (percent-encoded, its bytes)} of the last QR codes
    beside: dict = field(default_factory=dict)  # {document path: (Document, [(QR code path, canonical URL)])}
    pruned: tuple = None  # (documents, files) of the last ``prune``

    def start(self, mirror):
        if (mirror.fingerprint, mirror.names) != self.made_under:
            self.made, self.made_under = {}, (mirror.fingerprint, dict(mirror.names))
        if mirror.fingerprint != self.fingerprint:
            self.fingerprint, self.files = mirror.fingerprint, {}
        self.names, self.changed, self.key = mirror.names, None, ""
        held = self.rows.get(NAMES)
        self.settled = (isinstance(held, tuple) and len(held) == 2 and held[0] == mirror.fingerprint
                        and isinstance(held[1], dict))
        if self.settled and held[1] == mirror.names:
            return
        if self.settled:
            self.changed = _any_of(hant_mirror.changed_names(held[1], mirror.names))
        self.key = hashlib.sha256(json.dumps(sorted(mirror.names.items()), ensure_ascii=False).encode()).hexdigest()

    def _reusable(self, row, sha, texts):
        """Whether ``row`` is good for a source of ``sha`` whose strings are ``texts()``."""
        if row is None or row[0] != self.fingerprint or row[1] != sha:
            return False
        if len(row) == 4:
            return row[3] == self.key
        return self.settled and (self.changed is None or not any(map(self.changed.search, texts())))

    def _row(self, sha, converted):
        """A row of a document's or file's conversion (a document's kept as ``Stored``)."""
        if isinstance(converted, tuple):
            converted = Stored(value=converted)
        return (self.fingerprint, sha, converted, self.key) if self.key else (self.fingerprint, sha, converted)

    def known(self, part):
        """({path: converted (meta, body)}, {path: (meta, body)} of the rest) of ``part`` ({path: (meta,
        body)}): converted are the documents whose meta and body are the very objects this process
        converted or reused there (``documents``) under the mirror's fingerprint and names of this
        publish, which the mirror has had ever since (``made_under``: a name come, gone or changed
        empties ``made``)."""
        found, rest, made = {}, {}, self.made
        for path, page in part.items():
            seen = made.get("d:" + path)
            if seen is not None and seen[0] is page[0] and seen[1] is page[1]:
                found[path] = seen[2]
            else:
                rest[path] = page
        return found, rest

    def documents(self, mirror, sources, *, processes=1):
        """{path: converted (meta, body)} of ``sources`` ([(path, meta, body, sha256 of its bytes)]):
        a row's while it is good for the source, else converted, the conversions shared out to up to
        ``processes`` forked processes when there are many (a full publish; ``shared_out``)."""
        found = self._documents(mirror, sources, processes)
        for path, meta, body, _sha in sources:
            self.made["d:" + path] = (meta, body, found[path])
        return found

    def _documents(self, mirror, sources, processes):
        found, todo = {}, []
        for path, meta, body, sha in sources:
            row = self.rows.get("d:" + path)
            if self._reusable(row, sha, lambda meta=meta, body=body: [body, *_strings(meta)]):
                found[path] = row[2]
            else:
                todo.append((path, meta, body, sha))
        made = shared_out(lambda source: mirror.convert_document(source[1], source[2]), todo, processes)
        for (path, _meta, _body, sha), value in zip(todo, made, strict=True):
            self.rows["d:" + path] = self._row(sha, value)
            found[path] = value
        return found

    def file(self, mirror, path, data, convert=None, words=None):
        """``data`` (a generated file's bytes) converted by ``convert`` (default ``mirror.convert_file``),
        or a row's while it is good for ``data``. ``words()``: the text the conversion reads when it
        is not ``data`` decoded (a QR code's drawing)."""
        key = "f:" + path
        seen = self.made.get(key)
        if seen is not None and (seen[0] is data or seen[0] == data):  # (``made``: converted under these names)
            self.files[path] = data
            return seen[1]
        row = self.rows.get(key)
        same = self.files.get(path) == data
        sha = row[1] if same and row is not None else write.sha256(data)
        if self._reusable(row, sha, words or (lambda: [data.decode("utf-8", "replace")])):
            converted = row[2]
        else:
            converted = (convert or mirror.convert_file)(path, data)
            self.rows[key] = self._row(sha, converted)
        self.files[path] = data
        self.made[key] = (data, converted)
        return converted

    def prune(self, documents, files):
        """Forget what is not among ``documents`` and ``files`` (paths) of this publish. Called once
        every document and file of the publish has been through ``documents`` or ``file``: each row
        kept is then good for the mirror's names, which the NAMES row takes. The same paths as the
        last prune's, with the NAMES row the mirror's names, leave nothing to do."""
        paths = (frozenset(documents), frozenset(files))
        if not self.key and paths == self.pruned:
            return
        self.pruned = paths
        self.rows.prune({"d:" + path for path in documents} | {"f:" + path for path in files} | {NAMES})
        for path in self.files.keys() - files:
            del self.files[path]
        kept = {"d:" + path for path in documents} | {"f:" + path for path in files}
        for key in self.made.keys() - kept:
            del self.made[key]
        if self.key:
            self.rows[NAMES] = (self.fingerprint, self.names)
            for path, row in self.rows.items():
                if len(row) == 4:
                    self.rows[path] = row[:3]
            self.settled, self.changed, self.key = True, None, ""


def _strings(value):
    """Every string in front matter (keys and values, at any depth)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _any_of(names):
    """A pattern that finds any of ``names`` in a text, or None without names."""
    return trie_pattern(sorted(names)) if names else None


PER_PROCESS = 200
"""A conversion is shared out only when each process gets this many documents or more: a fork and its
copy-on-write faults cost more than converting a few (an approval converts one or two, in this process)."""


def shared_out(function, items, processes):
    """``[function(item) for item in items]`` in up to ``processes`` processes (forks.map, at least
    ``PER_PROCESS`` items a process). A forked process that fails or dies fails the export (ExportError)."""
    try:
        return forks.map(function, items, processes, per_process=PER_PROCESS)
    except forks.ForkFailed as error:
        raise ExportError(f"繁体站转换失败：{error}") from None


MEMOS = {"converted": "hant", "written": "written-hant", "records": "records-hant"}
"""The mirror's memos in a PublishState (``state.mirror``) and their kinds in the render cache file."""


def _memo(state):
    """What a worker keeps of the mirror between publishes, in its PublishState (``state.mirror``):
    what it wrote into content-hant/ (``written``), the mirror's search record digests (``records``,
    as state.records for the Simplified site) and the converted documents and files (``converted``),
    each at first what the last worker saved (``state.stored``, by kind: MEMOS)."""
    if not state.mirror:
        state.mirror.update(written=write.WrittenFiles(), records=render_store.SavedMemo(), converted=Converted())
        for name, kind in MEMOS.items():
            saved = getattr(state.mirror[name], "rows", state.mirror[name])
            saved.restore(state.stored.pop(kind, {}))
    return state.mirror


def restore(state):
    """Take the mirror's memos from what the last worker saved (``state.stored``) now, not at the first
    export: at a worker's start (PublishState.restore), where what it wrote into content-hant/ is
    checked against the disk as it is read back (write.WrittenRows)."""
    _memo(state)


def saved_memos(state):
    """{kind: SavedMemo, or None (the mirror is off: its rows go)} of the mirror, for PublishState.save."""
    if not state.mirror:
        return dict.fromkeys(MEMOS.values())
    return {kind: getattr(state.mirror[name], "rows", state.mirror[name]) for name, kind in MEMOS.items()}


def content_dir_of(content_dir):
    """``content/`` → ``content-hant/`` (beside it)."""
    content_dir = Path(content_dir)
    return content_dir.with_name(content_dir.name + "-hant")


def export(mirror, content_dir, documents, generated, assets, *, site, state, progress=None):
    """Write the mirror's documents into ``content-hant/``; returns write.Written."""
    progress = progress or (lambda stage, done=None, total=None: None)
    memo = _memo(state)
    converted = memo["converted"]
    converted.start(mirror)
    sha = state.written.sha  # the Simplified documents' sha256, taken as content/ was written
    target = content_dir_of(content_dir)
    keys = {}  # {path: what determines its converted document's bytes (write.WrittenFiles.serialised)}
    under = hashlib.sha256(json.dumps([str(target.resolve()), mirror.fingerprint, sorted(mirror.names.items())],
                                      ensure_ascii=False).encode()).digest()

    def sources(part):
        found = [(path, meta, body, sha(path, meta, body) or write.sha256(write.serialise(meta, body)))
                 for path, (meta, body) in part.items()]
        for path, _meta, _body, digest in found:
            keys[path] = hashlib.sha256(b"hant\0" + under + digest.encode()).digest()[:16]
        return found

    def convert(part, processes=1):
        found, rest = converted.known(part)
        found.update(converted.documents(mirror, sources(rest), processes=processes))
        return found

    progress("export", 0, len(generated.pages) + len(generated.listings))
    pages = convert(generated.pages, settings.KEPU_BUILD_PROCESSES)
    listings = convert(generated.listings)
    pages = {path: pages[path] for path in generated.pages}  # (the Simplified order)
    listings = {path: listings[path] for path in generated.listings}
    made = generate.site_files(documents, generated.listings, site_name=site.site_name, tree=generated.tree,
                               base_url=mirror.base_url(site.base_url), description=site.description)
    files = {path: converted.file(mirror, path, data) for path, data in made.items()}
    codes = qr_codes(mirror, documents, generated.listings, site, converted)
    converted.prune(pages.keys() | listings.keys(), files.keys() | codes.keys())
    attachments = {**(generated.attachments or {}), **codes}
    out = generate.Generated(pages, listings, files, generated.nav, attachments)
    source = Path(content_dir)
    linked = {path: (lambda target, path=path: _link(source / path, target)) for path in assets}
    return write.write(target, documents, out, linked, memo["written"], keys=keys)


def qr_codes(mirror, documents, listings, site, converted):
    """{path: bytes}: the QR code beside each page that has one (render.QR_NAME) and beside each
    generated page (tags, library, 更正记录), of the mirror's URL.

    The QR function's drawing holds the URL (percent-encoded: no Han character, so no name) and words
    of its own that do not depend on the URL: the names in a code's drawing are those in a drawing of
    the mirror's base URL, made once when a name has changed (``Converted.file``'s ``words``)."""
    make = render.qr_maker()
    if make is None:
        return {}
    base = mirror.base_url(site.base_url).rstrip("/")
    beside, known, found = [], converted.beside, {}
    for key, document in documents.items():  # (a Document is not changed once rendered)
        seen = known.get(key)
        if seen is None or seen[0] is not document:
            seen = (document, [(path, document.meta["canonical"]) for path in document.attachments
                               if posixpath.basename(path) == render.QR_NAME])
        found[key] = seen
        beside += seen[1]
    converted.beside = found
    beside += [(paths.attachment_path(path, render.QR_NAME), meta["canonical"])
               for path, (meta, _body) in listings.items() if meta.get("qr_code")]
    drawn = []

    def words(url):
        if not drawn:
            drawn.append(make(base + "/"))
        return [url, drawn[0]]

    codes, urls, quoted, made = {}, converted.urls, {}, converted.made
    for path, canonical in beside:
        absolute = base + canonical
        url = urls.get(absolute)
        if url is None:
            url = quote(absolute, safe=":/?&=#%")
            url = (url, url.encode())
        quoted[absolute] = url
        seen = made.get("f:" + path)
        if seen is not None and seen[0] is url[1]:  # (``Converted.file`` of the very bytes it converted there)
            codes[path] = seen[1]
            continue
        codes[path] = converted.file(mirror, path, url[1],
                                     lambda _path, url: mirror.convert_svg(make(url.decode())).encode("utf-8"),
                                     words=lambda url=url[0]: words(url))
    converted.urls = quoted
    return codes


def _link(source, target):
    fsutil.make_dir(Path(target).parent, exist_ok=True)
    os.link(source, target)


def forget(content_dir, state):
    """The mirror is off: no content-hant/ and nothing remembered."""
    shutil.rmtree(content_dir_of(content_dir), ignore_errors=True)
    state.mirror.clear()


def config(mirror, *, site, content_dir, site_dir, nav):
    """The mirror's mkdocs.yml (a dict): into ``<site_dir>/<prefix>/``, the Traditional texts."""
    return build.mkdocs_config(site=site, content_dir=content_dir_of(content_dir).resolve(),
                               site_dir=Path(site_dir) / mirror.folder, nav=nav, mirror=mirror, hant=True)


def manifest_of(mirror, written, config):
    """The mirror's part of a build's manifest. Its ``inputs``: the Simplified build's kinds (the
    config holds the mirror's texts as converted: nav titles, site name …), the mirror's fingerprint,
    and the protected names found in the theme's templates (``template_names``), which its build
    reads through ``mirror.text``: a name that comes or goes elsewhere leaves the build incremental."""
    inputs = manifest.inputs(config, themes_dir=settings.KEPU_THEMES_DIR, plugin=build.PLUGIN)
    inputs["fingerprint"] = mirror.fingerprint
    inputs["names"] = template_names(mirror)
    return {**written.manifest, "prefix": mirror.folder, "host": mirror.host, "language": mirror.language,
            "inputs": inputs}


def template_names(mirror):
    """[[name, form]] of the mirror's names found in the templates its build converts (Kepu's theme,
    Material's templates but its icons, SVG path data, and its assets, copied and not converted),
    sorted: a name found inside another counts too."""
    if not mirror.names:
        return []
    import material

    roots = {Path(settings.KEPU_THEMES_DIR): set(),
             Path(material.__file__).parent / "templates": {".icons", "assets", "__pycache__"}}
    starts = re.compile("[" + "".join(re.escape(char) for char in sorted({name[0] for name in mirror.names})) + "]")
    names, found = trie_pattern(mirror.names), set()
    for root, skip in roots.items():
        for folder, folders, files in os.walk(root):
            if folder == str(root):
                folders[:] = [name for name in folders if name not in skip]
            for file in files:
                text = Path(folder, file).read_text("utf-8", "replace")
                for start in starts.finditer(text):  # each place a name may start, overlapping ones too
                    longest = names.match(text, start.start())
                    if longest:
                        found.update(longest[0][:end] for end in range(1, len(longest[0]) + 1)
                                     if longest[0][:end] in mirror.names)
    return [[name, mirror.names[name]] for name in sorted(found)]


def build_job(mirror, stage, config, *, live, new, incremental, keep_live_index):
    """The mirror's build into ``<stage>/site/<prefix>/``, as a build.Job for build.run_jobs (which may
    run it beside the Simplified build, in a forked process).

    ``incremental``: the Simplified build is; the mirror's is too when its own inputs are the live
    build's. ``keep_live_index``: the pages go live first with the live index (pipeline.py). A full
    build of the mirror is made in ``<stage>/site-mirror/`` and moved into place once both builds are
    done (``after``): a full Simplified build empties ``<stage>/site/`` as it starts."""
    previous = (live.manifest.get("mirror") if live else None) or {}
    dirty = incremental and previous.get("inputs") == new["mirror"]["inputs"]
    target = Path(config["site_dir"])
    if not dirty and target.exists():
        shutil.rmtree(target)  # linked from the live build: the mirror is built again in full
    built = target if dirty else Path(stage) / "site-mirror"
    config_file = stage / "mkdocs-hant.yml"
    build.write_config(config_file, {**config, "site_dir": str(built)})

    def after():
        if built != target:
            fsutil.make_dir(target.parent, exist_ok=True)
            os.rename(built, target)
        if keep_live_index and live is not None and built != target:  # (a dirty build's is the live one's)
            search.mirror(live.dir / "site" / mirror.folder / search.SEARCH_DIR, target / search.SEARCH_DIR)

    return build.Job(config_file, dirty=dirty, text=mirror.text, after=after, sources=build.sources_of(new["mirror"]),
                     template_cache=Path(settings.KEPU_BUILDS_DIR) / ".template-cache-hant",
                     missing=build.missing_of(previous, new["mirror"]) if dirty else None)


def build_index(site_dir, content_dir, new, *, state, live=None, progress=None):
    """The mirror's search index under ``<site_dir>/<prefix>/search/`` (its pages, from content-hant/)."""
    part = new.get("mirror")
    if not part:
        return None
    previous = live.dir / "site" / part["prefix"] / search.SEARCH_DIR if live is not None else None
    return search.build_index(Path(site_dir) / part["prefix"], content_dir_of(content_dir), part, progress=progress,
                              previous=previous, digests=_memo(state)["records"], cache_dir=_records_dir())


def _records_dir():
    return Path(settings.KEPU_BUILDS_DIR).parent / "search-cache-hant"
