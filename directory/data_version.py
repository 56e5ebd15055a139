"""The directory's data version: a number that moves after every committed directory write.

What it is for: caches of directory data are keyed on it. Each process
keeps an in-memory facet index of the search (``directory/search/facet_index.py``)
and the HSDS export archive is kept in the shared cache
(``directory/opendata/export.py``); both must follow every change of
organisations, services, locations, phones, reference data (categories and
their labels, territories, client statuses, languages), initiatives,
partnerships and the many-to-many relations between them.

**Writers** call :func:`data_version_bump`. The signal handlers connected by
:func:`connect` do it for every ORM write of those models (``save``,
``delete``, ``m2m_changed``, migrations and ``flush``); code that writes
without signals (``bulk_create``, ``QuerySet.update``, raw SQL) calls it
itself, once. Inside a transaction the bump is deferred: one
``transaction.on_commit`` hook per transaction, however many writes it
makes, runs after the commit in its own autocommit statement — ``nextval``
of a PostgreSQL sequence, which takes no row lock, never waits and never
deadlocks (an ``UPDATE`` of a one-row table on SQLite, whose writers are
serialised anyway). A rolled-back transaction bumps nothing. Before this,
every write updated one token row inside its own transaction: an import
held that row for its whole transaction while an admin's edit, having
locked its record, waited for it — two lock orders, and a queue that every
write of the platform joined.

**Readers** call :func:`data_version_get` *before* reading the data they
build from, and keep what they built with the version they read.

Why that is exact. Take a write that commits at time C and bumps at B > C,
and a reader that reads version v at time R, then the data. If its data
missed the write, the write committed after the reader started: C > R,
hence B > R, so the version read by anyone after B is greater than v and
the reader's cache is rebuilt. The converse needs no argument: a cache is
only ever rebuilt too often (a bump follows every commit), never kept too
long — except in the window below.

The remaining window, and its bound. Between a commit and its bump (the
time an ``on_commit`` hook takes, microseconds) readers may still serve the
previous data. If the process dies between the two, or the bump's
statement fails (the hook is ``robust``: the failure is logged and the
request that saved the change still succeeds), that change is not seen
until the next bump. A database restored from a backup can also bring
back an older version number. All three are bounded by age: the facet
index is rebuilt when older than ``DIRECTORY_INDEX_MAX_AGE`` seconds
(10 minutes by default), and export archives expire from the cache after
five minutes.

A connection's own uncommitted writes. Inside a transaction that has
written, this connection sees data that no committed version describes.
:attr:`DataVersion.local` then names that private state (the transaction,
the number of writes so far, the open savepoints), so that a cache built
from it is kept apart — the facet index keeps it for this thread only, the
export is not cached — and never served to anyone else. Tests that run in a
transaction (pytest-django's ``db``) rely on it.
"""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger(__name__)

#: The PostgreSQL sequence (or, on SQLite, the one-row table) created by migration 0011.
STORE = "directory_data_version"


@dataclass(frozen=True)
class DataVersion:
    """What a reader read before building from the data.

    ``committed`` orders the committed states of the directory;
    ``local`` is None unless this connection has uncommitted directory
    writes (see the module docstring).
    """

    committed: int
    local: tuple | None = None

    @property
    def shared(self) -> bool:
        """Whether a cache built on this version may be served to other connections."""
        return self.local is None


class _AfterCommitBump:
    """The one bump a transaction owes, registered with ``on_commit``; counts its writes."""

    _serials = itertools.count(1)

    def __init__(self, using: str):
        self.using = using
        self.serial = next(self._serials)
        self.writes = 0

    def __call__(self) -> None:
        _bump_now(self.using)


def _pending(connection) -> _AfterCommitBump | None:
    """The bump this connection's transaction owes, if it has written anything that stays.

    Read from the transaction's own ``on_commit`` list: Django drops the
    hooks registered inside a savepoint that rolls back, so a bump whose
    writes were all rolled back is gone from it too.
    """
    if not connection.in_atomic_block:
        return None
    for _savepoints, hook, _robust in connection.run_on_commit:
        if isinstance(hook, _AfterCommitBump):
            return hook
    return None


