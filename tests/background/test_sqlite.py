"""`make run` on SQLite: daphne and the task worker write at the same time without failing."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# Read then write in one transaction, as every service does (lock a row, check, save).
WRITER = """
import os, pathlib, sys, time
import django
django.setup()
from django.db import connection, transaction
folder = pathlib.Path(sys.argv[1])
(folder / f"ready-{os.getpid()}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
for _ in range(300):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
"""


def test_concurrent_read_then_write_transactions_on_sqlite_wait_instead_of_failing(tmp_path):
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE counter (n integer)")
        connection.execute("INSERT INTO counter VALUES (0)")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < len(writers) and time.monotonic() < deadline:
        time.sleep(0.05)
    (tmp_path / "go").touch()  # all three start writing at once
    outputs = [writer.communicate(timeout=300)[0].decode() for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0, 0], outputs
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT n FROM counter").fetchone() == (900,)  # no lost update
