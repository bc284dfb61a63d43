"""Verify a staging build before it goes live.

- every HTML page traces to a manifest entry (its ``kepu:source`` meta), and page entries to the
  live revision of a live, public page;
- every manifest entry was built;
- no internal link or asset is missing, nothing is loaded from a third-party host;
- the search index is complete (the search stage checks its own output).
"""

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from . import search

ALLOWED_EXTRA_HTML = {"404.html"} | search.EXTRA_HTML
_URL_ATTRS = {"href", "src", "poster", "data"}
# Elements whose URL the browser fetches by itself (as opposed to links a reader may follow).
_FETCHED = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
            ("audio", "src"), ("video", "poster"), ("embed", "src"), ("object", "data")}


class VerificationError(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("；".join(problems[:10]) + (f"；……共 {len(problems)} 个问题" if len(problems) > 10 else ""))


def html_path_for(doc_path):
    """Where MkDocs (directory URLs) writes the page built from a document path."""
    if doc_path == "index.md":
        return "index.html"
    if doc_path.endswith("/index.md"):
        return doc_path[: -len("index.md")] + "index.html"
    return doc_path[: -len(".md")] + "/index.html"


class _PageScan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = {}
        self.urls = []  # (tag, attr, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
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
    """Page entries whose revision is not (any longer) the live revision of a live, public page."""
    entries = manifest.get("pages", {})
    ids = {entry["page"] for entry in entries.values()}
    now = timezone.now()
    public = (
        Page.objects.filter(pk__in=ids).live().public()
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .values_list("pk", "live_revision_id")
    )
    live = dict(public)
    problems = []
    for path, entry in sorted(entries.items()):
        if entry["page"] not in live:
            problems.append(f"{path} 对应的页面已不再公开")
        elif live[entry["page"]] != entry["revision"]:
            problems.append(f"{path} 的修订版本 {entry['revision']} 已不是在线版本（构建期间有变，下次发布会更新）")
    return problems


def verify(site_dir, manifest, *, site_url="", check_live=True):
    """Return a list of problems (empty when the build may go live)."""
    site_dir = Path(site_dir)
    problems = []
    expected = {}
    for path, entry in manifest.get("pages", {}).items():
        expected[html_path_for(path)] = (path, entry.get("revision"))
    for path in manifest.get("generated", {}):
        if path.endswith(".md"):
            expected[html_path_for(path)] = (path, None)

    site_host = urlsplit(site_url).netloc
    root_prefix = urlsplit(site_url).path or "/"
    built = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    for rel in built:
        scan = _PageScan()
        scan.feed((site_dir / rel).read_text("utf-8", errors="replace"))
        if rel in expected:
            source, revision = expected[rel]
            if scan.meta.get("kepu:source") != source:
                problems.append(f"{rel} 无法追溯到清单条目 {source}")
            elif revision is not None and scan.meta.get("kepu:revision") != str(revision):
                problems.append(f"{rel} 的修订版本与清单不符")
        elif rel not in ALLOWED_EXTRA_HTML:
            problems.append(f"{rel} 不对应清单中的任何在线页面")
        problems.extend(_link_problems(site_dir, rel, scan.urls, site_host, root_prefix))
    missing = sorted(set(expected) - set(built))
    problems.extend(f"清单中的 {expected[rel][0]} 没有生成页面" for rel in missing)
    problems.extend(search.verify(site_dir, [search.page_url(path) for path in manifest.get("pages", {})]))
    if check_live:
        problems.extend(_live_problems(manifest))
    return problems


def _link_problems(site_dir, rel, urls, site_host, root_prefix):
    problems = []
    base = posixpath.dirname(rel)
    for tag, _attr, url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") or url.startswith("//"):
            fetched = tag == "link-fetched" or (tag, _attr) in _FETCHED
            if fetched and parts.netloc and parts.netloc != site_host:
                problems.append(f"{rel} 从第三方主机加载 {url}")
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
        candidate = site_dir / target
        if path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_file():
            problems.append(f"{rel} 中的链接 {url} 指向不存在的文件")
    return problems
