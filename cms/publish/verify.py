"""Verify a staging build before it goes live.

- every HTML page traces to a manifest entry (its ``kepu:source`` meta), and page entries to the
  live revision of a live, public page;
- every manifest entry was built;
- no internal link or asset is missing, nothing is loaded from a third-party host;
- the search index is complete (the search stage checks its own output);
- the web server (another user) can read every file and folder;
- the safety gate: nothing in any page can run script unless the theme shipped it (see
  ``safety_problems``), and no script the pages load could fetch from another host.
"""

import collections
import contextlib
import dataclasses
import hashlib
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from lxml import etree
from lxml import html as lxml_html

from cms.moderation.sanitiser import url_scheme
from cms.sitesearch import index as search

from . import forks, fsutil, pages, theme_scripts
from .errors import VerificationError
from .manifest import search_pages
from .paths import output_path, page_url

ALLOWED_EXTRA_HTML = {"404.html"} | search.EXTRA_HTML
_URL_ATTRS = {"href", "src", "poster", "data"}
# Elements whose URL the browser fetches by itself (as opposed to links a reader may follow).
_FETCHED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
            ("audio", "src"), ("video", "poster"), ("embed", "src"), ("object", "data")}


# The elements verification reads (``_URL_ATTRS``, srcset, kepu: meta), selected in C, in document order.
_WANTED = etree.XPath("//*[@href or @src or @poster or @data or @srcset] | //meta[starts-with(@name, 'kepu:')]")


# The safety gate ---------------------------------------------------------------------------------
# Elements that run or embed something, whatever their attributes.
_FORBIDDEN = ("iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "animate", "set",
              "animatemotion", "animatetransform", "discard", "handler", "listener")
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite",
                   "longdesc", "lowsrc", "dynsrc", "codebase", "ping", "manifest", "icon", "archive", "profile",
                   "usemap", "itemtype", "to", "from", "values")
_LINKABLE = {"", "http", "https", "mailto"}
_HTTP_EQUIV = {"content-type", "content-security-policy", "x-ua-compatible", "content-language"}
_CHECKED_ATTRIBUTES = "|".join(("srcdoc", "formaction", "srcset", "imagesrcset", *_URL_ATTRIBUTES))
# One name() per attribute looked up in a list, not compared 27 times (bench/README, "Measurements
# behind the code"). An attribute whose name holds "|" may be looked at needlessly, never missed.
_SUSPECT = etree.XPath(
    "//script | " + " | ".join(f"//{tag}" for tag in _FORBIDDEN)
    + " | //meta[@http-equiv] | //@*[starts-with(name(), 'on')"
    + f" or contains('|{_CHECKED_ATTRIBUTES}|', concat('|', name(), '|'))]"
)


