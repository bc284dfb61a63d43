"""python manage.py publish_rollback [BUILD] [--list] — put an earlier build back online."""

from django.core.management.base import BaseCommand, CommandError

from cms.publish import pipeline, swap


class Command(BaseCommand):
    help = "回滚公众网站到上一个（或指定的）构建。"

    def add_arguments(self, parser):
        parser.add_argument("build", nargs="?", help="构建编号；默认是当前在线构建的前一个。")
        parser.add_argument("--list", action="store_true", help="列出保留的构建。")

    def handle(self, *args, build=None, list=False, **options):
        if list:
            live = swap.live_build()
            for build_id in swap.list_builds():
                self.stdout.write(f"{'*' if build_id == live else ' '} {build_id}")
            return
        try:
            target, problem = pipeline.rollback(build)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if problem:
            raise CommandError(f"网站已在本机回滚到构建 {target}，但{problem}")
        self.stdout.write(self.style.SUCCESS(f"网站已回滚到构建 {target}。下一次发布会重新发布当前在线内容。"))
