"""Publish jobs: what the admin's 发布记录 lists, and the queue the publish workers run.

A job's life, which every process reads the same way:

- ``queued``: nobody has it. Page changes fold into it (:meth:`PublishJob.queue`); a worker claims
  it (queued → running in one conditional update, after taking the claim's lock) once it is due.
  After a failure it is queued again with the error and a retry time (``retry_at``, backing off).
- ``running``: a process holds its claim lock (``lock.job_lock``). If that lock is free, the process
  died: :meth:`recover_interrupted` queues the job again.
- ``published`` / ``unchanged`` / ``failed`` / ``merged``: ended. A publish whose new build went
  live but that failed afterwards (e.g. the disk filled while its search index was built) is
  ``published``, its ``error`` saying what is live and what is not; a ``recovery`` job queued then
  finishes the search index, retried like any other until it succeeds. ``failed`` is final: verification
  found a fault in the content (a retry would find it again) or a command-line publish failed (its user
  sees it). ``merged``: the attempt failed or was interrupted while another job was already queued, so
  its reason was handed on to that job, which publishes everything (the error names it).
"""

from contextlib import ExitStack
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INTERRUPTED = "发布进程意外终止（例如被强制结束）。"

RETRY_DELAYS = (1, 2, 4, 5)
"""Seconds before the first, second, third and every later retry of a failed publish: short, so that
an approval goes live within seconds of its cause (a full disk, a read-only folder) going away."""


def retry_delay(failures):
    return RETRY_DELAYS[min(failures, len(RETRY_DELAYS)) - 1]


def describe(error):
    from .errors import explain

    return explain(error)


def retryable(error):
    """Everything but a verification failure, which the same content would fail again."""
    from .errors import VerificationError

    return not isinstance(error, VerificationError)


