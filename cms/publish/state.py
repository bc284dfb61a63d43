"""What a publish worker keeps between publishes, in one place, with one way to forget it.

Every step takes the piece of state it needs as an argument; ``PublishState`` (the process's:
``current()``) holds all of it. A new process starts with the render cache the last one saved on
disk (render_store.py, checked before use), and serialises and verifies everything once
(bench/README, "Measurements").

The other module-level mutable objects of cms/publish and cms/sitesearch are not worker state: no
publish's result depends on what an earlier one left in them.

- Memos of pure functions (the same argument, the same result): paths.canonical_of and
  paths.safe_name, render._group_name (a page type's name in a language), sitesearch.index._path_hash
  (a document path's shard hash), sitesearch.terms.pinyin_terms, sitesearch.normalise.t2s_table and
  its translation table, sitesearch.termcache.rule, hant.profiles.opencc_converter. ``forget`` empties
  those of paths and render, which only frees memory.
- Memos of files, keyed by what they read: mkdocs_plugin.plugin._fingerprint (a theme asset's
  path and mtime); theme_scripts._inline_sources (the inline scripts of the theme folders' templates,
  keyed by the folders' names: read once per process, a template edited later is not read again).
- swap._DELETER: the thread deleting the folders of retired builds (swap.wait_deleted).
"""

import gc
from dataclasses import dataclass, field

from . import generate, mirror_site, paths, render, render_store, swap
from .render import RenderCache
from .render_store import SavedMemo
from .scan_store import ScanStore
from .write import WrittenFiles


@dataclass
class PublishState:
    renders: RenderCache = field(default_factory=RenderCache)  # documents rendered, and what from
    written: WrittenFiles = field(default_factory=WrittenFiles)  # what was last serialised where
    finished: generate.Finished = field(default_factory=generate.Finished)  # the pages generate made last
    records: SavedMemo = field(default_factory=SavedMemo)  # document sha256 → search record digest (sitesearch)
    scans: ScanStore = field(default_factory=ScanStore)  # the last build's verification scans
    mirror: dict = field(default_factory=dict)  # the Traditional mirror's memos (mirror_site._memo)
    qr: render.QRCodes = field(default_factory=render.QRCodes)  # the generated pages' QR codes
    restored: bool = False  # the render cache saved on disk was read (or, after forget(), is not to be)
    rewrite: bool = False  # the next save replaces the file's rows with what is held (after forget())
    stored: dict = field(default_factory=dict)  # memos read from disk not yet taken by their owners {kind: rows}

    def memos(self):
        """{kind: SavedMemo, or None (rows of that kind are to go)}: what is saved beside the documents."""
        return {"qr": self.qr.codes, "written": self.written.rows, "records": self.records,
                "finished": self.finished.saved, "queries": self.renders.queries, **mirror_site.saved_memos(self)}

    def restore(self):
        """Once: take what the last worker saved (render_store), before the first plan. Each document
        is an entry like one rendered here, reused only if the plan's checks find nothing changed, its
        page's own fields included (render.RenderCache.check_restored); each memo row is checked by its
        owner when used (write.WrittenFiles, mirror_site.Converted, generate.Finished). Read with the
        cyclic garbage collector paused, then frozen out of its way."""
        if self.restored:
            return
        self.restored = True
        with render_store.collector_paused():  # (frozen before it runs again: it never walks what was read)
            entries, self.stored = render_store.load()
            self.renders.restore(entries)
            self.renders.queries.restore(self.stored.pop("queries", {}))
            self.qr.restore(self.stored.pop("qr", {}))
            self.finished.restore(self.stored.pop("finished", {}),
                                  shared={entry.key[0]: entry for entry in self.renders.entries.values()})
            self.written.rows.restore(self.stored.pop("written", {}))
            self.records.restore({key: value for key, value in self.stored.pop("records", {}).items()
                                  if isinstance(value, str)})
            mirror_site.restore(self)  # (the mirror off: its first export forgets them)
            gc.freeze()  # what was read lives long: out of the cyclic collector's full passes (as settle())

    def prepare(self):
        """What a worker reads once at its start, before its first job (db_worker): ``restore``, and the
        live build's verification scans (scan_store.ScanStore; each serves only the very file it was read
        from), which its first incremental publish starts from. Not for a one-off publish (the
        ``publish_site`` command), which may verify nothing or everything."""
        self.restore()
        live = swap.live_build()
        if live is not None:
            with render_store.collector_paused():
                self.scans.get(swap.builds_dir() / live)
                gc.freeze()

    def save(self, *, more=False):
        """After a swap: write the documents rendered and the memo rows changed since the last save,
        and delete those of what the site no longer has (pruned by their owners as they publish).
        ``more``: a further save of the same publish (render_store.save)."""
        self.qr.prune()
        memos = self.memos()

        def take(everything):
            return self.renders.entries.take_unsaved(everything), {
                kind: memo.take_unsaved(everything) if memo is not None else None for kind, memo in memos.items()}

        render_store.save(take, replace=self.rewrite, more=more)
        self.rewrite = False
        self.stored = {}

    def check_content_next(self):
        """content/ (and the mirror's content-hant/) may not be as the last write left them (a publish
        failed or was killed): the next write of each checks every file (write.WrittenFiles.check_next)."""
        self.written.check_next()
        if self.mirror:
            self.mirror["written"].check_next()

    def forget(self):
        """Drop everything: the next publish renders, serialises and verifies every page again (and
        does not read the render cache on disk, which its save then rewrites)."""
        self.restored = self.rewrite = True
        self.stored = {}
        self.renders.clear()
        self.written.clear()
        self.finished.clear()
        self.records.clear()
        self.scans.clear()
        self.mirror.clear()
        self.qr.clear()
        paths.forget()
        render.forget()
        gc.unfreeze()

    def settle(self):
        """After a publish: what is kept is large and lives long. Collect once, then freeze it out of
        the cyclic garbage collector's way (its full passes over it would cost every publish)."""
        gc.collect()
        gc.freeze()


_CURRENT = PublishState()


def current():
    """This process's state."""
    return _CURRENT
