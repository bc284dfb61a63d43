"""python manage.py load_sample_access_log — make (once) and ingest a sample access log of the sample site."""

import datetime
import gzip
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.reach.pages import live_paths
from cms.reach.sample_log import sample_lines


class Command(BaseCommand):
    help = "为示例网站生成一份示例访问日志（只生成一次），并读入阅读量统计；再次运行不会重复计数。"

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=16, help="日志覆盖的周数（默认 16 周，到昨天为止）。")
        parser.add_argument("--views-per-day", type=int, default=80, help="平均每天的页面阅读次数（默认 80）。")
        parser.add_argument("--file", default=str(Path(settings.BASE_DIR) / "var" / "sample-logs" / "access.log.gz"))

    def handle(self, *args, weeks, views_per_day, file, verbosity=1, **options):
        path = Path(file)
        if not path.exists():
            paths = live_paths()
            if not paths:
                self.stdout.write("没有在线页面，未生成示例访问日志。")
                return
            days = weeks * 7
            first_day = timezone.localdate() - datetime.timedelta(days=days)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".part")
            with gzip.open(partial, "wt", encoding="utf-8") as out:
                out.writelines(sample_lines(paths, first_day, days, views_per_day))
            partial.rename(path)
            if verbosity:
                self.stdout.write(f"已生成示例访问日志 {path}（{first_day} 起 {days} 天）。")
        call_command("ingest_access_logs", str(path), "--no-progress", verbosity=verbosity, stdout=self.stdout)