#: The highest version this process's own bumps reached (see :func:`last_local_bump`).
_local = {"bumped": 0}
_local_lock = threading.Lock()


def _bump_now(using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{STORE}')")
        else:
            cursor.execute(f"UPDATE {STORE} SET value = value + 1")  # noqa: S608 - a constant
            cursor.execute(f"SELECT value FROM {STORE}")  # noqa: S608 - a constant
        bumped = cursor.fetchone()[0]
    with _local_lock:
        _local["bumped"] = max(_local["bumped"], bumped)


def last_local_bump() -> int:
    """The version this process's last committed directory write moved the data to (0: none).

    A cache that a reader may serve while it is rebuilt (the facet index)
    is rebuilt before answering when it misses a write *of this process*: a
    person who saves a change and then searches, on the same process, finds
    it (read your writes). On SQLite the number may be a little higher than
    the bump itself (another process's bump in between): that only makes
    this process rebuild before answering once more.
    """
    return _local["bumped"]


def data_version_bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record that directory data changed: the version moves once this transaction commits.

    Cheap to call many times: inside a transaction it only counts the write
    (one hook per transaction); outside one (autocommit) the write is
    already committed and the version moves at once.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump_now(using)
        return
    pending = _pending(connection)
    if pending is None:
        pending = _AfterCommitBump(using)
        transaction.on_commit(pending, using=using, robust=True)
    pending.writes += 1


def data_version_get(*, using: str = DEFAULT_DB_ALIAS) -> DataVersion:
    """The version of the data this connection sees now (one query). Read it first."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A sequence never called reads last_value 1, like one called once.
            cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {STORE}")  # noqa: S608
        else:
            cursor.execute(f"SELECT value FROM {STORE}")  # noqa: S608 - a constant
        committed = cursor.fetchone()[0]
    pending = _pending(connection)
    local = (
        None
        if pending is None
        else (pending.serial, pending.writes, tuple(connection.savepoint_ids))
    )
    return DataVersion(committed=committed, local=local)


# --- The store, created by migration 0011 ---------------------------------------------------


def store_create(schema_editor) -> None:
    """Create the sequence (PostgreSQL) or the one-row table (SQLite). CACHE 1, the default,
    so that ``last_value`` is the last number handed out by any session."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {STORE} AS bigint CACHE 1")
    else:
        schema_editor.execute(
            f"CREATE TABLE IF NOT EXISTS {STORE} "
            "(id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)"
        )
        schema_editor.execute(f"INSERT OR IGNORE INTO {STORE} (id, value) VALUES (1, 0)")  # noqa: S608


def store_drop(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {STORE}")
    else:
        schema_editor.execute(f"DROP TABLE IF EXISTS {STORE}")


def _store_exists(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [STORE])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [STORE])
        return bool(cursor.fetchone()[0])


# --- Signals ------------------------------------------------------------------------------


def _written(sender, using=DEFAULT_DB_ALIAS, action=None, **kwargs) -> None:
    if action is not None and action not in {"post_add", "post_remove", "post_clear"}:
        return
    data_version_bump(using=using)


def _migrated(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Migrations write with historical models (no signals) and ``flush`` empties tables
    without any: both end with ``post_migrate``."""
    connection = connections[using]
    if _store_exists(connection):
        data_version_bump(using=using)


def connect(app_config) -> None:
    """Bump the version on every ORM write of directory data (from ``AppConfig.ready``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

    from directory.models import (
        ClientStatus,
        Initiative,
        Language,
        Location,
        Organisation,
        Partnership,
        Phone,
        Service,
        ServiceAtLocation,
        ServiceCategory,
        Territory,
    )

    models = (
        Organisation,
        Service,
        Location,
        ServiceAtLocation,
        Phone,
        ServiceCategory,
        Territory,
        ClientStatus,
        Language,
        Initiative,
        Partnership,
    )
    for model in models:
        name = model._meta.model_name
        post_save.connect(_written, sender=model, dispatch_uid=f"directory_version_{name}_saved")
        post_delete.connect(
            _written, sender=model, dispatch_uid=f"directory_version_{name}_deleted"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _written,
                sender=through,
                dispatch_uid=f"directory_version_{through._meta.label_lower}",
            )
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="directory_version_migrated")
