from django.core.management.base import BaseCommand

from cms.moderation.roles import ensure_roles


class Command(BaseCommand):
    help = "创建或更新编辑、审核、主编、机构投稿人四个角色及其权限（可重复运行）。"

    def handle(self, *args, **options):
        for name in ensure_roles():
            self.stdout.write(f"角色已就绪：{name}")
