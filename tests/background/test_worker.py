"""The queue on its real backend: tasks run by `manage.py run_worker` processes on PostgreSQL."""

import signal
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from django.core.cache import cache
from django.db import close_old_connections, connection
from django.utils import timezone

from directory.background import PeriodicJob, RetryPolicy, periodic_jobs
from directory.background.reaper import WORKER_LOST_PATH, tasks_reap
from directory.background.scheduler import periodic_tick
from directory.models import PeriodicRun, TaskWorker

from . import tasks
from .conftest import wait_for

TICK = "tests.background.tasks.tick"


def _result(task_result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=task_result.id)


def _finished(task_result):
    def check():
        result = _result(task_result)
        return result if result.status in ("SUCCESSFUL", "FAILED") else None

    return check


def test_a_worker_runs_an_enqueued_task_and_records_its_heartbeat(workers):
    result = tasks.add.enqueue(2, 3)
    process = workers.start()

    done = wait_for(_finished(result), what="the task to finish")
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    assert done.return_value == 5
    [worker] = TaskWorker.objects.all()
    assert done.worker_ids == [worker.worker_id]
    assert worker.pid == process.pid

    workers.stop(process)
    assert process.returncode == 0, workers.log(process)
    assert not TaskWorker.objects.exists()  # a worker that stops removes its heartbeat


def test_a_failing_task_is_retried_with_growing_delays_then_marked_failed(workers):
    key = f"test:{uuid.uuid4()}"
    result = tasks.always_fails.enqueue(key=key)
    workers.start()

    done = wait_for(_finished(result), what="the retries to run out")
    assert done.status == TaskResultStatus.FAILED
    assert len(done.worker_ids) == 3
    assert done.exception_class_path == "builtins.RuntimeError"
    assert "The partner's server refused the feed" in done.traceback
    first, second, third = (cache.get(f"{key}:attempt:{n}") for n in (1, 2, 3))
    # backoff=1 s: one second after the first failure, two after the second.
    assert 1 <= second - first < 10
    assert 2 <= third - second < 12


def test_a_task_left_running_by_a_killed_worker_is_run_again_by_another(workers):
    key = f"test:{uuid.uuid4()}"
    result = tasks.hangs_on_first_attempt.enqueue(key=key)
    dead_after = {"BACKGROUND_WORKER_DEAD_AFTER_SECONDS": "2"}
    first = workers.start(**dead_after)
    wait_for(lambda: cache.get(f"{key}:hanging"), what="the first attempt to start")
    first.send_signal(signal.SIGKILL)  # no goodbye: the task stays RUNNING, the heartbeat stops
    first.wait()
    assert _result(result).status == TaskResultStatus.RUNNING

    wait_for(
        lambda: TaskWorker.objects.filter(
            last_seen_at__lt=timezone.now() - timedelta(seconds=2.5)
        ).exists(),
        what="the killed worker's heartbeat to go stale",
    )
    workers.start(**dead_after)

    done = wait_for(_finished(result), what="the second worker to reap and rerun the task")
    assert done.status == TaskResultStatus.SUCCESSFUL, done.traceback
    assert done.return_value == "finished on attempt 2"
    assert len(done.worker_ids) == 2 and done.worker_ids[0] != done.worker_ids[1]


def test_two_workers_enqueue_a_periodic_job_once_per_period(workers):
    periodic = {"TEST_PERIODIC_TASKS": f'{{"{TICK}": 1}}'}
    workers.start(**periodic)
    workers.start(**periodic)
    wait_for(lambda: TaskWorker.objects.count() == 2, what="both workers to start")
    wait_for(
        lambda: DBTaskResult.objects.filter(task_path=TICK, status="SUCCESSFUL").count() >= 4,
        what="four periods of the job",
    )
    workers.stop_all()

    runs = list(PeriodicRun.objects.filter(job=TICK))
    results = DBTaskResult.objects.filter(task_path=TICK)
    assert len({run.period_start for run in runs}) == len(runs) >= 4
    assert results.count() == len(runs)
    assert {str(result.id) for result in results} == {run.task_result_id for run in runs}
    # The queue's own jobs too: one reaping per minute whatever the number of workers.
    reaps = DBTaskResult.objects.filter(task_path="directory.background.tasks.dead_workers_reap")
    reap_periods = PeriodicRun.objects.filter(job="directory.background.tasks.dead_workers_reap")
    assert reaps.count() == reap_periods.count() >= 1


