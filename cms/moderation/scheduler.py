"""Scheduled publishing and expiry without cron.

:func:`run_once` does one pass of Wagtail's own ``publish_scheduled`` (publish what is due,
unpublish what has expired). :func:`run_forever` repeats it every ``interval`` seconds until
``stop`` is set; the ``run_scheduler`` management command sets it on SIGTERM or SIGINT.
It is a plain process, so it can run beside the publish worker (django-tasks).
"""

import io
import logging
import threading

from django.core.management import call_command
from django.db import close_old_connections, connection

logger = logging.getLogger("kepu.scheduler")


def run_once():
    """Publish due pages and snippets, unpublish expired ones. Returns Wagtail's report."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
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
