"""Publishing in the background: page changes queue a job; a database-backed worker runs it.

Run the worker with ``python manage.py db_worker --backend publish --queue-name publish``.
"""

from django.db import transaction
from django_tasks import task

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
