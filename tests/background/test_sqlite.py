"""`make run` on SQLite: concurrent writers (daphne's requests, the task worker) wait for
each other instead of failing with "database is locked" and losing the loser's edit.

Every test runs real OS processes on a real SQLite file with ``cms.settings.dev`` (as
``make run``'s daphne and worker do): the generic read-then-write race first, then
the two scenarios of issue 6 through the real editing services.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django.utils import translation
from django.utils.translation import gettext

from directory.models import ChangeRequest, Organisation, RecordHistory, Service

ROOT = Path(__file__).resolve().parent.parent.parent

#: The longest a test waits for its processes (they start Django: seconds on a loaded machine).
PROCESS_LIMIT = 240


def dev_environment(database: Path) -> dict[str, str]:
    """``make run``'s settings on this SQLite file, without Redis (its in-process defaults)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
    }


def start_together(
    scripts: list[list[str]], folder: Path, environment: dict
) -> list[tuple[int, str]]:
    """Run each script (``python -c script folder *args``) in its own process; they get
    ready (Django loaded, objects read), then start at once. Their exit codes and outputs."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", *script],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for script in scripts
    ]
    deadline = time.monotonic() + PROCESS_LIMIT
    while len(list(folder.glob("ready-*"))) < len(processes) and time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            break  # one died while getting ready: its output says why
        time.sleep(0.05)
    (folder / "go").touch()
    results = []
    for process in processes:
        output = process.communicate(timeout=PROCESS_LIMIT)[0].decode()
        results.append((process.returncode, output))
    return results


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

    results = start_together([[WRITER, str(tmp_path)]] * 3, tmp_path, dev_environment(database))

    assert [code for code, _output in results] == [0, 0, 0], results
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT n FROM counter").fetchone() == (900,)  # no lost update


# --- Issue 6's scenarios, through the real services -----------------------------------------

# The directory as the scenarios need it: one published organisation with two admins, two
# members of the directory team (not superusers), a pending request to change the
# organisation's mission (with the fingerprint of its review page) and a draft service.
#
# The tables are made from the models (``migrate --run-syncdb`` with migrations off), then
# what the migrations add that these writes use is added by the functions the migrations
# call (the roles, the data-version store): running the ~230 migrations would take 30 to
# 70 s of a loaded machine, for the same tables.
SETUP = """
import json
from django.conf import settings


class NoMigrations(dict):
    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


settings.MIGRATION_MODULES = NoMigrations()
import django
django.setup()
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from directory import access, data_version
from directory.editing import services as editing
from directory.editing.review import change_request_review
from directory.models import ChangeRequest, PublicationState
from tests.directory.test_editing import form_data
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory, UserFactory

call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
with connection.schema_editor() as editor:
    data_version.store_create(editor)
access.roles_ensure()

organisation = OrganisationFactory(name="Service d'aide aux Néo-Canadiens", acronym="SANC")
admins = [
    MembershipFactory(organisation=organisation, role="admin", state="active").user
    for _ in range(2)
]
team = Group.objects.get(name=access.DIRECTORY_TEAM.name)
staff = [UserFactory(is_staff=True) for _ in range(2)]
for user in staff:
    user.groups.add(team)
editing.change_request_submit(
    user=admins[0],
    target=organisation,
    data=form_data(organisation, mission="Une mission revue."),
)
change_request = ChangeRequest.objects.get()
service = ServiceFactory(
    organisation=organisation, state=PublicationState.DRAFT, verified_at=None
)
print("SETUP " + json.dumps({
    "organisation": organisation.pk,
    "admins": [user.pk for user in admins],
    "staff": [user.pk for user in staff],
    "change_request": change_request.pk,
    "seen": change_request_review(change_request).fingerprint,
    "service": service.pk,
}))
"""

# One user's action, in its own process, as daphne would run it for a request: ready
# (Django loaded, the objects read, the form filled in as the user saw it), then on "go"
# the real service. Inside the service's transaction it waits, after its first read,
# until every actor has called its service (plus a moment): with the writes serialised
# the other one waits for this transaction to end, as designed; without, both have
# read before either writes and their writes collide every time, not by luck.
# Prints its outcome as JSON: the value, or the error's type, code and message.
ACTOR = """
import json, pathlib, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from directory.editing import services as editing
from directory.models import ChangeRequest, Service

folder, name, actors = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
action = json.loads(sys.argv[4])
user = get_user_model().objects.get(pk=action["user"])
if action["do"] == "approve":
    change_request = ChangeRequest.objects.get(pk=action["change_request"])
    def call():
        editing.change_request_approve(
            change_request=change_request, reviewer=user, seen=action["seen"]
        )
        return {}
else:
    from tests.directory.test_editing import form_data
    service = Service.objects.get(pk=action["service"])
    data = form_data(service, **action["changes"])
    def call():
        outcome = editing.change_request_submit(user=user, target=service, data=data)
        return {"applied": outcome.applied, "sent_for_validation": outcome.sent_for_validation}

