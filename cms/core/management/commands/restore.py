from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.core.backup import BackupError, backup_dirs, restore_backup


class Command(BaseCommand):
    help = (
        "用备份文件替换当前的数据库、媒体文件和发布清单（先校验整个备份，有问题就什么都不改）。"
        "之后运行 publish_site --full 重建网站。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 写出的 .tar.gz 文件")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="不询问，直接恢复")

    def handle(self, *args, archive, interactive=True, **options):
        try:
            meta = restore_backup(archive, confirm=self.ask if interactive else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"已恢复 {meta['created']} 的备份。"))

    def ask(self, meta):
        folders = "、".join(str(path) for path in backup_dirs().values())
        answer = input(
            f"备份已校验完好。将用 {meta['created']} 的备份替换当前数据库和 {folders}，当前内容会丢失。"
            "输入 yes 继续："
        )
        return answer.strip().lower() == "yes"
