"""python manage.py publish_site [--full] — publish live pages to site/ (incremental by default)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from cms.publish.errors import BuildError, ExportError, VerificationError, explain
from cms.publish.lock import PublishLocked
from cms.publish.models import PublishJob
from cms.publish.state import current
from cms.publish.tasks import ensure_task

STAGES = {"render": "渲染页面", "write": "写入 content/", "export": "导出", "build": "构建站点",
          "search": "搜索索引", "verify": "校验", "swap": "上线"}


class Progress:
    def __init__(self, stream, enabled):
        self.stream, self.enabled, self.stage, self.last = stream, enabled, None, 0.0

    def __call__(self, stage, done=None, total=None):
        if not self.enabled:
            return
        now = time.monotonic()
        if stage == self.stage and done is not None and done != total and now - self.last < 0.1:
            return
        self.last = now
        label = STAGES.get(stage, stage)
        if done is not None and total:
            filled = int(30 * done / total)
            line = f"\r{label:<12} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        else:
            line = f"\r{label:<12}" + " " * 40
        if stage != self.stage and self.stage is not None:
            self.stream.write("\n")
        self.stage = stage
        self.stream.write(line)
        self.stream.flush()

    def end(self):
        if self.enabled and self.stage is not None:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "把在线内容发布为静态网站：导出 Markdown、构建、校验后原子替换 site/。默认增量发布。"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="即使内容未变也完整重建并上线。")
        parser.add_argument("--no-wait", action="store_true", help="已有发布在进行时立即退出，而不是等待。")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args, full=False, no_wait=False, no_progress=False, verbosity=1, **options):
        progress = Progress(sys.stderr, enabled=verbosity > 0 and not no_progress)
        if full:  # a cold publish: nothing kept (in memory or on disk) is used
            current().forget()
        try:
            job, result = PublishJob.run_command(full=full, progress=progress, wait=not no_wait)
        except PublishLocked as error:
            raise CommandError(str(error)) from error
        except VerificationError as error:
            progress.end()
            for problem in error.problems[:50]:
                self.stderr.write(f"  - {problem}")
            raise CommandError(f"校验失败，未上线，网站保持原样：共 {len(error.problems)} 个问题。") from error
        except (BuildError, ExportError, OSError) as error:  # (OSError: content/ or builds/ unreadable, full …)
            progress.end()
            raise CommandError(f"发布失败，网站保持原样：{explain(error)}") from error
        progress.end()
        if result.search_pending:  # its index failed after the swap: the catch-up job it queued needs a worker
            ensure_task()
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"注意：{note}"))
        changes = result.changes
        if result.up_to_date:
            self.stdout.write(f"内容没有变化，网站已是最新（{result.seconds:.1f} 秒）。")
            return
        self.stdout.write(self.style.SUCCESS(
            f"已发布构建 {result.build_id}：新增 {len(changes.added)}，修改 {len(changes.changed)}，"
            f"删除 {len(changes.removed)} 个页面；写入 {result.files_written}、删除 {result.files_deleted} 个文件；"
            f"用时 {result.seconds:.1f} 秒。"
        ))
        if verbosity > 1:
            for kind, label in (("added", "+"), ("changed", "~"), ("removed", "-")):
                for path in getattr(changes, kind):
                    self.stdout.write(f"  {label} {path}")
        if result.unfinished:
            raise CommandError(job.error)
        if result.post_publish_error:
            raise CommandError(f"网站已在本机上线，但{result.post_publish_error}")
