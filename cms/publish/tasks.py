"""Publishing in the background: page changes queue a job; a database-backed worker runs it.

Run the worker with ``python manage.py db_worker --backend publish --queue-name publish``; several
may run side by side (one builds at a time, under the publish lock). django-tasks-db leaves a task
whose worker was killed marked running for good (RealOrangeOne/django-tasks#46); the scheduler
finds such publish jobs each pass and queues a publish in their place
(``PublishJob.recover_interrupted``).
"""

from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .models import PublishJob


@task(backend="publish", queue_name="publish")
def publish_site_task(job_id):
    job = PublishJob.objects.filter(pk=job_id, status=PublishJob.Status.QUEUED).first()
    if job is None:
        return "skipped"
    job.run()
    return job.status


def request_publish(reason=""):
    """Queue a publish once the current transaction commits; an editor's request never waits for it.

    Changes coalesce: while a job is still queued (not yet started) it will see this change too.
    A job that has started may have read the database already, so a new one is queued.
    """

    def enqueue():
        with transaction.atomic():
            queued = PublishJob.objects.filter(status=PublishJob.Status.QUEUED).first()
            if queued is not None:
                if reason and reason not in queued.reason:
                    queued.reason = f"{queued.reason}\n{reason}".strip()[-2000:]
                    queued.save(update_fields=["reason"])
                return
            job = PublishJob.objects.create(reason=reason)
        publish_site_task.enqueue(job.pk)

    transaction.on_commit(enqueue)


class WorkerLost(Exception):
    """What a publish task whose worker process died is recorded as failing with."""


def forget_task(job_id):
    """Mark the database task of a publish job whose worker died as failed (the library leaves it running)."""
    running = DBTaskResult.objects.running().filter(task_path=publish_site_task.module_path)
    for result in running:
        if result.args_kwargs.get("args") == [job_id]:
            result.set_failed(WorkerLost(f"发布任务 #{job_id} 的进程意外终止。"))