@pytest.mark.django_db(transaction=True)
def test_schedulers_ticking_at_the_same_instant_enqueue_each_period_once(database_tasks, settings):
    settings.BACKGROUND_PERIODIC_TASKS = {TICK: 60}
    [job] = [job for job in periodic_jobs() if job.name == TICK]
    start = job.period_start(timezone.now())
    enqueued: list[list[str]] = [[], []]

    def scheduler(index: int, barrier: threading.Barrier) -> None:
        try:
            for period in range(10):
                barrier.wait()
                now = start + timedelta(minutes=period, seconds=30)
                enqueued[index].extend(name for name in periodic_tick(now=now) if name == TICK)
        finally:
            close_old_connections()
            connection.close()

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=scheduler, args=(i, barrier)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(enqueued[0]) + len(enqueued[1]) == 10
    assert PeriodicRun.objects.filter(job=TICK).count() == 10
    assert DBTaskResult.objects.filter(task_path=TICK).count() == 10


def test_periods_are_aligned_on_a_fixed_epoch_so_every_worker_agrees():
    hourly = PeriodicJob(name="hourly", task_path=TICK, every=timedelta(hours=1))
    when = datetime(2026, 3, 8, 14, 37, 12, tzinfo=UTC)
    assert hourly.period_start(when) == datetime(2026, 3, 8, 14, 0, tzinfo=UTC)
    assert hourly.period_start(when + timedelta(minutes=22)) == hourly.period_start(when)


def test_backoff_doubles_up_to_its_ceiling():
    policy = RetryPolicy(
        attempts=10, backoff=timedelta(minutes=1), max_backoff=timedelta(minutes=10)
    )
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 10)
    ]


def _running_on_dead_worker(task_result, *, attempts: int = 1) -> None:
    long_ago = timezone.now() - timedelta(minutes=10)
    TaskWorker.objects.create(
        worker_id="gone-1",
        hostname="worker-2.example",
        pid=4242,
        queues="default",
        started_at=long_ago,
        last_seen_at=long_ago,
    )
    DBTaskResult.objects.filter(pk=task_result.id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["gone-0"] * (attempts - 1) + ["gone-1"]
    )


def test_a_task_not_declared_safe_to_rerun_is_failed_with_what_happened(db, database_tasks):
    result = tasks.hangs.enqueue(key="x")
    _running_on_dead_worker(result)

    reaped = tasks_reap()

    assert reaped.failed == [str(result.id)] and reaped.requeued == []
    row = _result(result)
    assert row.status == TaskResultStatus.FAILED and row.finished_at is not None
    assert row.exception_class_path == WORKER_LOST_PATH
    assert "gone-1" in row.traceback and "worker-2.example" in row.traceback
    assert "not declared safe to run again" in row.traceback


def test_a_retryable_task_of_a_dead_worker_is_failed_once_its_attempts_are_spent(
    db, database_tasks
):
    result = tasks.hangs_on_first_attempt.enqueue(key="x")
    _running_on_dead_worker(result, attempts=2)

    assert tasks_reap().failed == [str(result.id)]
    assert "2 attempts made" in _result(result).traceback


def test_the_reaper_leaves_the_tasks_of_live_workers_alone(db, database_tasks):
    result = tasks.hangs.enqueue(key="x")
    _running_on_dead_worker(result)
    TaskWorker.objects.update(last_seen_at=timezone.now())

    assert tasks_reap().failed == []
    assert _result(result).status == TaskResultStatus.RUNNING
