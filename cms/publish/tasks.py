"""Publishing in the background: page changes queue a job; a database-backed worker runs it.

Run the worker with ``python manage.py db_worker --backend publish --queue-name publish``; several
may run side by side (one builds at a time, under the publish lock).

The ``PublishJob`` rows are the queue; a task of django-tasks is only the signal for a worker to
run whatever jobs are due. So a worker that dies after taking a task but before claiming its job
(django-tasks then leaves the task marked running for good, RealOrangeOne/django-tasks#46) loses
nothing: the job is still queued, and :func:`recover` gives it a new task. :func:`recover` runs at
every publish request, before and after every task, and every few seconds in the scheduler
(``run_scheduler``), so a dead worker's job is back in the queue within seconds. A worker also runs
:func:`worker_started` when it starts (cms/publish/management/commands/db_worker.py): a worker
restarted after a kill picks up what the dead one left at once, without waiting for anyone.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import PublishJob

logger = logging.getLogger("kepu.publish")

FORGET_AFTER = timedelta(minutes=1)
"""How long a task may be marked running without a job of its own before its record is closed as
failed. Only the library's record: the job itself never waits for this."""


@task(backend="publish", queue_name="publish", takes_context=True)
def publish_site_task(context, job_id=None):
    """Run every queued publish job that is due, oldest first. ``job_id`` (the job it was queued
    for) is only a hint: any due job is run, and a job already run by another worker is skipped."""
    from .pipeline import checkpoint

    checkpoint("task-taken")  # (tests kill a worker here: it took the task, has claimed nothing)
    recover()
    task_id, ran = str(context.task_result.id), []
    while (job := PublishJob.next_due()) is not None and job.pk not in ran:
        ran.append(job.pk)
        try:
            job.run(task_id=task_id)
        except Exception as error:  # recorded on the job, which is retried if it can be
            logger.exception("发布 #%s 失败：%s", job.pk, error)
    recover()
    return ran


def request_publish(reason=""):
    """Queue a publish once the current transaction commits; an editor's request never waits for it.

    Changes coalesce: while a job is still queued (not yet claimed) it will see this change too.
    A job that has been claimed may have read the database already, so a new one is queued."""

    def enqueue():
        _recover_quietly()
        PublishJob.queue(reason)
        ensure_task()

    transaction.on_commit(enqueue)


def publish_expired(now=None):
    """Queue a publish once a live document's ``valid_until`` has come (an event's end moves it to
    往期 …; the render cache renders it again then), or when the live build's search index was left
    unfinished with nothing queued to finish it. The scheduler calls this every pass. Returns a
    line for its report, or ""."""
    from . import manifest, swap

    live = swap.live()
    if catch_up_search(live):
        return "上线构建的搜索索引未完成，已排队自动补建。\n"
    due = manifest.next_expiry(live and live.manifest)
    if due is None or due > (now or timezone.now()):
        return ""
    request_publish("页面到了有效期，重新生成")
    return f"有页面在 {timezone.localtime(due):%Y-%m-%d %H:%M} 到期，已排队重新发布。\n"


def recover():
    """Repair whatever a dead worker left: its running job queued again, its task record closed, and
    a task waiting for every queued job. Safe to run anywhere at any time. Returns the jobs recovered."""
    recovered = PublishJob.recover_interrupted()
    forget_dead_tasks([job.task_id for job in recovered if job.task_id])
    if any(job.trigger == PublishJob.Trigger.COMMAND for job in recovered):  # not retried: its index?
        from . import swap

        catch_up_search(swap.live())
    ensure_task()
    return recovered


def catch_up_search(live):
    """If the live build (a swap.Build, or None) says its search index is pending and no job is queued
    or running to build it (e.g. a command-line publish was killed while building it), queue one.
    Returns the job queued, or None."""
    from .models import catch_up

    if live is None or not live.manifest.get("search_pending"):
        return None
    if PublishJob.objects.filter(status__in=[PublishJob.Status.QUEUED, PublishJob.Status.RUNNING]).exists():
        return None
    job = catch_up("补建搜索索引：上线构建的搜索索引未完成（发布在建索引时中断）")
    transaction.on_commit(ensure_task)
    return job


def worker_started():
    """What a publish worker does when it starts, before it takes a task: remove what a publish killed
    mid-way left in the builds folder (unless a publish is running now), queue again the jobs of dead
    workers, and queue the search index of the live build if it was left unfinished. Returns the
    jobs recovered."""
    from . import fsutil, swap
    from .lock import PublishLocked, publish_lock

    try:
        with fsutil.readable_umask(), publish_lock(wait=False):
            swap.cleanup()
            catch_up_search(swap.live())
    except PublishLocked:  # a publish is running: it cleans up and builds the index itself
        pass
    except OSError:  # (a read-only or full builds folder: the queued jobs fail, visibly, and retry)
        logger.exception("发布进程启动时清理构建文件夹失败")
    return recover()


def _recover_quietly():
    try:
        recover()
    except Exception:  # an editor's request must not fail over it: the scheduler tries again
        logger.exception("发布队列恢复失败")


def _tasks():
    return DBTaskResult.objects.filter(task_path=publish_site_task.module_path, backend_name="publish")


def ensure_task():
    """Unless a task is waiting that will run by the time the first queued job is due, queue one for
    that time. Returns the new task's result, or None."""
    now = timezone.now()
    due = [when or now for when in PublishJob.pending().values_list("retry_at", flat=True)]
    if not due:
        return None
    when = min(due)
    waiting = _tasks().filter(status="READY").filter(Q(run_after=get_date_max()) | Q(run_after__lte=when))
    if waiting.exists():
        return None
    return (publish_site_task if when <= now else publish_site_task.using(run_after=when)).enqueue()


class WorkerLost(Exception):
    """What a publish task whose worker process died is recorded as failing with."""


def forget_dead_tasks(task_ids=()):
    """Close the library's records of publish tasks whose worker died: those of ``task_ids`` (the
    tasks of jobs just found dead) and any running for a while without a running job of its own."""
    claimed = set(PublishJob.objects.filter(status=PublishJob.Status.RUNNING).values_list("task_id", flat=True))
    old = timezone.now() - FORGET_AFTER
    for result in _tasks().filter(status="RUNNING").filter(Q(pk__in=task_ids) | Q(started_at__lt=old)):
        if str(result.pk) not in claimed:
            result.set_failed(WorkerLost("发布任务的进程意外终止。"))
