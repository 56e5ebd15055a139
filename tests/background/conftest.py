"""Real workers for the tests of the queue: ``manage.py run_worker`` on the test database.

``database_tasks`` switches this process to the database backend (the suite
runs tasks at once by default); ``worker`` starts worker processes against
the test database (so the tests that use it need ``transactional_db``: the
worker only sees what is committed) and stops them after the test.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def wait_for(condition, *, timeout: float = 90, what: str = "the condition"):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


class Workers:
    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, **env: str) -> subprocess.Popen:
        database = connection.settings_dict
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        url = (
            f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        )
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "tests.background.worker_settings",
            **env,
        }
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-startup-delay"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        self.processes.append(process)
        return process

    def log(self, process) -> str:
        return Path(process.log_path).read_text(errors="replace")

    def stop(self, process, sig=signal.SIGTERM) -> None:
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            self.stop(process)


@pytest.fixture
def workers(transactional_db, database_tasks, tmp_path):
    started = Workers(tmp_path)
    yield started
    started.stop_all()
