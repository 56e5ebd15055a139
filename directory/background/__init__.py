"""Background work on a real queue: what django-tasks-db leaves to the project.

Tasks are Django's Tasks interface (the ``django-tasks`` backport; Django 6's
``django.tasks`` later, imports only): ``@task()`` functions in each app's
``tasks`` modules, enqueued after commit, run by ``manage.py run_worker`` on
the database backend (SQLite in ``make run``, PostgreSQL in production, with
as many workers on as many machines as needed). django-tasks-db stores and
claims tasks safely; it has no retries, no dead-worker detection and no
periodic scheduling, so this package adds them:

- **Retries with exponential backoff**, for tasks declared so::

      @retrying(attempts=10, backoff=timedelta(minutes=1), max_backoff=timedelta(hours=2))
      @task()
      def mail_send(*, message: dict) -> None: ...

  A failed attempt puts the same task result back in the queue (status
  READY, ``run_after`` = now + backoff, the error kept on the row); the
  last one marks it FAILED. Tasks without a policy fail at the first error,
  as django-tasks-db does.
- **Heartbeats and the reaper**: every worker records a heartbeat
  (:class:`~directory.models.TaskWorker`) from a thread; a task RUNNING on a
  worker silent for ``BACKGROUND_WORKER_DEAD_AFTER_SECONDS`` is re-queued
  when its policy allows (``on_worker_lost``), else marked FAILED with a
  message that says so. A task never stays "running" forever.
- **Periodic jobs**, declared in code::

      @periodic(every=timedelta(hours=1))
      @task()
      def task_results_prune() -> None: ...

  (or in ``BACKGROUND_PERIODIC_TASKS``). Every worker runs the scheduler;
  the database arbitrates: one :class:`~directory.models.PeriodicRun` row per
  (job, period) under a unique constraint, inserted in the same transaction
  as the task, so each job is enqueued once per period however many workers
  run, on SQLite and PostgreSQL alike. No extra process (no beat, no cron).

Why a row per (job, period) for the schedule: it needs nothing but the
database both ways of running already have, works the same on SQLite and
PostgreSQL (advisory locks are PostgreSQL only), has no single process to
keep alive (a "beat" process must run exactly once, cron must be set up on
each machine and is absent from ``make run``), and cannot enqueue twice: the
insert and the task are one transaction, so a crash leaves both or neither.

The registries below are filled when the modules declaring tasks are
imported: the worker imports every installed app's ``tasks`` module first
(``directory/tasks.py`` lists the directory's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils.module_loading import import_string

__all__ = [
    "PeriodicJob",
    "RetryPolicy",
    "WorkerLost",
    "arguments_are_hidden",
    "arguments_hidden",
    "periodic",
    "periodic_jobs",
    "retry_policy_for",
    "retrying",
]


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died or was stopped while running it."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon a task is tried again.

    ``attempts`` counts every run, the first included. After the n-th failed
    attempt the task waits ``backoff * 2**(n-1)``, at most ``max_backoff``.
    ``on_worker_lost``: re-run at once a task whose worker died under it
    (only for tasks that are safe to run twice, or atomic).
    """

    attempts: int
    backoff: timedelta
    max_backoff: timedelta
    on_worker_lost: bool = True

    def delay(self, attempts_made: int) -> timedelta:
        return min(self.max_backoff, self.backoff * 2 ** max(attempts_made - 1, 0))


_RETRY_POLICIES: dict[str, RetryPolicy] = {}


def retrying(
    *,
    attempts: int,
    backoff: timedelta,
    max_backoff: timedelta | None = None,
    on_worker_lost: bool = True,
):
    """Declare a task retryable (decorate the ``@task()`` object, above it)."""
    if attempts < 1:
        raise ValueError("A task is attempted at least once.")
    policy = RetryPolicy(
        attempts=attempts,
        backoff=backoff,
        max_backoff=max_backoff or backoff * 2 ** (attempts - 1),
        on_worker_lost=on_worker_lost,
    )

    def register(task):
        _RETRY_POLICIES[task.module_path] = policy
        return task

    return register


def retry_policy_for(task_path: str) -> RetryPolicy | None:
    """The policy of the task at ``task_path``, importing its module (a worker that has not
    run it yet, such as the reaper's, may not have)."""
    if task_path not in _RETRY_POLICIES:
        try:
            import_string(task_path)
        except ImportError:
            return None
    return _RETRY_POLICIES.get(task_path)


_ARGUMENTS_HIDDEN: set[str] = set()


def arguments_hidden(task):
    """The admin's task pages do not show this task's arguments: they carry what only their
    recipient may read (an e-mail with a password reset link). Decorate the ``@task()``."""
    _ARGUMENTS_HIDDEN.add(task.module_path)
    return task


def arguments_are_hidden(task_path: str) -> bool:
    if task_path not in _ARGUMENTS_HIDDEN:
        try:
            import_string(task_path)
        except ImportError:
            return True  # unknown code: show nothing rather than guess
    return task_path in _ARGUMENTS_HIDDEN


@dataclass(frozen=True)
class PeriodicJob:
    """A task (taking no argument) enqueued once per period of ``every``.

    Periods are aligned on a fixed epoch (2000-01-01 UTC): an hourly job's
    periods start on the hour, a daily job's at midnight UTC. A period that
    passes while no worker runs is not caught up: the next one runs.
    """

    name: str
    task_path: str
    every: timedelta

    def period_start(self, now):
        from datetime import UTC, datetime

        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        return epoch + ((now - epoch) // self.every) * self.every

    @property
    def task(self):
        return import_string(self.task_path)


_PERIODIC: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta):
    """Declare a periodic job (decorate the ``@task()`` object, above it)."""
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive period.")

    def register(task):
        _PERIODIC[task.module_path] = PeriodicJob(
            name=task.module_path, task_path=task.module_path, every=every
        )
        return task

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Every periodic job: those declared with :func:`periodic`, then the setting's."""
    from django.conf import settings

    jobs = dict(_PERIODIC)
    for path, seconds in getattr(settings, "BACKGROUND_PERIODIC_TASKS", {}).items():
        every = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
        jobs[path] = PeriodicJob(name=path, task_path=path, every=every)
    return sorted(jobs.values(), key=lambda job: job.name)
