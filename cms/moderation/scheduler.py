"""Scheduled publishing and expiry without cron.

:func:`run_once` does one pass of Wagtail's own ``publish_scheduled`` (publish what is due,
unpublish what has expired) and re-queues any publish job whose worker process died.
:func:`run_forever` repeats it every ``interval`` seconds until ``stop`` is set; the
``run_scheduler`` management command sets it on SIGTERM or SIGINT.
It is a plain process, so it can run beside the publish worker (django-tasks).
"""

import io
import logging
import threading

from django.core.management import call_command
from django.db import close_old_connections, connection

logger = logging.getLogger("kepu.scheduler")


def run_once():
    """Publish due pages and snippets, unpublish expired ones, re-queue interrupted publishes.
    Returns Wagtail's report plus a line per recovered publish job."""
    from cms.publish.models import PublishJob

    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    for job in PublishJob.recover_interrupted():
        out.write(f"发布任务 #{job.pk} 的进程已终止，已重新排队发布。\n")
    return out.getvalue()


def run_forever(interval=60.0, stop=None, on_pass=None):
    stop = stop or threading.Event()
    passes = 0
    while not stop.is_set():
        if not connection.in_atomic_block:  # (never inside a caller's transaction, e.g. a test)
            close_old_connections()
        try:
            report = run_once()
        except Exception:  # a bad pass must not stop scheduled publishing for good
            logger.exception("定时发布执行失败，将在下一轮重试")
            report = ""
        passes += 1
        if on_pass is not None:
            on_pass(passes, report)
        stop.wait(interval)
    return passes
