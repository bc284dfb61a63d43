from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishJob(models.Model):
    """One publish: queued by a page change or run from the command line. The admin shows the last ones."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        PUBLISHED = "published", _("已上线")
        UNCHANGED = "unchanged", _("无变化")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        PAGE_CHANGE = "page_change", _("页面变更")
        COMMAND = "command", _("命令行")

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

    class Meta:
        verbose_name = _("发布记录")
        verbose_name_plural = _("发布记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_status_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def counts(self):
        return {key: len(self.changes.get(key, [])) for key in ("added", "changed", "removed")}

    def run(self, *, full=None, progress=None, wait=True):
        """Run the publish pipeline for this job and record the outcome. Re-raises failures.

        The job's lock is held throughout, so a job left "running" by a killed process can be told
        from one still running (:meth:`recover_interrupted`)."""
        from . import pipeline
        from .lock import job_lock

        full = self.full if full is None else full
        with job_lock(self.pk):
            self.status, self.started_at = self.Status.RUNNING, timezone.now()
            self.save(update_fields=["status", "started_at"])
            try:
                result = pipeline.publish(full=full, progress=progress, wait=wait)
            except BaseException as error:
                self.status, self.finished_at = self.Status.FAILED, timezone.now()
                self.error = str(error) or type(error).__name__
                self.seconds = (self.finished_at - self.started_at).total_seconds()
                self.save(update_fields=["status", "finished_at", "error", "seconds"])
                raise
            self.status = self.Status.UNCHANGED if result.up_to_date else self.Status.PUBLISHED
            self.finished_at = timezone.now()
            self.build_id = result.build_id or ""
            self.changes = result.changes.as_dict() if not result.up_to_date else {}
            self.files_written, self.files_deleted = result.files_written, result.files_deleted
            self.seconds = round(result.seconds, 2)
            self.error = result.post_publish_error  # the site here is live; copies elsewhere may lag
            self.save()
        return result

    @classmethod
    def recover_interrupted(cls):
        """Jobs still marked running whose process has died (killed, out of memory, machine restart):
        record them as failed and queue a publish in their place, so what they were publishing still
        goes out. The site itself needs no repair: an interrupted publish never touches it.
        Returns the recovered jobs."""
        from .lock import job_alive
        from .tasks import forget_task, request_publish

        recovered = []
        for job in cls.objects.filter(status=cls.Status.RUNNING):
            if job_alive(job.pk):
                continue
            now = timezone.now()
            seconds = (now - job.started_at).total_seconds() if job.started_at else None
            # Only if it is still running now: it may have finished since it was read.
            if cls.objects.filter(pk=job.pk, status=cls.Status.RUNNING).update(
                status=cls.Status.FAILED, finished_at=now, seconds=seconds, error=INTERRUPTED
            ):
                forget_task(job.pk)
                recovered.append(job)
        if recovered:
            request_publish("重新发布：" + "、".join(f"#{job.pk}" for job in recovered) + " 被中断")
        return recovered


INTERRUPTED = "发布进程意外终止（例如被强制结束），已自动重新排队发布。"
