"""What the background machinery keeps besides django-tasks-db's task results.

``TaskWorker``: one row per running worker (``manage.py run_worker``), its
heartbeat. A worker whose heartbeat is older than
``BACKGROUND_WORKER_DEAD_AFTER_SECONDS`` is dead, and the tasks it was running
are re-queued or marked failed by the reaper (``directory/background/reaper.py``).

``PeriodicRun``: one row per periodic job and period. The unique constraint
is what makes every job run once per period however many workers' schedulers
try to enqueue it (``directory/background/scheduler.py``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskWorker(models.Model):
    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("process"))
    queues = models.CharField(_("queues"), max_length=255)
    started_at = models.DateTimeField(_("started on"))
    last_seen_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        ordering = ["started_at"]
        default_permissions = ()
        permissions = [
            ("view_background_tasks", _("Can see the background tasks and their errors"))
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, {self.pid})"


class PeriodicRun(models.Model):
    job = models.CharField(_("job"), max_length=255)
    period_start = models.DateTimeField(_("period"))
    enqueued_at = models.DateTimeField(_("enqueued on"), auto_now_add=True)
    task_result_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["job", "period_start"], name="periodic_run_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start.isoformat()}"
