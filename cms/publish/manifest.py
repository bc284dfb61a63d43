"""The manifest: every exported page's path, page id, live revision id and content hash.

content/.manifest.json says what content/ holds; each build keeps a copy of the manifest it was
built from (builds/<id>/manifest.json), which is what verification and change summaries use.
"""

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from . import fsutil
from .paths import output_path


class Section(dict):
    """A part of a manifest as ``make`` makes it ({path: entry}): never changed once made (changing
    it raises TypeError; its entries are not changed either), so its JSON text is made once however
    many manifests hold it (``dumps``: a publish writes content/'s manifest and the build's, which
    share their sections), and a section made after it (``make``'s ``previous``) takes the text of
    each entry it shares with it (the very entry object) instead of encoding it again: when both
    have the same keys and the new one says which entries it does not share (``changed``), only
    those are looked at. ``sources``: {path: Document} the page entries were made of (``make``)."""

    __slots__ = ("_text", "_parts", "_before", "_changed", "sources")

    def __init__(self, *args, before=None, changed=None, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._text, self._parts, self._before, self._changed, self.sources = None, None, before, changed, sources

    def _frozen(self, *args, **kwargs):
        raise TypeError("a manifest section is not changed once made")

    __setitem__ = __delitem__ = __ior__ = pop = popitem = clear = update = setdefault = _frozen

    def __reduce__(self):
        return Section, (dict(self),)

    def text(self):
        """Its JSON text, as ``json.dumps(self, ensure_ascii=False, sort_keys=True)`` gives it."""
        return self.data().decode()

    def data(self):
        """Its JSON text (``text``) in UTF-8."""
        if self._text is None:
            self._text = ("{" + ", ".join(self.parts().values()) + "}").encode()
        return self._text

    def parts(self):
        """{key: its entry's text, ``"key": entry`` as json.dumps writes it in the section}, keys sorted."""
        if self._parts is None:
            before = self._before
            old = before.parts() if before is not None and before._parts is not None else {}
            if old and self._changed is not None and len(old) == len(self) and old.keys() == self.keys():
                self._parts = dict(old)  # (the same keys, sorted as they are)
                for key in self._changed:
                    self._parts[key] = _part(key, self[key])
            else:
                self._parts = {}
                for key in sorted(self):
                    value = self[key]
                    if key in old and before[key] is value:
                        self._parts[key] = old[key]
                    else:
                        self._parts[key] = _part(key, value)
            self._before = self._changed = None
        return self._parts


SECTIONS = ("pages", "generated", "attachments")
"""A manifest's Sections (``make``)."""


def _encode(value):
    # No indent: with one, json falls back from its C encoder to Python (bench/README, "Measurements").
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_string = json.encoder.encode_basestring  # (json's own: ``_encode`` of a str, not ASCII-escaped)
_LITERALS = {True: "true", False: "false", None: "null"}


def _part(key, value):
    """``"key": value`` as ``_encode`` writes a key and its value in a dict, made without json's encoder
    for an entry of a section (a dict of str keys whose values are str, int, true, false or null):
    json.dumps's call costs more than the entry's few items (a new worker's first manifest encodes
    every entry)."""
    if type(key) is not str or type(value) is not dict:
        return f"{_encode(key)}: {_encode(value)}"
    items = []
    for name in sorted(value):
        item = value[name]
        kind = type(item)
        if type(name) is not str:
            return f"{_encode(key)}: {_encode(value)}"
        if kind is str:
            items.append(f"{_string(name)}: {_string(item)}")
        elif kind is int:
            items.append(f"{_string(name)}: {int.__repr__(item)}")
        elif item is True or item is False or item is None:
            items.append(f"{_string(name)}: {_LITERALS[item]}")
        else:
            return f"{_encode(key)}: {_encode(value)}"
    return f"{_string(key)}: {{{', '.join(items)}}}"


def _bytes(value):
    """``_encode(value)`` in UTF-8, each Section in it (as a value of a dict, at any depth of dicts)
    encoded once (``Section.data``)."""
    if isinstance(value, Section):
        return value.data()
    if type(value) is dict and all(type(key) is str for key in value):
        return b"{" + b", ".join(_encode(key).encode() + b": " + _bytes(value[key]) for key in sorted(value)) + b"}"
    return _encode(value).encode()


def dumps(manifest):
    """A manifest's bytes: JSON, keys sorted, not ASCII-escaped, one line and a newline."""
    return b"".join((_bytes(manifest), b"\n"))


def write_manifest(path, manifest):
    data = dumps(manifest)
    path = Path(path)
    try:
        same = os.lstat(path).st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        same = False
    if not same or path.is_symlink():
        fsutil.atomic_write(path, data)


def make(documents, *, pages, generated, assets, nav, attachments=None, previous=None):
    """The manifest of what content/ holds: ``pages``, ``generated`` and ``attachments`` (files
    beside documents) are {path: sha256}, ``documents``
    {path: Document} (for the page and revision ids), ``assets`` the asset paths, ``nav`` the navigation.
    Its pages, generated files and attachments are Sections (not changed once made). ``previous``:
    {name: Section} of an earlier manifest of the same folder (SECTIONS), whose entries equal to
    this one's are taken as they are (the very objects, and their text when it was made); a page
    entry of the same sha256 made of the very Document at that path is taken without being made
    again (a Document is not changed once rendered)."""
    previous = previous or {}
    return {
        "version": 1,
        "pages": _pages_section(previous.get("pages"), documents, pages),
        "generated": _digest_section(previous.get("generated"), generated),
        "attachments": _digest_section(previous.get("attachments"), attachments or {}),
        "assets": sorted(assets),
        "nav": nav,
    }


def _pages_section(before, documents, pages):
    """The pages' Section: {path: _page_entry} of ``pages`` ({path: sha256}) and ``documents``."""
    made_of = {path: documents[path] for path in sorted(pages)}
    if before is None:
        return Section(((path, _page_entry(document, pages[path])) for path, document in made_of.items()),
                       sources=made_of)
    sources, changed, made = before.sources or {}, [], {}
    for path, document in made_of.items():
        digest, old = pages[path], before.get(path)
        if old is not None and old["sha256"] == digest and (
                sources.get(path) is document or _same_entry(old, document)):
            made[path] = old
        else:
            made[path] = _page_entry(document, digest)
            changed.append(path)
    return _section(before, made, changed, made_of)


def _same_entry(entry, document):
    """Whether ``entry`` is what ``_page_entry`` makes of ``document`` (its sha256 aside)."""
    return (entry["page"] == document.page_id and entry["revision"] == document.revision_id
            and entry.get("valid_until") == (document.valid_until or None)
            and ("noindex" in entry) == bool(document.meta.get("retracted")) and len(entry) == 3 + (
                "valid_until" in entry) + ("noindex" in entry))


def _digest_section(before, digests):
    """A Section of {path: {"sha256": digest}} of ``digests``, entries of the same sha256 taken from ``before``."""
    if before is None:
        return Section((path, {"sha256": digests[path]}) for path in sorted(digests))
    changed, made = [], {}
    for path in sorted(digests):
        old, digest = before.get(path), digests[path]
        if old is not None and old["sha256"] == digest:
            made[path] = old
        else:
            made[path] = {"sha256": digest}
            changed.append(path)
    return _section(before, made, changed)


def _section(before, made, changed, sources=None):
    """``before`` itself when ``made`` holds its very entries (none ``changed``), else a Section of
    ``made`` that takes the text of the entries it shares with ``before``."""
    if not changed and len(made) == len(before):
        if sources is not None:
            before.sources = sources  # (the same entries, of these Documents)
        return before
    return Section(made, before=before if before._parts is not None else None,  # (no chain of sections)
                   changed=changed, sources=sources)


def _page_entry(document, digest):
    entry = {"page": document.page_id, "revision": document.revision_id, "sha256": digest}
    if document.valid_until:
        entry["valid_until"] = document.valid_until
    if document.meta.get("retracted"):
        entry["noindex"] = True  # (a tombstone: no search finds it; pipeline.publish drops it from the index at once)
    return entry


def search_pages(manifest):
    """The document paths a build's search index holds (sorted): its pages, or, for a build that kept
    an earlier build's index while its own followed (``search_pending``), that index's pages
    (``search_pages``); None when a pending build does not say (made before builds said so). The
    Traditional mirror's part (``manifest["mirror"]``) the same way, under the build's ``search_pending``."""
    if not manifest.get("search_pending"):
        return sorted(manifest.get("pages", {}))
    return manifest.get("search_pages")


def keeping_index(new, live):
    """The manifest of a build of ``new`` that goes live with the live build's search index (``live``:
    its manifest), its own index following in a second build: ``new`` saying ``search_pending``,
    which pages the kept index holds (``search_pages``, the mirror's in ``mirror``) and how many
    publishes' pages have gone live since it was built, this one's included (``search_behind``).
    None when that is not known (see ``search_pages``): then the build makes its index before it
    goes live."""
    pages = search_pages(live)
    if pages is None:
        return None
    behind = (live.get("search_behind", 1) if live.get("search_pending") else 0) + 1
    kept = {**new, "search_pending": True, "search_pages": pages, "search_behind": behind}
    if new.get("mirror"):
        before = live.get("mirror")
        mirror_pages = search_pages({**before, "search_pending": live.get("search_pending")}) if before else None
        if mirror_pages is None:
            return None
        kept["mirror"] = {**new["mirror"], "search_pages": mirror_pages}
    return kept


KEPT_INDEX = ("search_pending", "search_pages", "search_behind")  # what keeping_index adds


def with_own_index(manifest):
    """A manifest without what ``keeping_index`` added: that of the same build once its own index is built."""
    own = {key: value for key, value in manifest.items() if key not in KEPT_INDEX}
    if own.get("mirror"):
        own["mirror"] = {key: value for key, value in own["mirror"].items() if key != "search_pages"}
    return own


def holds(folder, pages):
    """Whether ``folder`` (content/) holds each of ``pages`` ({path: entry}) as its entry's sha256 says."""
    for path, entry in pages.items():
        try:
            data = (Path(folder) / path).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return False
    return True


def next_expiry(manifest):
    """The earliest ``valid_until`` among a manifest's pages (an aware datetime), or None."""
    moments = [datetime.fromisoformat(entry["valid_until"])
               for entry in (manifest or {}).get("pages", {}).values() if entry.get("valid_until")]
    return min(moments, default=None)


def _sources_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(Path(folder).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs(config, *, themes_dir, plugin):
    """What else a build depends on besides content/: theme files, the build config (``config``, the
    mkdocs.yml dict), Kepu's MkDocs plugin (``plugin``: its folder), tool versions."""
    neutral = {k: v for k, v in config.items() if k not in ("site_dir", "docs_dir")}
    return {
        "themes": fsutil.tree_digest(themes_dir),
        "config": hashlib.sha256(json.dumps(neutral, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
        "plugin": _sources_digest(plugin),
        "versions": {name: version(name) for name in ("mkdocs", "mkdocs-material", "markdownify")},
    }


def read_manifest(path):
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return None


@dataclass
class Changes:
    added: list
    changed: list
    removed: list

    @property
    def count(self):
        return len(self.added) + len(self.changed) + len(self.removed)

    def as_dict(self):
        return {"added": self.added, "changed": self.changed, "removed": self.removed}


def diff(old, new):
    """Pages added, changed and removed between two manifests (by document path)."""
    old_pages = (old or {}).get("pages", {})
    new_pages = new.get("pages", {})
    return Changes(
        added=sorted(set(new_pages) - set(old_pages)),
        changed=sorted(p for p in set(new_pages) & set(old_pages) if new_pages[p]["sha256"] != old_pages[p]["sha256"]),
        removed=sorted(set(old_pages) - set(new_pages)),
    )


def stale_outputs(old, new):
    """Outputs of the build made from ``old`` that a build of ``new`` must not keep as they are:
    those of documents removed or changed, and assets no longer used; the same for the Traditional
    mirror (``manifest["mirror"]``, below its prefix). Turning the mirror on or off or moving it
    changes the Simplified build's inputs (hreflang, the language switch): a full build."""
    stale = _stale(old, new)
    before, after = old.get("mirror"), new.get("mirror")
    if before and after and after["prefix"] == before["prefix"]:
        stale += [f"{before['prefix']}/{path}" for path in _stale(before, after)]
    return sorted(stale)


def _stale(old, new):
    stale = []
    for section in ("pages", "generated", "attachments"):
        before, after = old.get(section, {}), new.get(section, {})
        stale += [output_path(p) for p, entry in before.items() if after.get(p, {}).get("sha256") != entry["sha256"]]
    stale += [output_path(p) for p in set(old.get("assets", [])) - set(new.get("assets", []))]
    return sorted(stale)
