"""The periodic scheduler: run by every worker, it enqueues each due job once per period.

:func:`periodic_tick` is called by each worker's heartbeat thread
(``directory/background/worker.py``) every ``BACKGROUND_HEARTBEAT_SECONDS``.
For every job whose current period has no :class:`~directory.models.PeriodicRun`
row yet, it inserts the row and enqueues the task in one transaction. Two
workers ticking at once both try; the unique constraint on (job, period)
lets exactly one insert through (PostgreSQL makes the second wait for the
first and then refuses it; SQLite's IMMEDIATE transactions take turns), and
the loser's enqueue is rolled back with its insert.
"""

from __future__ import annotations

import logging

from django_tasks.exceptions import InvalidTaskError

from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.background import periodic_jobs
from directory.models import PeriodicRun

logger = logging.getLogger(__name__)


def periodic_tick(*, now=None) -> list[str]:
    """Enqueue the periodic jobs due now; returns the names of those this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        period_start = job.period_start(now)
        if PeriodicRun.objects.filter(job=job.name, period_start=period_start).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period_start=period_start)
                result = job.task.enqueue()
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker enqueued it for this period
        except (ImportError, InvalidTaskError):
            logger.exception("Periodic job %s cannot be enqueued", job.name)
            continue
        logger.debug("Periodic job %s enqueued for the period of %s", job.name, period_start)
        enqueued.append(job.name)
    return enqueued
