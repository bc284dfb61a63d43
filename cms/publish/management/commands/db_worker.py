"""django-tasks' ``db_worker``, which a publish worker first catches up with what a killed worker left
(``tasks.worker_started``), reads the documents the last worker saved (render_store.py) and the live
build's verification scans (``PublishState.prepare``), and loads the code its first publish runs
(``warm``) before its first job: run as before, ``python manage.py db_worker --backend publish …``.
Not with ``--batch`` (run what is ready, then exit: the tests' stand-in for a worker already running).

A publish worker starts at once: no random pause before its first look at the queue (the library's
guard against many workers polling in step; publish workers take turns under the publish lock), and
no system checks (the web process and ``migrate`` run them; they import every URL and view, which a
publish never uses)."""

import importlib
import importlib.util
import logging

from django.apps import apps
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

logger = logging.getLogger(__name__)


def warm():
    """Load now what a worker's first publish would otherwise load in its course: each page type's
    ``documents`` module (imported by ``to_document`` when a page of that type is first rendered),
    MkDocs' build and the Markdown extensions of the live build's configuration (the build
    processes forked later inherit them), then pypinyin's dictionaries (the search index's first
    title) — that last one only if no publish is waiting yet: it is needed once the pages are live,
    not before. Returns the names of what was loaded."""
    from cms.publish.models import PublishJob
    from cms.sitesearch import terms

    loaded = []
    for app in apps.get_app_configs():
        name = f"{app.name}.documents"
        if app.name.startswith("cms.") and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            loaded.append(name)
    try:
        loaded += _warm_build()
    except Exception:  # (a live build's configuration MkDocs cannot read: the build says so itself)
        logger.debug("发布进程启动时预载 MkDocs 失败", exc_info=True)
    if not PublishJob.due().exists():
        terms.load_pinyin()
        loaded.append("pypinyin")
    return loaded


def _warm_build():
    import markdown
    import mkdocs.commands.build  # noqa: F401
    from mkdocs.config import load_config

    from cms.publish import swap

    live = swap.live()
    if live is None or not (live.dir / "mkdocs.yml").is_file():
        return ["mkdocs"]
    config = load_config(config_file=str(live.dir / "mkdocs.yml"))
    markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    return ["mkdocs", *(name for name in config["markdown_extensions"] if isinstance(name, str))]


class Command(DBWorkerCommand):
    requires_system_checks = []

    def handle(self, *args, backend_name, **options):
        if backend_name == "publish" and not options.get("batch"):
            from cms.publish.state import current
            from cms.publish.tasks import worker_started

            try:
                current().prepare()  # before the first approval, not during it
            except OSError:  # (an unreadable builds folder: the jobs fail, visibly, and retry; as worker_started)
                logger.exception("发布进程启动时读取上次保存的渲染结果失败")
            worker_started()
            try:
                warm()
            except Exception:  # (what is not loaded here is loaded when used, and fails there if it must)
                logger.exception("发布进程启动时预载发布所需的模块失败")
            options["startup_delay"] = False
        return super().handle(*args, backend_name=backend_name, **options)