@dataclass(frozen=True)
class Allowed:
    """What the theme ships: script files by SHA-256 of their bytes, inline scripts by CSP hash."""

    files: frozenset
    inline: frozenset
    root: str = "/"  # the site root's path
    # SHA-256 of each script file a page loads, read once per verification (every page loads the bundle)
    seen: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    theme: tuple = field(default=(), compare=False, hash=False, repr=False)  # theme_identity, when known

    def file_digest(self, path):
        if path not in self.seen:
            self.seen[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self.seen[path]

    @classmethod
    def for_site(cls, site_url, known=None):
        """What the theme lets the pages of ``site_url`` run. ``known``: an earlier result (its
        ``theme`` names the theme files it was worked out from: ``theme_identity``), reused (with a
        ``seen`` of its own) while those files are the very same (path, inode, size, times)."""
        theme = theme_identity(site_url, known.theme if known is not None else None)
        if known is not None and known.theme == theme:
            return dataclasses.replace(known, seen={})
        root = theme_scripts.scope_of(site_url)
        return cls(frozenset(theme_scripts.script_file_hashes()),
                   frozenset(theme_scripts.inline_script_hashes(root)), root, theme=theme)

    def digest(self):
        return hashlib.sha256(repr(sorted(self.files) + sorted(self.inline)).encode()).hexdigest()[:16]


def theme_identity(site_url, known=None):
    """(site_url, every script and template file of the theme folders with its inode, size and
    times, every folder of them with its inode and times): what ``Allowed.for_site`` is worked out
    from; any file added, removed or written changes it.

    ``known``: an earlier result. When every folder and file it names still has that identity (a
    stat each, no listing: a name added, removed or replaced in a folder changes the folder's times,
    a file written changes its own), ``known`` is returned as it is; else the folders are walked."""
    if known is not None and len(known) == 3 and known[0] == site_url and _same_theme(known):
        return known
    files, folders = [], []
    for folder in theme_scripts.theme_dirs():
        for parent, _folders, names in os.walk(folder):
            stat = os.stat(parent)
            folders.append((parent, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns))
            for name in names:
                if name.endswith((".js", ".html")):
                    stat = os.stat(os.path.join(parent, name))
                    files.append((parent, name, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return site_url, tuple(sorted(files)), tuple(sorted(folders))


def _same_theme(known):
    """Whether the folders and files of ``theme_identity``'s result ``known`` are all still the very same."""
    _site_url, files, folders = known
    if {os.fspath(folder) for folder in theme_scripts.theme_dirs()} - {parent for parent, *_rest in folders}:
        return False  # (the theme folders themselves are others)
    try:
        for parent, *identity in folders:
            stat = os.stat(parent)
            if [stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns] != identity:
                return False
        for parent, name, *identity in files:
            stat = os.stat(os.path.join(parent, name))
            if [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns] != identity:
                return False
    except OSError:
        return False
    return True


def _describe(element):
    attrs = " ".join(f'{name}="{value[:60]}"' for name, value in element.attrib.items())
    return f"<{element.tag}{' ' + attrs if attrs else ''}>"


def safety_problems(rel, tree, allowed, site_dir):
    """Why a page may not go out: anything executable the theme did not ship. Returns
    (problems, script files the page loads)."""
    problems, scripts = [], []
    base = posixpath.dirname(rel)
    for found in _SUSPECT(tree):
        if isinstance(found, str):  # an attribute value
            element, name = found.getparent(), found.attrname.lower()
            value = str(found)
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                problems.append(f"{rel} 含有主题之外的可执行内容：{_describe(element)} 的 {name} 属性")
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    parts = candidate.split()
                    if parts and url_scheme(parts[0]) not in _LINKABLE:
                        problems.append(f"{rel} 含有不安全的地址：{_describe(element)} 的 {name}")
            elif name in ("to", "from", "values"):
                continue  # only animation elements take these, and they are refused whole
            elif url_scheme(value) not in _LINKABLE:
                problems.append(f"{rel} 含有不安全的地址：{_describe(element)} 的 {name}")
            continue
        tag = found.tag if isinstance(found.tag, str) else ""
        if tag == "meta":
            if found.get("http-equiv", "").strip().lower() not in _HTTP_EQUIV:
                problems.append(f"{rel} 含有主题之外的元素：{_describe(found)}")
        elif tag == "script":
            problem, script = _script_problem(rel, base, found, allowed, site_dir)
            if problem:
                problems.append(problem)
            if script:
                scripts.append(script)
        else:
            problems.append(f"{rel} 含有主题之外的元素：{_describe(found)}")
    return problems, scripts


def _script_problem(rel, base, element, allowed, site_dir):
    kind = (element.get("type") or "").strip().lower()
    src = element.get("src")
    if kind in theme_scripts.DATA_TYPES and src is None:
        return None, None  # a data block, never run
    if src is not None:
        parts = urlsplit(src)
        path = unquote(parts.path)
        if path.startswith(allowed.root):  # site-root-relative (the 404 page)
            path = path[len(allowed.root):]
        elif not path.startswith("/"):
            path = posixpath.join(base, path)
        target = posixpath.normpath(path) if path and not parts.scheme and not path.startswith("/") else ""
        path = site_dir / target if target and not target.startswith("..") and not parts.netloc else None
        if path is None or not path.is_file():
            return f"{rel} 加载了主题之外的脚本：{_describe(element)}", None
        if allowed.file_digest(path) not in allowed.files:
            return f"{rel} 加载的脚本不是主题的文件：{_describe(element)}", None
        return None, target
    if theme_scripts.csp_hash(element.text or "") not in allowed.inline:
        return f"{rel} 含有主题之外的脚本：{_describe(element)} {(element.text or '').strip()[:80]}", None
    return None, None


def script_host_problems(site_dir, scripts, known=None):
    """Scripts the pages load that could fetch from another host at run time. ``known``: {script:
    (its file's inode, size and times, the SHA-256 of its bytes, the URLs found in it)}, a memo filled
    here: a script that is the very same file is not read again, one with the same bytes not searched."""
    problems = []
    known = {} if known is None else known
    for target in sorted(scripts):
        path = os.path.join(site_dir, target)
        info = os.stat(path)
        identity = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        seen = known.get(target)
        if seen is None or seen[0] != identity:
            with open(path, "rb") as handle:
                data = handle.read()
            digest = hashlib.sha256(data).digest()
            urls = seen[2] if seen is not None and seen[1] == digest else theme_scripts.outside_urls(data)
            seen = known[target] = (identity, digest, urls)
        problems.extend(f"脚本 {target} 运行时会从其他主机加载 {url}" for url in seen[2])
    return problems


class _PageScan:
    """What verification reads from a page: its ``kepu:`` meta tags and every URL in it.

    Parsed with lxml (libxml2's HTML parser, in C), the elements picked by XPath: a third of
    html.parser's time, with the very same result for every page (bench/README, "Measurements behind
    the code")."""

    def __init__(self, data, rel="", allowed=None, site_dir=None):
        self.meta = {}
        self.urls = []  # (tag, attr, url)
        self.unsafe, self.scripts = [], []
        if not data.strip():
            return
        tree = lxml_html.document_fromstring(data)
        for element in _WANTED(tree):
            self._element(element.tag, element.attrib)
        if allowed is not None:
            self.unsafe, self.scripts = safety_problems(rel, tree, allowed, Path(site_dir))

    def _element(self, tag, attrs):
        if tag == "meta" and attrs.get("name", "").startswith("kepu:"):
            self.meta[attrs["name"]] = attrs.get("content", "")
        for name in _URL_ATTRS:
            if attrs.get(name):
                self.urls.append((tag, name, attrs[name]))
        if attrs.get("srcset"):
            for candidate in attrs["srcset"].split(","):
                parts = candidate.split()
                if parts:
                    self.urls.append((tag, "src", parts[0]))
        if tag == "link" and attrs.get("href"):
            rel = attrs.get("rel", "").lower()
            if any(word in rel.split() for word in ("stylesheet", "preload", "icon", "modulepreload", "manifest")):
                self.urls.append(("link-fetched", "href", attrs["href"]))


def _live_problems(manifest):
    """Page entries that may not go out: the page is no longer live and public, or the revision built is
    newer than its live one. A revision that was live when exported and has since been replaced by a newer
    live one may go out: it was approved, the previous site holds it or an older one, and the publish the
    newer one queued follows. (Refusing it would keep the site from ever updating while editors publish
    more often than a build takes.)"""
    entries = manifest.get("pages", {})
    live = pages.live_revisions(entry["page"] for entry in entries.values())
    problems = []
    for path, entry in sorted(entries.items()):
        if entry["page"] not in live:
            problems.append(f"{path} 对应的页面已不再公开")
        elif (built := entry["revision"]) != (current := live[entry["page"]]) and (
            built is None or current is None or built > current
        ):
            problems.append(f"{path} 的修订版本 {entry['revision']} 不是在线版本")
    return problems


def _scan_file(path, rel="", allowed=None, site_dir=None):
    return _PageScan(Path(path).read_bytes(), rel, allowed, site_dir)


class Scans(dict):
    """{html path: what verification read from the page}: ``file`` (inode, size, mtime: a scan is
    reused only for the very same file), ``meta`` (its ``kepu:`` tags), ``targets`` ((url, target
    relative to site/) of every internal link), ``safe`` (the theme it was checked against) and
    ``scripts``. ``counts``: {target: how many pages link to it} over every entry, or None (not
    known: the next verification checks every page's links and counts them). ``inodes``: the
    survey's {path: inode} of the build's other files found readable (fsutil.Survey.inodes), or None
    (not known: the next verification stats every file); ``partial``: how many verifications since
    the last that stat'ed every file (``FULL_SURVEY_EVERY``); ``site``: the site/ folder of the
    build they are the scans of, when known (ScanStore.get). ``files``: the survey's listed files
    (fsutil.Survey.files), or None; ``surveyed``: the id of the build whose site/ the survey
    describes (``verify``'s ``build_id``, the id the build verified is promoted under; a build of its
    search index shares the scans of its pages' build, not its survey), or None; ``folders``: the
    survey's folders (fsutil.Survey.folders), or None; ``names``: the survey's {folder: its names}
    (fsutil.Survey.names), or None.
    ScanStore saves the survey (``files``, ``inodes``, ``folders``, ``names``, ``surveyed``,
    ``partial``: a row per folder, written where a folder changed) with the rows, and a new worker
    reads it back with them (``ScanStore.get``): its first verification stats the folders and pages
    against it rather than walking the site (fsutil.resurvey: anything else there and the site is
    walked). ``expected`` (what the verification held each page to: ``_expected``; None: every page's
    tags are compared) is kept in memory only."""

    def __init__(self, entries=(), counts=None, inodes=None, partial=0, files=None, folders=None, names=None):
        super().__init__(entries)
        self.counts, self.inodes, self.partial, self.site = counts, inodes, partial, None
        self.files, self.surveyed, self.folders, self.names = files, None, folders, names
        self.expected = None
        self.identities = None  # the survey's keys: {page: entry["file"]} (memory only)
        # {search folder: names of the group folders under its p/ found complete} (memory only), or None
        self.groups = None
        self.allowed = None  # the Allowed the verification used (memory only), or None
        self.pairs = None  # {(url, target): that very pair}: each link pair the entries hold, held once
        self.outputs = None  # {prefix: {document path: output path}}: a memo of _expected's (memory only)
        self.hosts = None  # script_host_problems' memo (memory only)


def _intern_targets(entry, pairs):
    """``entry``'s targets, each (url, target) pair the one ``pairs`` holds (added if new)."""
    held = pairs.setdefault
    entry["targets"] = [held(pair, pair) for pair in entry["targets"]]


@dataclass(frozen=True)
class Verification:
    problems: list  # in Chinese, one line each; empty when the build may go live
    # {html path: what was read from it}, for ScanStore.keep; None from ``verify_index`` (the pages
    # of an index build are its pages' build's very files, which share their scans: ScanStore.share)
    scans: Scans | None = None

    @property
    def ok(self):
        return not self.problems


PAGES_PER_PROCESS = 100  # a verification shares its pages out to other processes only from this many a process
FULL_SURVEY_EVERY = 10
"""Every so many verifications of builds made one from another, one stats every file (``verify``)."""


def verify(site_dir, manifest, *, site_url="", previous=None, processes=None, changed=None, build_id=None):
    """Check a build against its manifest and the public pages now: a ``Verification``.

    The search index must hold the pages ``manifest.search_pages`` names: the manifest's, or, for
    a build that keeps an earlier build's index while its own follows, that index's (``search_pages``;
    ``None``, a pending build that does not say, is checked against its pages). The Traditional mirror
    (``manifest["mirror"]``, under its prefix) is checked with the same gates, its index the same way.

    ``previous``: the scans (Scans, ScanStore.get) of the build this one was made from (incremental),
    of a build that passed. A page that is still the very same file (hard link: same inode, size and
    time) checked against the same theme is not parsed again: its tags are checked against this
    manifest, and its links only if a file it links to is gone (``Scans.counts`` says which files
    the pages link to; without it every link is checked). Everything else is checked whole on every
    build: every page is stat'ed (readable by others; its size and time), every page is matched with
    the manifest and every manifest entry with a page. Without ``changed`` (below), one walk lists
    every file and folder and stats every folder. The build's other files are stat'ed too (readable
    by others) but for those that are files ``previous``'s verification found readable (the same
    inode, read from the folder without a stat: ``Scans.inodes``, fsutil.survey's ``known``) and the
    live build still links (``_still_held``): no new file can have their inode, and the pipeline
    never changes a file's mode. A ``chmod`` of such a file behind Kepu's back is seen by the next
    verification that stats every file: one in ``FULL_SURVEY_EVERY`` verifications, and every one
    without ``previous`` (a full build, the first publish of a worker).

    ``changed``: (files, trees), what may differ between the build ``previous`` surveyed
    (``previous.surveyed``) and this one, by the journals (swap.journal_since plus this build's own).
    Given it, and ``previous``'s survey (``files``, ``inodes``, ``folders``) in a verification that
    need not stat every file, the walk itself is left out (fsutil.resurvey): those paths (trees whole),
    the pages and the folders are stat'ed, and only the folders that hold a path the journals name or
    changed since (inode, ctime) are listed, every other file is ``previous``'s, unchanged. A file or
    page added, removed or replaced under site/ behind Kepu's back (in the live build, the spare or a
    build the staging brings in line: not by a writer that notes it in the journal) changes its folder,
    and the tree is then walked whole: it is seen at once. Not seen until a verification that stats
    every file (one in ``FULL_SURVEY_EVERY``): a ``chmod`` of a file other than a page, or such a file
    written into in place, or a name added within the same tick of a coarse file-system clock as the
    last change to its folder before the previous survey (the folder's ctime unchanged). Every page's
    ``kepu:source`` and ``kepu:revision`` are still compared with the manifest, and every manifest entry
    with a page. With ``fsutil.journal_check()``, the full walk is made as well and any difference
    raises fsutil.JournalMismatch.

    The pages to parse are shared out to ``processes`` processes (default ``KEPU_BUILD_PROCESSES``;
    forked, ``PAGES_PER_PROCESS`` pages a process at least): the result is the one of one process.

    ``build_id``: the id the build verified is promoted under (swap.new_build_id), or None: what its
    scans say they surveyed (``Scans.surveyed``: the next verification's ``changed`` starts there).
    """
    site_dir = Path(site_dir)
    previous = previous if previous is not None else Scans()
    allowed = Allowed.for_site(site_url, getattr(previous, "allowed", None))
    safe_key = allowed.digest()  # a saved scan counts only if it was checked against the same theme
    outputs = getattr(previous, "outputs", None) or {}
    expected = _expected(manifest, outputs)
    mirror = manifest.get("mirror") or {}
    extra_html = set(ALLOWED_EXTRA_HTML)
    if mirror:
        prefix = mirror["prefix"] + "/"
        expected.update(_expected(mirror, outputs, prefix))
        extra_html.update(prefix + rel for rel in ALLOWED_EXTRA_HTML)
        search_dirs = {search.SEARCH_DIR, prefix + search.SEARCH_DIR}
    else:
        search_dirs = {search.SEARCH_DIR}
    sites = _sites(site_url, allowed, mirror)

    # The index's own files: search.verify checks them; no page links into them.
    partial = previous.inodes is not None and previous.partial + 1 < FULL_SURVEY_EVERY
    unlisted = {f"{folder}/{name}" for folder in search_dirs for name in search.FOLDERS}
    if partial and changed is not None and previous.files is not None and previous.folders is not None:
        tree = fsutil.resurvey(site_dir, _survey_of(previous), *changed, keyed=".html", unlisted=unlisted,
                               known=lambda: _still_held(previous, search_dirs))  # (for a walk only)
        if fsutil.journal_check():
            _check_survey(tree, fsutil.survey(site_dir, keyed=".html", unlisted=unlisted))
    else:
        tree = fsutil.survey(site_dir, keyed=".html", unlisted=unlisted,
                             known=_still_held(previous, search_dirs) if partial else None)
    problems = [f"网页服务器读不到：{p}（文件应为 0644、文件夹 0755）" for p in tree.unreadable]
    files = tree.files
    built = sorted(tree.keys)
    stale = [rel for rel in built if (entry := previous.get(rel)) is None or entry["file"] != tree.keys[rel]
             or entry.get("safe") != safe_key]
    fresh = _scan_pages(site_dir, stale, tree.keys, sites, safe_key,
                        settings.KEPU_BUILD_PROCESSES if processes is None else processes)
    pairs = getattr(previous, "pairs", None) if partial else None
    pairs = {} if pairs is None else pairs
    for entry, _problems in fresh.values():
        _intern_targets(entry, pairs)
    scans = Scans({rel: fresh[rel][0] if rel in fresh else previous[rel] for rel in built},
                  inodes=tree.inodes, partial=previous.partial + 1 if partial else 0, files=files,
                  folders=tree.folders, names=tree.names)
    scans.pairs = pairs
    scans.surveyed = build_id
    scans.identities = tree.keys
    scans.allowed = allowed
    scans.outputs = outputs if partial else None  # (a verification that walks starts the memo again)

    def found(target):
        return target in files or f"{target}/index.html".lstrip("/") in files

    counts = _link_counts(previous, scans, fresh)
    # A page reused passed with the files of its build: its links can break only if a file it links to
    # is gone (a set difference in C first: most targets are files).
    every_link = counts is None or not all(found(target) for target in counts.keys() - files)
    scripts = set().union(*(entry.get("scripts", ()) for entry in scans.values()))
    prior = previous.expected
    if every_link or prior is None:
        checked = built
    else:
        # A page reused passed against what ``prior`` expected of it: checked again only when that
        # changed (set operations in C), with the pages parsed now and those no manifest entry names.
        again = {rel for rel, _source in expected.items() - prior.items()} | (prior.keys() - expected.keys())
        checked = sorted((fresh.keys() | again | (tree.keys.keys() - expected.keys())) & tree.keys.keys())
    scans.expected = expected
    for rel in checked:
        entry = scans[rel]
        if rel in fresh:
            problems.extend(fresh[rel][1])
        problems.extend(_page_problems(rel, entry["meta"], expected, extra_html))
        if every_link or rel in fresh:
            problems.extend(f"{rel} 中的链接 {url} 指向不存在的文件" for url, target in entry["targets"]
                            if not found(target))
    if counts is None:
        counts = collections.Counter(target for entry in scans.values() for _url, target in entry["targets"])
    scans.counts = counts
    hosts = getattr(previous, "hosts", None) or {}
    problems.extend(script_host_problems(site_dir, scripts, hosts))
    scans.hosts = {target: hosts[target] for target in scripts}
    missing = sorted(set(expected) - set(built))
    problems.extend(f"{'繁体站' if mirror and rel.startswith(prefix) else ''}清单中的 {expected[rel][0]} 没有生成页面"
                    for rel in missing)
    problems.extend(f"清单中的附件 {path} 没有生成" for path in sorted(manifest.get("attachments", {}).keys() - files))
    if mirror:
        problems.extend(f"清单中的附件 {prefix}{path} 没有生成" for path in sorted(mirror.get("attachments", {}))
                        if f"{prefix}{path}" not in files)
    # Group folders found complete by the last verification are only looked for, but in one that
    # stats every file (their names are digests of their files: a folder of that name holds them).
    known = previous.groups if partial and previous.groups is not None else {}
    index_problems, scans.groups = _index_check(site_dir, manifest, _indexed(manifest), known)
    problems.extend(index_problems)
    problems.extend(_live_problems(manifest))
    return Verification(problems, scans)


def verify_index(site_dir, manifest, *, previous=None):
    """Check the search indexes of an index build (pipeline.publish_index: the live build with the
    index of its pages, all of ``manifest``'s), the Traditional mirror's too: a Verification (its
    ``scans`` None). ``previous``: the scans of the pages' build (ScanStore.get), whose verification
    found the groups it names complete (``Scans.groups``): those are only checked to be there (their
    names are digests of their files); the groups this build made are counted."""
    known = (previous.groups if previous is not None else None) or {}
    problems, _groups = _index_check(site_dir, manifest, manifest["pages"], known)
    return Verification(problems)


def _index_check(site_dir, manifest, pages, known):
    """(problems, {search folder relative to site/: names of its group folders found complete}) of a
    build's search indexes: the site's, against the document paths ``pages``, and the mirror's
    (``_mirror_search_check``). ``known``: such a dict from an earlier verification (``Scans.groups``)."""
    checked = search.check(site_dir, [page_url(path) for path in pages],
                           known=known.get(search.SEARCH_DIR, frozenset()))
    mirror_problems, mirror_groups = _mirror_search_check(site_dir, manifest, known)
    return checked.problems + mirror_problems, {search.SEARCH_DIR: checked.groups, **mirror_groups}


def _page_problems(rel, meta, expected, extra_html):
    """Why page ``rel`` (its ``kepu:`` tags ``meta``) does not match what the manifest expects of it."""
    if rel in expected:
        source, revision = expected[rel]
        if meta.get("kepu:source") != source:
            return [f"{rel} 无法追溯到清单条目 {source}"]
        if revision is not None and meta.get("kepu:revision") != str(revision):
            return [f"{rel} 的修订版本与清单不符"]
        return []
    return [] if rel in extra_html else [f"{rel} 不对应清单中的任何在线页面"]


def _survey_of(previous):
    """fsutil.Survey of the build ``previous`` (Scans with ``files`` and ``inodes``) was verified with."""
    keys = previous.identities
    if keys is None:
        keys = {rel: entry["file"] for rel, entry in previous.items()}
    return fsutil.Survey(previous.files, keys, [], previous.inodes, folders=previous.folders, names=previous.names)


def _check_survey(derived, walked):
    """Raise fsutil.JournalMismatch unless the journal-derived survey is the full walk's."""
    def ctimes(survey, other):  # (a ctime one survey leaves out, fsutil's racy rule, is not compared)
        return {(rel, ctime) for rel, (_inode, ctime, _count) in survey.folders.items()
                if ctime is not None and (other.folders.get(rel) or (None, None))[1] is not None}

    differences = [f"{name}: {sorted(mine ^ theirs, key=repr)[:20]}" for name, mine, theirs in (
        ("files", derived.files, walked.files),
        ("keys", {(rel, tuple(key)) for rel, key in derived.keys.items()},
         {(rel, tuple(key)) for rel, key in walked.keys.items()}),
        ("inodes", set(derived.inodes.items()), set(walked.inodes.items())),
        ("folders", {(rel, inode, count) for rel, (inode, _ctime, count) in derived.folders.items()},
         {(rel, inode, count) for rel, (inode, _ctime, count) in walked.folders.items()}),
        ("folder ctimes", ctimes(derived, walked), ctimes(walked, derived)),
        ("names", {(rel, tuple(sorted(names))) for rel, names in derived.names.items()},
         {(rel, tuple(sorted(names))) for rel, names in walked.names.items()}),
        ("unreadable", set(derived.unreadable), set(walked.unreadable))) if mine != theirs]
    if differences:
        raise fsutil.JournalMismatch("the journal-derived survey differs from the full walk: " + "; ".join(differences))


def _still_held(previous, search_dirs):
    """The inodes of ``previous.inodes`` that cannot have been freed and taken by a new file: those
    the build of ``previous`` (the live build, in the same builds folder) still links. That build
    holds every file its verification found but for its search index folders (``search_dirs``),
    which a second build may have replaced: there, only the inodes its site/ (``previous.site``; none
    when not known) holds in those folders, at any path (read from the folders, no stat)."""
    held = set()
    for folder in search_dirs if previous.site else ():
        stack = [os.path.join(previous.site, folder)]
        while stack:
            with contextlib.suppress(OSError), os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        held.add(entry.inode())
    below = tuple(folder + "/" for folder in search_dirs)
    return {inode for path, inode in previous.inodes.items() if not path.startswith(below) or inode in held}


def _link_counts(previous, scans, fresh):
    """{target: pages linking to it} over ``scans``, or None when ``previous`` does not say: worked out
    from ``previous.counts``, the links of the pages not reused taken away, those of the pages parsed
    now added."""
    if getattr(previous, "counts", None) is None:
        return None
    counts = previous.counts.copy()
    touched = set()
    for rel in previous.keys() - scans.keys() | fresh.keys() & previous.keys():  # (gone, or parsed again)
        targets = [target for _url, target in previous[rel]["targets"]]
        counts.subtract(targets)
        touched.update(targets)
    for entry, _problems in fresh.values():
        counts.update(target for _url, target in entry["targets"])
    for target in touched:
        if counts[target] <= 0:
            del counts[target]
    return counts


def _scan_page(site_dir, rel, key, sites, safe_key):
    """(scan entry, problems) of one page (``Scans`` says what an entry holds)."""
    own = next(each for each in sites if rel.startswith(each.folder))  # the mirror's host, or the site's
    local = rel[len(own.folder):]  # its path below that host's web root
    scan = _scan_file(site_dir / rel, local, own.allowed, site_dir / own.folder)
    found, targets = _link_targets(local, scan.urls, own.host, own.root,
                                   others=[each for each in sites if each is not own])
    targets = [(url, target if other else (own.folder + target).rstrip("/")) for url, target, other in targets]
    entry = {"file": key, "meta": scan.meta, "targets": targets, "safe": safe_key,
             "scripts": [own.folder + script for script in scan.scripts]}
    return entry, [own.folder + problem for problem in scan.unsafe + found]


def _scan_pages(site_dir, rels, keys, sites, safe_key, processes):
    """{page: (scan entry, problems)} of ``rels``, shared out to forked processes when there are
    ``PAGES_PER_PROCESS`` or more a process (forks.map). A process that failed or died fails the
    verification (VerificationError: the build does not go live)."""
    try:
        scanned = forks.map(lambda rel: _scan_page(site_dir, rel, keys[rel], sites, safe_key), rels, processes,
                            per_process=PAGES_PER_PROCESS)
    except forks.ForkFailed as error:
        raise VerificationError([f"校验页面的子进程失败：{error}"]) from None
    return dict(zip(rels, scanned, strict=True))


def _expected(manifest, outputs=None, prefix=""):
    """{output path: (document path, revision or None)}: the pages a build of ``manifest`` must hold,
    their output paths below ``prefix`` (a folder and "/", or ""). ``outputs``: {prefix: {document
    path: its output path}} (``prefix`` + paths.output_path), filled here, as a memo."""
    outputs = ({} if outputs is None else outputs).setdefault(prefix, {})
    pages = manifest.get("pages", {})
    generated = [path for path in manifest.get("generated", {}) if path.endswith(".md")]
    for path in (pages.keys() | generated) - outputs.keys():
        outputs[path] = prefix + output_path(path)
    expected = {outputs[path]: (path, entry.get("revision")) for path, entry in pages.items()}
    expected.update({outputs[path]: (path, None) for path in generated})
    return expected


def _indexed(manifest):
    """The document paths a manifest's search index must hold (manifest.search_pages)."""
    found = search_pages(manifest)
    return sorted(manifest.get("pages", {})) if found is None else found


def _mirror_search_check(site_dir, manifest, known=None):
    """(problems, {its search folder relative to site/: names of its group folders found complete}, or
    {} without a mirror) of the Traditional mirror's search index (``<prefix>/search/``): as
    ``search.check``, in the mirror's folder, against the pages its manifest part says it holds.
    ``known``: {search folder relative to site/: group names} as ``Scans.groups``."""
    mirror = manifest.get("mirror")
    if not mirror:
        return [], {}
    indexed = _indexed({**mirror, "search_pending": manifest.get("search_pending")})
    folder = f"{mirror['prefix']}/{search.SEARCH_DIR}"
    checked = search.check(Path(site_dir) / mirror["prefix"], [page_url(path) for path in indexed],
                           known=(known or {}).get(folder, frozenset()))
    return [f"繁体站：{problem}" for problem in checked.problems], {folder: checked.groups}


@dataclass(frozen=True)
class _Site:
    """A web root in a build's site/: its folder ("" or the mirror's "<folder>/"), host, root path, and what
    its pages may run."""

    folder: str
    host: str
    root: str
    allowed: Allowed


def _sites(site_url, allowed, mirror):
    """The web roots a build serves, the most specific first: the Traditional mirror's when it has a host
    of its own (its folder, served at that host's root), and the site's."""
    site = _Site("", urlsplit(site_url).netloc, urlsplit(site_url).path or "/", allowed)
    if not mirror.get("host"):
        return [site]  # the mirror (if any) is a folder of the site, its links below the prefix
    parts = urlsplit(mirror["host"])
    root = parts.path or "/"
    return [_Site(mirror["prefix"] + "/", parts.netloc, root, dataclasses.replace(allowed, root=root, seen={})), site]


def _link_targets(rel, urls, site_host, root_prefix, others=()):
    """(problems, [(url, target, other)]) for the URLs of one page: ``target`` relative to its own web
    root, or (``other``) to the build's site/ for a link to another web root of the build (``others``:
    _Site; the mirror on a host of its own and the site link to each other's pages by absolute URL)."""
    problems, targets = [], []
    base = posixpath.dirname(rel)
    hosts = {other.host: other for other in others}
    for tag, _attr, url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") or url.startswith("//"):
            fetched = tag == "link-fetched" or (tag, _attr) in _FETCHED
            if fetched and parts.netloc and parts.netloc != site_host:
                problems.append(f"{rel} 从第三方主机加载 {url}")
            other = hosts.get(parts.netloc)
            path = unquote(parts.path) or "/"
            if other is not None and not fetched and path.startswith(other.root):
                target = posixpath.normpath(path[len(other.root):]) if path != other.root else "."
                if target.startswith(".."):
                    problems.append(f"{rel} 中的链接 {url} 指向站点之外")
                else:
                    targets.append((url, (other.folder + ("" if target == "." else target)).rstrip("/"), True))
            continue
        if parts.scheme or not parts.path:
            continue  # mailto:, data:, javascript:, tel:, or a pure #fragment / ?query
        path = unquote(parts.path)
        if path.startswith("/"):
            if not path.startswith(root_prefix):
                problems.append(f"{rel} 中的链接 {url} 指向站点之外")
                continue
            target = path[len(root_prefix):]
        else:
            target = posixpath.join(base, path)
        target = posixpath.normpath(target) if target else "."
        if target.startswith("../") or target == "..":
            problems.append(f"{rel} 中的链接 {url} 指向站点之外")
            continue
        targets.append((url, "" if target == "." else target, False))
    return problems, targets
