import signal
import threading

from django.core.management.base import BaseCommand

from cms.moderation.scheduler import run_forever, run_once


class Command(BaseCommand):
    help = (
        "定时发布与到期撤下：每隔若干秒运行一次 Wagtail 的 publish_scheduled；"
        "每隔几秒检查发布进程，重新排队进程已终止的发布。收到 SIGTERM 或 Ctrl-C 时退出。无需 cron。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0, help="两次检查之间的秒数（默认 60）。")
        parser.add_argument("--check-interval", type=float, default=2.0,
                            help="两次检查发布进程之间的秒数（默认 2）。")
        parser.add_argument("--once", action="store_true", help="只检查一次就退出。")

    def handle(self, *args, interval, check_interval, once, **options):
        if once:
            self.stdout.write(run_once())
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            self.stdout.write("收到停止信号，定时发布程序退出。")
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(
            f"定时发布程序已启动，每 {interval:g} 秒检查一次定时发布，每 {check_interval:g} 秒检查一次发布进程。"
        )

        def report(passes, output):
            if output.strip():
                self.stdout.write(output.rstrip())

        run_forever(interval, stop, on_pass=report, check_interval=check_interval)
