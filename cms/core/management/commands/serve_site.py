from django.conf import settings
from django.core.management.base import BaseCommand

from cms.core.site_server import make_server


class Command(BaseCommand):
    help = "开发用：在 127.0.0.1 上提供已发布的公众网站（缺失的页面返回网站自己的 404.html）。"

    def add_arguments(self, parser):
        parser.add_argument("port", type=int, nargs="?", default=8001)
        parser.add_argument("--directory", default=str(settings.KEPU_SITE_DIR))

    def handle(self, *args, port, directory, **options):
        server = make_server(directory, port)
        self.stdout.write(f"公众网站： http://127.0.0.1:{server.server_address[1]}/")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
