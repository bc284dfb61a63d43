"""Streaming access logs into daily counts per page, in memory bounded by one day's readers.

Files are read in the order their first lines were written; a day is written to the database
once the logs are two days past it, and its salt is then forgotten. A unique visitor is an
(address, user agent) pair, hashed with that day's random salt into 8 bytes: the hashes live in
memory only while their day is open, and nothing but the counts is ever written.

A file is known by the digest of its first line; the bytes read of it and their digest are
remembered (``IngestedLog``), so the same file given twice, renamed by logrotate or compressed
(``access.log.2.gz``) counts once, and a file that grew counts only what was appended.
"""

import gzip
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F

from .accesslog import LineReader, time_of
from .models import IngestedLog, PageReads
from .pages import live_paths

CHUNK = 1 << 20


def open_log(path):
    """The file's text as bytes, uncompressed when it is gzip (by its magic bytes, not its name)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def first_line(path):
    with open_log(path) as stream:
        line = stream.readline(1 << 20)
    return line if line.endswith(b"\n") else b""


class Day:
    """One open day: its salt and, per path, the views and the set of hashed visitors."""

    __slots__ = ("salt", "pages")

    def __init__(self):
        self.salt = secrets.token_bytes(16)
        self.pages = {}

    def count(self, path, ip, agent):
        entry = self.pages.get(path)
        if entry is None:
            entry = self.pages[path] = [0, set()]
        entry[0] += 1
        digest = hashlib.blake2b(f"{ip}\0{agent}".encode(), key=self.salt, digest_size=8).digest()
        entry[1].add(int.from_bytes(digest))


@dataclass
class Summary:
    files: int = 0
    skipped_files: int = 0  # read before, nothing new
    lines: int = 0  # lines read (new ones only)
    counted: int = 0  # page views counted
    days: set = field(default_factory=set)


class Ingester:
    def __init__(self, progress=None):
        self.progress = progress or (lambda *args, **kwargs: None)
        self.reader = LineReader()
        self.open_days = {}
        self.paths = live_paths()
        self.site = Path(settings.KEPU_SITE_DIR)
        self.on_site = {}
        self.summary = Summary()

    def ingest(self, files):
        """Count the new lines of every file, all or nothing (one transaction)."""
        ordered = sorted(((time_of(first_line(f).decode("utf-8", "replace")), n, f) for n, f in enumerate(files)),
                         key=lambda item: (item[0] is None, item[0] and item[0].timestamp(), item[1]))
        total = sum(os.path.getsize(f) for _time, _n, f in ordered)
        self.done_bytes = 0
        with transaction.atomic():
            for _time, _n, path in ordered:
                self._ingest_file(path, total)
            self._close_days(None)
        return self.summary

    def _ingest_file(self, path, total):
        head = first_line(path)
        self.summary.files += 1
        if not head:
            return
        key = hashlib.sha256(head).hexdigest()
        known = IngestedLog.objects.select_for_update().filter(first_line_sha256=key).first()
        digest, consumed, lines = hashlib.sha256(), 0, 0
        raw_size = os.path.getsize(path)
        with open(path, "rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
            skip = known.consumed_bytes if known else 0
            # The part read before: only hashed, to be sure it is the same text.
            while consumed < skip:
                chunk = stream.read(min(CHUNK, skip - consumed))
                if not chunk:
                    break
                digest.update(chunk)
                consumed += len(chunk)
            if known and (consumed < skip or digest.hexdigest() != known.consumed_sha256):
                # Same first line, other text: a different file after all; read it whole.
                stream.seek(0)
                digest, consumed = hashlib.sha256(), 0
            start = consumed
            rest = b""
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                text = rest + chunk
                end = text.rfind(b"\n") + 1
                rest = text[end:]
                if not end:
                    continue
                digest.update(text[:end])
                consumed += end
                lines += self._count_lines(text[:end])
                self.progress(self.done_bytes + raw.tell(), total, self.summary.lines + lines)
        self.done_bytes += raw_size
        self.progress(self.done_bytes, total, self.summary.lines + lines)
        if known and consumed == start:
            self.summary.skipped_files += 1
        self.summary.lines += lines
        IngestedLog.objects.update_or_create(
            first_line_sha256=key,
            defaults={"consumed_bytes": consumed, "consumed_sha256": digest.hexdigest(), "name": str(path),
                      "lines": (known.lines if known and start else 0) + lines},
        )

    def _count_lines(self, block):
        reader, open_days, counted, lines = self.reader, self.open_days, 0, 0
        for line in block.decode("utf-8", "replace").split("\n")[:-1]:
            lines += 1
            hit = reader(line)
            if hit is None:
                continue
            day = open_days.get(hit.day)
            if day is None:
                day = open_days[hit.day] = Day()
                self._close_days(hit.day)
            if not self._is_public_page(hit.path):
                continue
            day.count(hit.path, hit.ip, hit.agent)
            counted += 1
        self.summary.counted += counted
        return lines

    def _is_public_page(self, path):
        """A live page, or a page the publish step generates (tags, library facets): a request for
        anything else answered 200 (the CMS host's admin, in a shared log) is not a reader."""
        if path in self.paths:
            return True
        found = self.on_site.get(path)
        if found is None:
            if len(self.on_site) > 100_000:
                self.on_site.clear()
            found = self.on_site[path] = (self.site / path.lstrip("/") / "index.html").is_file()
        return found

    def _close_days(self, latest):
        """Write the days the logs are two days past (all of them when ``latest`` is None)."""
        for day in sorted(self.open_days):
            if latest is not None and (latest - day).days < 2:
                continue
            self._write_day(day, self.open_days.pop(day))

    def _write_day(self, day, counts):
        self.summary.days.add(day)
        existing = {row.path: row for row in PageReads.objects.filter(day=day, path__in=list(counts.pages))}
        new = []
        for path, (views, visitors) in counts.pages.items():
            row = existing.get(path)
            if row is None:
                new.append(PageReads(day=day, path=path, page_id=self.paths.get(path), views=views,
                                     visitors=len(visitors)))
            else:
                # A day split over two runs (a log rotated at noon): its visitors were counted with two
                # salts, so one who read in both parts counts twice.
                PageReads.objects.filter(pk=row.pk).update(views=F("views") + views,
                                                           visitors=F("visitors") + len(visitors))
        PageReads.objects.bulk_create(new, batch_size=1000)
        counts.pages.clear()
        counts.salt = None
