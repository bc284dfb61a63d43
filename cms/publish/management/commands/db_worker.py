"""django-tasks' ``db_worker``, which a publish worker first catches up with what a killed worker left
(``tasks.worker_started``) and reads the documents the last worker saved (render_store.py) and the live
build's verification scans (``PublishState.prepare``) before its first job: run as before, ``python
manage.py db_worker --backend publish …``. Not with ``--batch`` (run what is ready, then exit: the
tests' stand-in for a worker already running)."""

import logging

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

logger = logging.getLogger(__name__)


class Command(DBWorkerCommand):
    def handle(self, *args, backend_name, **options):
        if backend_name == "publish" and not options.get("batch"):
            from cms.publish.state import current
            from cms.publish.tasks import worker_started

            try:
                current().prepare()  # before the first approval, not during it
            except OSError:  # (an unreadable builds folder: the jobs fail, visibly, and retry; as worker_started)
                logger.exception("发布进程启动时读取上次保存的渲染结果失败")
            worker_started()
        return super().handle(*args, backend_name=backend_name, **options)
