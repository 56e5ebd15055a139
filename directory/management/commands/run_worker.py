"""``manage.py run_worker``: run background tasks until stopped (SIGINT or SIGTERM).

django-tasks-db's ``db_worker`` plus what ``directory/background/`` adds:
a heartbeat, the reaping of dead workers' tasks, retries with backoff and the
periodic scheduler. Run one in ``make run`` (the Makefile starts it with
daphne) and as many as needed in production, on one or several machines
(``deploy/systemd/continuum-worker@.service``). Every worker runs the
scheduler; each periodic job is still enqueued once per period.
"""

from __future__ import annotations

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks_db.backend import DatabaseBackend

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from directory.background.worker import Worker, worker_id_new, worker_serve


class Command(BaseCommand):
    help = "Run background tasks (with heartbeat, retries and the periodic scheduler)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="Queues to process, separated by commas; '*' for all (default: %(default)s).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default: %(default)s).",
        )
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            help="Task backend alias (a database backend; default: %(default)s).",
        )
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help="Stop after this many tasks (a supervisor restarts the worker).",
        )
        parser.add_argument(
            "--no-startup-delay",
            action="store_false",
            dest="startup_delay",
            help="Start at once, without the small random delay that spreads workers.",
        )

    def handle(self, *args, queue_name, interval, backend, max_tasks, startup_delay, **options):
        if not isinstance(task_backends[backend], DatabaseBackend):
            raise CommandError(
                f"The task backend {backend!r} is not django-tasks-db's DatabaseBackend: "
                "its tasks run where they are enqueued, there is nothing for a worker to do."
            )
        if interval < 0 or (max_tasks is not None and max_tasks < 1):
            raise CommandError("--interval must be positive, --max-tasks at least 1.")
        # Periodic jobs and retry policies are declared where their tasks are:
        # import every installed app's tasks module (directory/tasks.py...).
        autodiscover_modules("tasks")
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=False,
            backend_name=backend,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            # New at every start, never configured: the reaper tells a dead
            # run from a live one by this id.
            worker_id=worker_id_new()[:64],
            excluded_queue_names=[],
        )
        worker_serve(worker)