class PublishJob(models.Model):
    """One publish: queued by a page change or run from the command line. The admin shows the last ones."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        PUBLISHED = "published", _("已上线")
        UNCHANGED = "unchanged", _("无变化")
        FAILED = "failed", _("失败")
        MERGED = "merged", _("已并入后续发布")

    class Trigger(models.TextChoices):
        PAGE_CHANGE = "page_change", _("页面变更")
        COMMAND = "command", _("命令行")
        RECOVERY = "recovery", _("自动补建")

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger = models.CharField(_("触发方式"), max_length=16, choices=Trigger.choices, default=Trigger.PAGE_CHANGE)
    reason = models.TextField(_("原因"), blank=True)
    full = models.BooleanField(_("完整重建"), default=False)
    build_id = models.CharField(_("构建编号"), max_length=40, blank=True)
    changes = models.JSONField(_("页面变化"), default=dict, blank=True)
    files_written = models.PositiveIntegerField(_("写入文件数"), default=0)
    files_deleted = models.PositiveIntegerField(_("删除文件数"), default=0)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    notes = models.TextField(_("说明"), blank=True, help_text=_("发布中发现并已处理的问题，例如损坏的 manifest.json"))
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    retry_at = models.DateTimeField(_("重试时间"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True, help_text=_("主机名:进程号"))
    claim = models.CharField(_("认领标记"), max_length=32, blank=True)
    task_id = models.CharField(_("后台任务"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("发布记录")
        verbose_name_plural = _("发布记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_status_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def counts(self):
        return {key: len(self.changes.get(key, [])) for key in ("added", "changed", "removed")}

    @property
    def retrying(self):
        return self.status == self.Status.QUEUED and self.failures > 0

    @property
    def status_label(self):
        if self.retrying:
            when = f"{timezone.localtime(self.retry_at):%H:%M:%S} " if self.retry_at else ""
            return f"失败 {self.failures} 次，{when}自动重试"
        if self.status == self.Status.PUBLISHED and self.error:
            return "已上线，但有未完成的部分"
        if self.failures and self.status != self.Status.FAILED:
            return f"{self.get_status_display()}（失败 {self.failures} 次后重试）"
        return self.get_status_display()

    # -- the queue ----------------------------------------------------------------------------------

    @classmethod
    def pending(cls):
        """Queued jobs the workers run (a command-line publish runs in its own process)."""
        return cls.objects.filter(status=cls.Status.QUEUED).exclude(trigger=cls.Trigger.COMMAND)

    @classmethod
    def queue(cls, reason="", *, trigger=Trigger.PAGE_CHANGE):
        """Fold ``reason`` into the queued job, or queue a new one. Returns the job.

        A queued job is one nobody has claimed, and a claim is a conditional update from queued, so
        whoever claims it later reads the database after this change: folding in loses nothing."""
        with transaction.atomic():
            job = cls.pending().select_for_update().order_by("created_at", "pk").first()
            if job is None:
                return cls.objects.create(reason=reason[-2000:], trigger=trigger)
            if reason and reason not in job.reason:
                job.reason = f"{job.reason}\n{reason}".strip()[-2000:]
                job.save(update_fields=["reason"])
            return job

    @classmethod
    def next_due(cls):
        """The oldest queued job whose retry time (if any) has come."""
        return cls.due().order_by("created_at", "pk").first()

    @classmethod
    def due(cls):
        """The queued jobs whose retry time (if any) has come."""
        return cls.pending().filter(Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()))

    # -- running ------------------------------------------------------------------------------------

    def run(self, *, progress=None, wait=True, task_id=""):
        """Claim this queued job and run the pipeline; record the outcome. Returns the result, or
        None when another process claimed the job first. Re-raises failures (recorded first)."""
        from .lock import job_lock, new_claim

        worker, claim = new_claim()
        with ExitStack() as held:
            try:
                held.enter_context(job_lock(claim))
            except OSError as error:  # the builds folder cannot be written: nothing could be published
                self._failed(error, was=self.Status.QUEUED)
                raise
            claimed = type(self).objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
                status=self.Status.RUNNING, started_at=timezone.now(), finished_at=None, seconds=None,
                worker=worker, claim=claim, task_id=task_id,
            )
            if not claimed:
                return None
            self.refresh_from_db()
            from .pipeline import checkpoint

            checkpoint("claimed")
            return self._execute(full=self.full, progress=progress, wait=wait, yield_to=self.others_waiting)

    @classmethod
    def run_command(cls, *, full=False, progress=None, wait=True):
        """Publish now from the command line, recorded as a job of its own (never retried: the
        command's user sees the outcome). Returns (the job, the pipeline's result); re-raises failures."""
        from .lock import job_lock, new_claim

        worker, claim = new_claim()
        fields = {"trigger": cls.Trigger.COMMAND, "full": full, "worker": worker}
        with ExitStack() as held:
            try:
                held.enter_context(job_lock(claim))
            except OSError as error:
                now = timezone.now()
                cls.objects.create(**fields, status=cls.Status.FAILED, finished_at=now, error=describe(error))
                raise
            job = cls.objects.create(**fields, status=cls.Status.RUNNING, started_at=timezone.now(), claim=claim)
            return job, job._execute(full=full, progress=progress, wait=wait)

    def others_waiting(self):
        """Whether another publish waits for this one: a queued job that is due, or one another process
        of this machine has claimed (it waits for the publish lock), neither failed before. A worker's
        publish lets it go first rather than build its search index now (pipeline.publish's
        ``yield_to``): that publish builds the index of all its pages, these included."""
        from .lock import job_alive, this_host

        # Not to a job that has failed before: it may well fail again, and the index would wait on it.
        if type(self).due().filter(failures=0).exists():
            return True
        others = type(self).objects.filter(status=self.Status.RUNNING, worker__startswith=f"{this_host()}:",
                                           failures=0)
        return any(job_alive(claim) for claim in others.exclude(pk=self.pk).values_list("claim", flat=True) if claim)

    def _execute(self, *, full, progress, wait, yield_to=None):
        from . import pipeline, state

        try:
            result = pipeline.publish(full=full, progress=progress, wait=wait, yield_to=yield_to)
        except BaseException as error:
            state.current().check_content_next()  # content/ may be half rewritten
            self._failed(error, was=self.Status.RUNNING)
            raise
        self.status = self.Status.UNCHANGED if result.up_to_date else self.Status.PUBLISHED
        self.finished_at, self.retry_at = timezone.now(), None
        self.build_id = result.build_id or ""
        self.changes = result.changes.as_dict() if not result.up_to_date else {}
        self.files_written, self.files_deleted = result.files_written, result.files_deleted
        self.seconds = round(result.seconds, 2)
        self.notes = "\n".join(result.notes)
        self.error = self._unfinished(result)  # the site here is live; what is not done, if anything
        self.save(update_fields=["status", "finished_at", "retry_at", "build_id", "changes", "files_written",
                                 "files_deleted", "seconds", "error", "notes"])
        return result

    def _unfinished(self, result):
        """What to record of a publish that went live but failed afterwards: what is live, what is not,
        and (for a search index left behind) the job that finishes it by itself."""
        problems = [*result.unfinished, *([result.post_publish_error] if result.post_publish_error else [])]
        if not problems:
            return ""
        if result.search_pending and not result.index_deferred:
            job = catch_up(f"补建搜索索引：发布 #{self.pk} 的新页面已上线，其搜索索引未完成")
            problems.append(f"已排队自动补建搜索索引（发布 #{job.pk}），失败时自动重试，无需手动操作。")
        return f"新页面已上线（构建 {result.build_id}）。但：" + "；".join(problems)

    def _failed(self, error, *, was):
        """Record a failed or interrupted attempt (if the job is still ``was``). A page change's job is
        queued again to retry after a pause, unless the content itself failed verification, or another
        queued job will publish everything anyway (then it ends as ``merged``, handing its reason on).
        Returns whether the job was still ``was``."""
        now = timezone.now()
        text = error if isinstance(error, str) else describe(error)
        seconds = (now - self.started_at).total_seconds() if was == self.Status.RUNNING and self.started_at else None
        fields = {"finished_at": now, "seconds": seconds, "error": text, "status": self.Status.FAILED}
        retry = self.trigger != self.Trigger.COMMAND and (isinstance(error, str) or retryable(error))
        with transaction.atomic():
            later = self.pending().exclude(pk=self.pk).first() if retry else None
            if later is not None:
                fields.update(status=self.Status.MERGED, error=f"{text}（由其后的发布 #{later.pk} 一并发布）")
            elif retry:
                failures = self.failures + 1
                fields.update(status=self.Status.QUEUED, failures=failures,
                              retry_at=now + timedelta(seconds=retry_delay(failures)))
            changed = type(self).objects.filter(pk=self.pk, status=was).update(**fields)
        if changed and later is not None:
            type(self).queue(f"接续 #{self.pk}：{self.reason}")
        self.refresh_from_db()
        return bool(changed)

    @classmethod
    def recover_interrupted(cls):
        """Jobs marked running whose process has died (killed, out of memory, machine restart):
        queued again (or ended, when another queued job covers them), so what they were publishing
        still goes out. The site needs no repair: an interrupted publish never touches it.
        Only jobs claimed on this machine can be judged here. Returns the recovered jobs."""
        from .lock import job_alive, this_host

        recovered = []
        for job in cls.objects.filter(status=cls.Status.RUNNING):
            host = job.worker.rpartition(":")[0]
            if (host and host != this_host()) or job_alive(job.claim or str(job.pk)):
                continue
            if job._failed(INTERRUPTED, was=cls.Status.RUNNING):
                recovered.append(job)
        return recovered


def catch_up(reason):
    """Queue a job that brings the live build up to date (its search index), folded into any queued
    job. Returns the job. A worker's task runs it (the task running this job picks it up next; from
    elsewhere the caller gives it a task: tasks.ensure_task)."""
    return PublishJob.queue(reason, trigger=PublishJob.Trigger.RECOVERY)
