"""What a publish worker keeps between publishes, in one place, with one way to forget it.

Every step takes the piece of state it needs as an argument; this is the only module-level
mutable object in cms/publish. A new process starts with nothing and renders, serialises and
verifies everything once (bench/README, "Measurements").
"""

import gc
from dataclasses import dataclass, field

from . import paths, render
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

    def forget(self):
        """Drop everything: the next publish renders, serialises and verifies every page again."""
        self.renders.clear()
        self.written.clear()
        self.records.clear()
        self.scans.clear()
        self.mirror.clear()
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
