"""python manage.py ingest_access_logs FILE… — count page views and visitors from nginx access logs."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from cms.publish.tasks import request_publish
from cms.reach import public
from cms.reach.ingest import Ingester
from cms.reach.models import ReachSettings


class Progress:
    """One line on stderr, redrawn at most ten times a second: a bar of the bytes read, lines so far."""

    def __init__(self, stream, enabled):
        self.stream, self.enabled, self.last, self.drawn = stream, enabled, 0.0, False

    def __call__(self, done, total, lines):
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last, self.drawn = now, True
        filled = int(30 * done / total) if total else 30
        self.stream.write(f"\r{'读取日志':<8} [{'#' * filled}{'.' * (30 - filled)}] "
                          f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB  {lines:,} 行")
        self.stream.flush()

    def end(self):
        if self.drawn:
            self.stream.write("\n")


class Command(BaseCommand):
    help = ("读取公众网站的 nginx 访问日志（combined 格式，可为 gzip），按天统计每个页面的阅读量和独立访客；"
            "同一文件读两次只计一次，不保存 IP 地址。")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="访问日志文件（access.log、access.log.1、*.gz …）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args, files, no_progress=False, verbosity=1, **options):
        progress = Progress(sys.stderr, enabled=verbosity > 0 and not no_progress)
        try:
            summary = Ingester(progress=progress).ingest(files)
        except OSError as error:
            progress.end()
            raise CommandError(f"无法读取日志：{error}") from error
        progress.end()
        changed = public.refresh()
        publishing = bool(changed) and ReachSettings.load().show_reads
        if publishing:
            request_publish("阅读量已更新，重新生成显示阅读量的页面")
        if verbosity:
            days = sorted(summary.days)
            span = f"，{days[0]} 至 {days[-1]}" if days else ""
            self.stdout.write(f"读取 {summary.files} 个文件（{summary.skipped_files} 个此前已读过）、"
                              f"{summary.lines:,} 行新日志，计入 {summary.counted:,} 次阅读{span}。")
            if publishing:
                self.stdout.write(f"{changed:,} 个页面的阅读量有变化，已排队重新发布网站。")
