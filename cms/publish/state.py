"""What a publish worker keeps between publishes, in one place, with one way to forget it.

Every step takes the piece of state it needs as an argument; this is the only module-level
mutable object in cms/publish. A new process starts with the render cache the last one saved on
disk (render_store.py, checked before use), and serialises and verifies everything once
(bench/README, "Measurements").
"""

import gc
from dataclasses import dataclass, field

from . import paths, render, render_store
from .render import RenderCache
from .verify import ScanStore
from .write import WrittenFiles


@dataclass
class PublishState:
    renders: RenderCache = field(default_factory=RenderCache)  # documents rendered, and what from
    written: WrittenFiles = field(default_factory=WrittenFiles)  # what was last serialised where
    records: dict = field(default_factory=dict)  # document sha256 → search record digest
    scans: ScanStore = field(default_factory=ScanStore)  # the last build's verification scans
    mirror: dict = field(default_factory=dict)  # the Traditional mirror's memo (mirror_site._memo)
    qr: render.QRCodes = field(default_factory=render.QRCodes)  # the generated pages' QR codes
    restored: bool = False  # the render cache saved on disk was read (or, after forget(), is not to be)
    stored: dict = field(default_factory=dict)  # other memos read from disk, {kind: {key: value}}, for their owners

    def restore(self):
        """Once: take the documents the last worker saved (render_store), before the first plan. Each
        is an entry like one rendered here, reused only if the plan's checks find nothing changed, its
        page's own fields included (render.RenderCache.check_restored)."""
        if not self.restored:
            self.restored = True
            entries, self.stored = render_store.load()
            self.renders.restore(entries)
            self.qr.restore(self.stored.pop("qr", {}))

    def save(self):
        """After a swap: write what was rendered, the mirror's memo rows converted and the QR codes drawn,
        since the last save."""
        converted = self.mirror.get("converted")  # (mirror_site.Converted)
        memos = {"qr": self.qr.take_unsaved(), **({"hant": converted.unsaved_rows()} if converted else {})}
        render_store.save(self.renders.entries, set(self.renders.changed), memos)
        self.renders.changed.clear()

    def forget(self):
        """Drop everything: the next publish renders, serialises and verifies every page again (and
        does not read the render cache on disk, which its save then rewrites)."""
        self.restored = True
        self.stored = {}
        self.renders.clear()
        self.written.clear()
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
