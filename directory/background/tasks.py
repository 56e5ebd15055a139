"""The queue's own periodic jobs: reap dead workers' tasks, prune what is old."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.utils import timezone

from directory.background import periodic, periodic_jobs
from directory.background.reaper import tasks_reap, worker_dead_after
from directory.models import PeriodicRun, TaskWorker


@periodic(every=timedelta(minutes=1))
@task()
def dead_workers_reap() -> dict:
    """Re-queue or fail the tasks of workers that stopped answering (see reaper.py)."""
    reaped = tasks_reap()
    return {"requeued": len(reaped.requeued), "failed": len(reaped.failed)}


@periodic(every=timedelta(hours=6))
@task()
def task_results_prune() -> dict:
    """Delete finished task results past their keeping time, old periodic runs, gone workers.

    Successful results are kept ``BACKGROUND_KEEP_SUCCESSFUL_DAYS``, failed
    ones ``BACKGROUND_KEEP_FAILED_DAYS`` (long enough for staff to see them
    in the admin). A periodic run is deleted once its period has ended for
    a day: the current period's row must stay, or the job would run again.
    """
    now = timezone.now()
    successful, _ = DBTaskResult.objects.filter(
        status="SUCCESSFUL",
        finished_at__lt=now - timedelta(days=settings.BACKGROUND_KEEP_SUCCESSFUL_DAYS),
    ).delete()
    failed, _ = DBTaskResult.objects.filter(
        status="FAILED", finished_at__lt=now - timedelta(days=settings.BACKGROUND_KEEP_FAILED_DAYS)
    ).delete()
    runs = 0
    known = []
    for job in periodic_jobs():
        known.append(job.name)
        deleted, _ = PeriodicRun.objects.filter(
            job=job.name, period_start__lt=now - job.every - timedelta(days=1)
        ).delete()
        runs += deleted
    deleted, _ = (
        PeriodicRun.objects.exclude(job__in=known)
        .filter(period_start__lt=now - timedelta(days=30))
        .delete()
    )
    runs += deleted
    # A dead worker's row is kept a day after its last heartbeat: the reaper
    # names it in the error of the tasks it was running.
    workers, _ = TaskWorker.objects.filter(
        last_seen_at__lt=now - max(worker_dead_after(), timedelta(days=1))
    ).delete()
    return {"successful": successful, "failed": failed, "periodic_runs": runs, "workers": workers}
