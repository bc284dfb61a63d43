"""The Traditional-script mirror (繁体站) in the publish step: written, built and indexed beside the
Simplified site, in the same publish and the same build folder (docs/traditional-mirror.md).

- **Export**: the Simplified site's generated pages and listings converted with the mirror
  (``Mirror.convert_document``), its feeds and sitemap made again for the mirror's base URL and
  converted (``convert_file``), written by ``write.write`` into a content folder of its own
  (``content-hant/`` beside ``content/``). Images and documents are hard links to ``content/``'s
  (exported once); the QR codes beside pages are made again for the mirror's URLs. A converted
  document is reused while its Simplified source and the mirror's
  fingerprint are unchanged (``Converted``), also by a new worker (saved with the render cache).
- **Build**: MkDocs with the mirror's config (``build.mkdocs_config(..., hant=True)``) into
  ``<stage>/site/<prefix>/`` (with a host of its own ``<stage>/site/_zh-hant/``, that host's web root:
  ``Mirror.folder``), so verification and the swap cover both sites at once. A change of
  the fingerprint (a word pair, a name, the profile) or of the build inputs rebuilds the mirror in
  full (its manifest's ``inputs``); otherwise it is as incremental as the Simplified build.
- **Search**: its own index under ``<prefix>/search/`` from ``content-hant/``.

The manifest of a build holds the mirror's as ``manifest["mirror"]`` (prefix, fingerprint, inputs,
and its pages, generated files and attachments like the Simplified site's).
"""

import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from cms.sitesearch import index as search

from . import build, forks, fsutil, generate, manifest, paths, render, render_store, write
from .errors import ExportError


@dataclass
class Converted:
    """Converted documents and files, reused while their source and the mirror's fingerprint are the same.

    ``rows``: {"d:" or "f:" + path: (fingerprint, the source's sha256, converted)} (a document's
    converted (meta, body), a file's bytes), saved with the render cache (render_store.SavedMemo,
    memo "hant"): a row is reused, by this worker or a new one, when the fingerprint and its source's
    sha256 still match. A document's sha256 is the one the Simplified write took of its bytes
    (WrittenFiles.sha: no hashing, no comparing); ``files``: the sources of the files converted by
    this process ({path: bytes}), compared first (by equality: no hashing)."""

    fingerprint: str = ""
    rows: dict = field(default_factory=render_store.SavedMemo)
    files: dict = field(default_factory=dict)

    def start(self, mirror):
        if mirror.fingerprint != self.fingerprint:
            self.fingerprint, self.files = mirror.fingerprint, {}

    def documents(self, mirror, sources, *, processes=1):
        """{path: converted (meta, body)} of ``sources`` ([(path, meta, body, sha256 of its bytes)]):
        a row's while its sha256 is the source's, else converted, the conversions shared out to up to
        ``processes`` forked processes when there are many (a full publish; ``shared_out``)."""
        found, todo = {}, []
        for path, meta, body, sha in sources:
            row = self.rows.get("d:" + path)
            if row is not None and row[0] == self.fingerprint and row[1] == sha:
                found[path] = row[2]
            else:
                todo.append((path, meta, body, sha))
        made = shared_out(lambda source: mirror.convert_document(source[1], source[2]), todo, processes)
        for (path, _meta, _body, sha), value in zip(todo, made, strict=True):
            self.rows["d:" + path] = (self.fingerprint, sha, value)
            found[path] = value
        return found

    def file(self, mirror, path, data, convert=None):
        key = "f:" + path
        row = self.rows.get(key)
        if row is not None and row[0] == self.fingerprint and (self.files.get(path) == data
                                                                or row[1] == write.sha256(data)):
            converted = row[2]
        else:
            converted = (convert or mirror.convert_file)(path, data)
            self.rows[key] = (self.fingerprint, write.sha256(data), converted)
        self.files[path] = data
        return converted

    def prune(self, documents, files):
        """Forget what is not among ``documents`` and ``files`` (paths) of this publish."""
        self.rows.prune({"d:" + path for path in documents} | {"f:" + path for path in files})
        for path in self.files.keys() - files:
            del self.files[path]


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

    def sources(part):
        return [(path, meta, body, sha(path, meta, body) or write.sha256(write.serialise(meta, body)))
                for path, (meta, body) in part.items()]

    progress("export", 0, len(generated.pages) + len(generated.listings))
    pages = converted.documents(mirror, sources(generated.pages), processes=settings.KEPU_BUILD_PROCESSES)
    listings = converted.documents(mirror, sources(generated.listings))
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
    return write.write(content_dir_of(content_dir), documents, out, linked, memo["written"])


def qr_codes(mirror, documents, listings, site, converted):
    """{path: bytes}: the QR code beside each page that has one (render.QR_NAME) and beside each
    generated page (tags, library, 更正记录), of the mirror's URL."""
    make = render.qr_maker()
    if make is None:
        return {}
    base = mirror.base_url(site.base_url).rstrip("/")
    beside = [(path, document.meta["canonical"]) for document in documents.values()
              for path in document.attachments if posixpath.basename(path) == render.QR_NAME]
    beside += [(paths.attachment_path(path, render.QR_NAME), meta["canonical"])
               for path, (meta, _body) in listings.items() if meta.get("qr_code")]
    return {path: converted.file(mirror, path, quote(base + canonical, safe=":/?&=#%").encode(),
                                 lambda _path, url: mirror.convert_svg(make(url.decode())).encode("utf-8"))
            for path, canonical in beside}


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
    """The mirror's part of a build's manifest."""
    inputs = manifest.inputs(config, themes_dir=settings.KEPU_THEMES_DIR, plugin=build.PLUGIN)
    inputs["fingerprint"] = mirror.fingerprint
    return {**written.manifest, "prefix": mirror.folder, "host": mirror.host, "language": mirror.language,
            "inputs": inputs}


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
        if keep_live_index and live is not None:
            search.mirror(live.dir / "site" / mirror.folder / search.SEARCH_DIR, target / search.SEARCH_DIR)

    return build.Job(config_file, dirty=dirty, text=mirror.text, after=after, sources=build.sources_of(new["mirror"]),
                     template_cache=Path(settings.KEPU_BUILDS_DIR) / ".template-cache-hant")


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
