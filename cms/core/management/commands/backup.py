import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库、上传的媒体文件和发布清单，写成一个 .tar.gz 文件。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o",
            help="备份文件路径；默认写到 var/backups/kepu-<时间>.tar.gz",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = settings.BASE_DIR / "var" / "backups" / f"kepu-{stamp}.tar.gz"
        try:
            path = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"备份完成：{path}（{size:.1f} MB）"))
