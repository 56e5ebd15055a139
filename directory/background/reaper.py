"""The reaper: tasks left RUNNING by a dead worker are re-queued or marked failed.

A worker that is killed (out of memory, SIGKILL, a machine that goes away)
cannot record what became of its task: django-tasks-db leaves it RUNNING
forever. Every worker writes a heartbeat; :func:`tasks_reap` (a periodic
job, and once when each worker starts) takes every task RUNNING for longer
than ``BACKGROUND_WORKER_DEAD_AFTER_SECONDS`` on a worker silent for as long,
and either puts it back in the queue (its retry policy says
``on_worker_lost`` and attempts remain) or marks it FAILED with a
:class:`~directory.background.WorkerLost` error saying what happened.

Each change is a compare-and-set on (status, started_at), so two reapers, or
a worker that was only slow and finishes after all, never both win.
Precondition for correctness: the dead-after delay is longer than any pause
of a live worker's heartbeat thread (on SQLite a long import holds the write
lock, and the heartbeat waits for it: keep the delay above the longest
import, or run several workers on PostgreSQL).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.conf import settings
from django.utils import timezone

from directory.background import WorkerLost, retry_policy_for
from directory.models import TaskWorker

logger = logging.getLogger(__name__)

WORKER_LOST_PATH = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def worker_dead_after() -> timedelta:
    return timedelta(seconds=settings.BACKGROUND_WORKER_DEAD_AFTER_SECONDS)


@dataclass
class Reaped:
    requeued: list[str]
    failed: list[str]


def tasks_reap(*, now=None) -> Reaped:
    """Re-queue or fail the tasks of dead workers. Safe to run anywhere, any number of times."""
    now = now or timezone.now()
    cutoff = now - worker_dead_after()
    workers = {worker.worker_id: worker for worker in TaskWorker.objects.all()}
    reaped = Reaped(requeued=[], failed=[])
    for result in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        worker = workers.get(worker_id)
        if worker is not None and worker.last_seen_at >= cutoff:
            continue  # alive: a long task
        policy = retry_policy_for(result.task_path)
        attempts = len(result.worker_ids)
        retry = policy is not None and policy.on_worker_lost and attempts < policy.attempts
        seen = (
            f"last heartbeat {worker.last_seen_at.isoformat()} on {worker.hostname}, "
            f"process {worker.pid}"
            if worker
            else "no heartbeat recorded"
        )
        message = (
            f"{WORKER_LOST_PATH}: the worker {worker_id or '?'} running this task stopped "
            f"answering ({seen}); the task was started {result.started_at.isoformat()}. "
        )
        unchanged = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if retry:
            changed = unchanged.update(
                status=TaskResultStatus.READY,
                run_after=now,
                exception_class_path=WORKER_LOST_PATH,
                traceback=message + f"It was put back in the queue (attempt {attempts + 1}).",
            )
            target = reaped.requeued
        else:
            reason = (
                "It is not declared safe to run again."
                if policy is None or not policy.on_worker_lost
                else f"It was not run again: {attempts} attempts made."
            )
            changed = unchanged.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST_PATH,
                traceback=message + reason,
            )
            target = reaped.failed
        if changed:
            target.append(str(result.pk))
            logger.warning(
                "Task %s (%s) of dead worker %s %s",
                result.pk,
                result.task_path,
                worker_id,
                "re-queued" if retry else "marked failed",
            )
    return reaped