paused = False
def pause_in_transaction(execute, sql, params, many, context):
    global paused
    result = execute(sql, params, many, context)
    if not paused and connection.in_atomic_block and sql.lstrip().upper().startswith("SELECT"):
        paused = True
        deadline = time.monotonic() + 10
        while len(list(folder.glob("calling-*"))) < actors and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)
    return result

(folder / f"ready-{name}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
(folder / f"calling-{name}").touch()
try:
    with connection.execute_wrapper(pause_in_transaction):
        outcome = {"name": name, "ok": True, **call()}
except Exception as error:
    outcome = {
        "name": name,
        "ok": False,
        "error": type(error).__name__,
        "code": getattr(error, "code", None),
        "message": " ".join(getattr(error, "messages", [str(error)])),
    }
print("OUTCOME " + json.dumps(outcome))
"""


def _line(output: str, prefix: str) -> dict:
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    assert lines, output
    return json.loads(lines[-1].removeprefix(prefix))


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """A SQLite directory file for ``make run``'s settings, with the scenarios' records."""
    folder = tmp_path_factory.mktemp("sqlite")
    database = folder / "db.sqlite3"
    environment = dev_environment(database)
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=PROCESS_LIMIT,
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    return database, environment, _line(setup.stdout, "SETUP ")


def act_together(directory, folder: Path, actions: list[dict]) -> list[dict]:
    """Run each action in its own process, all at once; their outcomes, in order."""
    _database, environment, _ids = directory
    scripts = [
        [ACTOR, str(folder), f"actor{index}", str(len(actions)), json.dumps(action)]
        for index, action in enumerate(actions)
    ]
    results = start_together(scripts, folder, environment)
    assert [code for code, _output in results] == [0] * len(actions), results
    return [_line(output, "OUTCOME ") for _code, output in results]


def rows(directory, model, columns: str, **where) -> list[tuple]:
    """``columns`` of ``model``'s rows matching ``where``, in the order they were written:
    read with sqlite3, after the processes have ended."""
    database, _environment, _ids = directory
    condition = " AND ".join(f"{name} = ?" for name in where)
    sql = f"SELECT {columns} FROM {model._meta.db_table} WHERE {condition} ORDER BY id"  # noqa: S608
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, list(where.values())).fetchall()


def test_two_staff_approving_one_request_at_once_on_sqlite_apply_it_once_and_refuse_clearly(
    directory, tmp_path
):
    """The second approval waits for the first, then is refused with a clear message (not a
    500 "database is locked"); the request is applied once."""
    ids = directory[2]
    outcomes = act_together(
        directory,
        tmp_path,
        [
            {
                "do": "approve",
                "user": reviewer,
                "change_request": ids["change_request"],
                "seen": ids["seen"],
            }
            for reviewer in ids["staff"]
        ],
    )

    approved = [outcome for outcome in outcomes if outcome["ok"]]
    refused = [outcome for outcome in outcomes if not outcome["ok"]]
    assert len(approved) == 1, outcomes
    with translation.override("fr"):
        message = gettext("This request is no longer awaiting validation (%(status)s).") % {
            "status": ChangeRequest.Status.APPROVED.label
        }
    assert [(r["error"], r["code"], r["message"]) for r in refused] == [
        ("ValidationError", "not_pending", message)
    ]
    assert rows(directory, ChangeRequest, "status", id=ids["change_request"]) == [
        (ChangeRequest.Status.APPROVED,)
    ]
    history = rows(directory, RecordHistory, "changes", change_request_id=ids["change_request"])
    assert len(history) == 1
    assert json.loads(history[0][0])["mission"][1] == "Une mission revue."
    assert rows(directory, Organisation, "mission", id=ids["organisation"]) == [
        ("Une mission revue.",)
    ]


def test_two_admins_editing_one_draft_service_at_once_on_sqlite_both_keep_their_change(
    directory, tmp_path
):
    """A draft service is not public: each admin's edit applies at once (the scenario where
    the loser's edit was lost). Each changed one field, from the same version of the form:
    the second, run after the first, changes only its own field and keeps the other's."""
    ids = directory[2]
    changes = [
        {"schedule": "Mardis, 13 h à 16 h"},
        {"fees": "Gratuit pour les personnes résidentes permanentes."},
    ]
    outcomes = act_together(
        directory,
        tmp_path,
        [
            {"do": "edit", "user": admin, "service": ids["service"], "changes": change}
            for admin, change in zip(ids["admins"], changes, strict=True)
        ],
    )

    assert outcomes == [
        {"name": f"actor{index}", "ok": True, "applied": True, "sent_for_validation": False}
        for index in range(2)
    ]
    assert rows(directory, Service, "schedule, fees", id=ids["service"]) == [
        (changes[0]["schedule"], changes[1]["fees"])
    ]
    history = rows(
        directory,
        RecordHistory,
        "changes",
        service_id=ids["service"],
        action=RecordHistory.Action.UPDATED,
    )
    assert sorted(tuple(json.loads(logged)) for (logged,) in history) == [
        ("fees",),
        ("schedule",),
    ]
