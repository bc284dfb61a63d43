"""Scheduled publishing and expiry without cron, and a watch over the publish workers.

:func:`run_once` does one pass of Wagtail's own ``publish_scheduled`` (publish what is due,
unpublish what has expired) and checks the publish queue. :func:`check_publishing` repairs what a
dead publish worker left (its job queued again, a task for every queued job).
:func:`run_forever` runs a pass every ``interval`` seconds and the check every ``check_interval``
seconds (so a dead worker's publish is back in the queue within seconds) until ``stop`` is set; the
``run_scheduler`` management command sets it on SIGTERM or SIGINT.
It is a plain process, so it can run beside the publish worker (django-tasks).
"""

import io
import logging
import threading
import time

from django.core.management import call_command
from django.db import close_old_connections, connection

logger = logging.getLogger("kepu.scheduler")


def check_publishing():
    """Queue again the publish jobs whose worker died. Returns a line per recovered job."""
    from cms.publish.tasks import recover

    return "".join(f"发布任务 #{job.pk} 的进程已终止，已重新排队发布。\n" for job in recover())


def run_once():
    """Publish due pages and snippets, unpublish expired ones, publish again when a live document
    expires (its ``valid_until``), re-queue interrupted publishes.
    Returns Wagtail's report plus a line per recovered publish job."""
    from cms.factcheck.emergency import end_due_alerts
    from cms.publish.tasks import publish_expired

    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue() + end_due_alerts() + publish_expired() + check_publishing()


def run_forever(interval=60.0, stop=None, on_pass=None, check_interval=2.0):
    """Returns the number of full passes."""
    stop = stop or threading.Event()
    passes, next_pass = 0, time.monotonic()
    while not stop.is_set():
        if not connection.in_atomic_block:  # (never inside a caller's transaction, e.g. a test)
            close_old_connections()
        full = time.monotonic() >= next_pass
        try:
            report = run_once() if full else check_publishing()
        except Exception:  # a bad pass must not stop scheduled publishing for good
            logger.exception("定时发布执行失败，将在下一轮重试")
            report = ""
        if full:
            passes, next_pass = passes + 1, time.monotonic() + interval
        if on_pass is not None and (full or report):
            on_pass(passes, report)
        stop.wait(max(0.0, min(check_interval, next_pass - time.monotonic())))
    return passes
