"""The task worker: django-tasks-db's Worker, plus heartbeat, scheduler and retries.

``manage.py run_worker`` builds a :class:`Worker` and calls :func:`worker_serve`:

1. the worker records itself (:class:`~directory.models.TaskWorker`) and reaps
   the tasks of dead workers at once (a ``make run`` restarted after a crash
   finds its old tasks again without waiting);
2. a daemon thread (:class:`Heartbeat`) refreshes the heartbeat and runs the
   periodic scheduler every ``BACKGROUND_HEARTBEAT_SECONDS``, whatever the
   main thread is running;
3. the main thread runs django-tasks-db's loop (claiming with
   ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive
   transaction on SQLite), with :meth:`Worker.run_task` extended by the
   retry policies (``directory/background/__init__.py``);
4. on SIGINT/SIGTERM the current task finishes (a second signal stops it:
   it is then re-queued or failed like a dead worker's), and the worker
   removes its heartbeat.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from traceback import format_exception

from django_tasks import TaskContext, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import retry

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from directory.background import WorkerLost, retry_policy_for
from directory.background.reaper import WORKER_LOST_PATH, tasks_reap
from directory.background.scheduler import periodic_tick
from directory.models import TaskWorker

logger = logging.getLogger("directory.background")


def worker_id_new() -> str:
    """Unique across machines, and readable in the admin: host, process, random suffix."""
    host = socket.gethostname().split(".")[0][:40]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


class Worker(DatabaseWorker):
    """django-tasks-db's worker whose failed tasks are retried when their policy says so."""

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # Mirrors db_worker.Worker.run_task (django-tasks-db 0.13), with
        # _retry_later() deciding between "again later" and "failed".
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                return_value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                return_value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(return_value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except BaseException as error:  # recorded on the task, as db_worker does
            if not _retry_later(db_task_result, error):
                if isinstance(error, SystemExit | KeyboardInterrupt):
                    error = WorkerLost(
                        f"{WORKER_LOST_PATH}: the worker {self.worker_id} was stopped while "
                        "running this task."
                    )
                db_task_result.set_failed(error)
                try:
                    sender = type(db_task_result.task.get_backend())
                    task_result = db_task_result.task_result
                except (ImportError, SuspiciousOperation):
                    logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
                else:
                    task_finished.send(sender=sender, task_result=task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1


def _retry_later(db_task_result: DBTaskResult, error: BaseException) -> bool:
    """Put the task back in the queue if its policy allows another attempt; False otherwise.

    A stop of the worker (SystemExit, KeyboardInterrupt) counts as a lost
    worker: re-run at once if the policy allows it. An error waits for the
    backoff. The error stays on the row, so the admin shows why it waits.
    """
    policy = retry_policy_for(db_task_result.task_path)
    attempts = len(db_task_result.worker_ids)
    stopped = isinstance(error, SystemExit | KeyboardInterrupt)
    if policy is None or attempts >= policy.attempts or (stopped and not policy.on_worker_lost):
        return False
    delay = timedelta(0) if stopped else policy.delay(attempts)
    _requeue(db_task_result, error, delay)
    logger.warning(
        "Task %s (%s) failed on attempt %d of %d (%s: %s); next attempt in %s",
        db_task_result.id,
        db_task_result.task_path,
        attempts,
        policy.attempts,
        type(error).__name__,
        error,
        delay,
    )
    return True


@retry()
def _requeue(db_task_result: DBTaskResult, error: BaseException, delay: timedelta) -> None:
    db_task_result.status = TaskResultStatus.READY
    db_task_result.run_after = timezone.now() + delay
    db_task_result.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
    db_task_result.traceback = "".join(format_exception(error))
    db_task_result.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])


class Heartbeat(threading.Thread):
    """Refreshes the worker's heartbeat and runs the scheduler, every ``every`` seconds.

    A database error (SQLite busy for longer than its timeout, PostgreSQL
    restarting) is logged and tried again at the next beat: a missed beat
    or two is why the dead-after delay is several beats long.
    """

    def __init__(self, worker_id: str, every: float):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            self.beat()
            while not self.stopping.wait(self.every):
                self.beat()
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            close_old_connections()
            TaskWorker.objects.filter(worker_id=self.worker_id).update(last_seen_at=timezone.now())
        except DatabaseError as error:
            logger.warning("Heartbeat of worker %s missed: %s", self.worker_id, error)
        try:
            periodic_tick()
        except Exception:
            # Never let the scheduler stop the heartbeat: a silent worker is reaped.
            logger.exception("Periodic scheduler of worker %s failed", self.worker_id)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.every + 30)


def worker_serve(worker: Worker) -> None:
    """Run ``worker`` until it is stopped, with its heartbeat, scheduler and first reaping."""
    now = timezone.now()
    TaskWorker.objects.update_or_create(
        worker_id=worker.worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": ",".join(worker.queue_names)[:255],
            "started_at": now,
            "last_seen_at": now,
        },
    )
    tasks_reap()
    heartbeat = Heartbeat(worker.worker_id, settings.BACKGROUND_HEARTBEAT_SECONDS)
    heartbeat.start()
    logger.info(
        "Task worker %s started (queues: %s)", worker.worker_id, ",".join(worker.queue_names)
    )
    try:
        worker.configure_signals()
        worker.run()
    finally:
        heartbeat.stop()
        try:
            close_old_connections()
            TaskWorker.objects.filter(worker_id=worker.worker_id).delete()
        except DatabaseError:
            logger.warning("Could not remove the heartbeat of worker %s", worker.worker_id)
        logger.info("Task worker %s stopped", worker.worker_id)
