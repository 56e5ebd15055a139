"""Importing the recensement's files into the directory: CSV or Excel template, HSDS 3.0 JSON.

Three steps, all or nothing:

1. **Parse** the file into plans (one per organisation, one per service),
   with typed values. CSV and Excel (``.xlsx``, first sheet): one row per
   service, the organisation's columns repeated or filled on its first row
   only (see :data:`COLUMNS`). HSDS JSON: what ``/api/hsds/`` serves (a
   list of organizations and/or services, or an API page with ``contents``).
2. **Validate** every plan: values against the model fields, codes against
   the reference data, matches against the records already there. Every
   problem is reported with its line (CSV, Excel) or record number (JSON),
   its column and the reason, in the active language; then nothing is written.
3. **Apply** every plan in one transaction (rolled back for a dry run).

What a file may hold is bounded so that a bad file costs little: its size
(:data:`MAX_FILE_BYTES`), its rows (``MAX_RECORDS``), a cell
(``MAX_CELL_CHARACTERS``: Excel's own limit), JSON nesting and numbers
(``hsds_json.py``), an Excel file unpacked (``xlsx.py``). Text may not
hold control characters (``directory/catalogue/validation.py``, the rule
of the site's forms); phones and postal codes follow that module too.

Matching, so that importing the same file twice updates instead of
duplicating: on ``organisme_id`` / ``service_id`` (HSDS ``id``) when given,
else on the organisation's name, then the service's name within it, both
compared without case or accents.

Update rules: a column present in the file sets the field, even to empty; a
column absent leaves it alone. Categories, client statuses, languages and
territories are replaced by the file's list. Phones and locations are added
or updated, never removed. A new record lands *pending* (awaiting
verification); an existing record whose content changes goes back to
*pending*; an unchanged record is left as it was. A ``etat`` column sets
the state instead, for staff only. ``source`` comes from the file's
``source`` column, else from the default chosen for the import.

Override point: ``progress(phase, done, total)``, called as the steps go.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from directory.models import RecordSource

from .apply import Applier
from .checks import validate
from .common import (
    CSV,
    FORMATS,
    HSDS_JSON,
    IMPORTING,
    MAX_FILE_BYTES,
    OLE_MAGIC,
    TABULAR_FORMATS,
    VALIDATING,
    XLSX,
    ZIP_MAGIC,
    ImportRefused,
    ImportReport,
    Problems,
    Progress,
    RowError,
    Vocabulary,
)
from .csv_template import COLUMNS, TablePlanner, read_csv, template_csv
from .hsds_json import HsdsPlanner
from .xlsx import read_xlsx, template_xlsx

logger = logging.getLogger(__name__)

# --- The whole import ------------------------------------------------------------------


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def directory_import(
    *,
    content: bytes,
    file_format: str,
    user=None,
    honour_state: bool,
    default_source: str = RecordSource.DOCUMENT,
    dry_run: bool = False,
    note: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Import a recensement file, all or nothing; the report lists every bad row.

    ``honour_state``: whether an ``etat`` column may set the publication
    state (validators only: ``PUBLISH_DIRECTLY``; the management command
    is run by an operator).
    Messages are in the active language. A dry run validates and applies,
    then rolls back, so its counts are the real ones.
    """
    progress = progress or _no_progress
    report = ImportReport(file_format=file_format, dry_run=dry_run)
    problems = Problems()
    vocabulary = Vocabulary()
    try:
        if len(content) > MAX_FILE_BYTES:
            raise ImportRefused(
                RowError(
                    0,
                    "",
                    _("The file is larger than %(size)s: split it into several files.")
                    % {"size": filesizeformat(MAX_FILE_BYTES)},
                )
            )
        if not content:
            raise ImportRefused(RowError(1, "", _("The file is empty.")))
        if file_format in TABULAR_FORMATS:
            columns, rows = (read_csv if file_format == CSV else read_xlsx)(content)
            report.total = len(rows)
            planner = TablePlanner(columns, vocabulary, problems)
            for row in rows:
                planner.add_row(row)
        elif file_format == HSDS_JSON:
            records, check_strings = HsdsPlanner.records(content)
            report.total = len(records)
            planner = HsdsPlanner(vocabulary, problems, check_strings=check_strings)
            for number, record in enumerate(records, start=1):
                planner.add_record(number, record)
        else:
            raise ValueError(f"Unknown import format: {file_format}")
    except ImportRefused as refused:
        report.errors = [refused.error]
        return report

    progress(VALIDATING, 0, report.total)
    validate(
        planner.organisations,
        planner.services,
        problems=problems,
        file_format=file_format,
        honour_state=honour_state,
        progress=lambda phase, done, total: progress(
            phase, done * report.total // max(total, 1), report.total
        ),
    )
    if problems:
        report.errors = sorted(problems.errors, key=lambda e: (e.line, e.column))
        return report

    steps = len(planner.organisations) + len(planner.services)
    done = 0
    current = None
    try:
        with transaction.atomic():
            # Locks the organisations the file touches, then reads what it compares against.
            applier = Applier(
                organisations=planner.organisations,
                services=planner.services,
                user=user,
                default_source=default_source,
                honour_state=honour_state,
                note=note,
                report=report,
            )
            for current in planner.organisations:
                applier.organisation(current)
                done += 1
                progress(IMPORTING, done * report.total // max(steps, 1), report.total)
            for current in planner.services:
                applier.service(current)
                done += 1
                progress(IMPORTING, done * report.total // max(steps, 1), report.total)
            current = None
            applier.finish()
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        # The checks should have caught it: say where, in the model's words.
        line = current.line if current is not None else 0
        report.errors = [
            RowError(line, column if column != "__all__" else "", message)
            for column, messages in getattr(error, "message_dict", {"": error.messages}).items()
            for message in messages
        ]
    except DatabaseError as error:
        # A conflict the checks missed (a record changed meanwhile, a constraint): never
        # the database's own words, which are neither translated nor meant for people.
        line = current.line if current is not None else 0
        logger.warning("Directory import refused by the database at %s: %s", line, error)
        report.errors = [
            RowError(
                line,
                "",
                _(
                    "This row conflicts with a record of the directory (an identifier or a "
                    "name already taken, or a change made during the import). Nothing was "
                    "imported: check the row, then import the file again."
                ),
            )
        ]
    if report.errors:
        report.created.clear()
        report.updated.clear()
        report.unchanged.clear()
    return report


def detect_format(filename: str, content: bytes) -> str:
    """The format by the file's extension, else by its first bytes: ``xlsx`` for a zip
    (or an encrypted workbook), ``hsds-json`` for text starting like JSON, else ``csv``."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return XLSX
    if name.endswith(".json"):
        return HSDS_JSON
    if content.startswith(ZIP_MAGIC) or content.startswith(OLE_MAGIC):
        return XLSX
    head = content[:256]
    for mark, encoding in (
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xef\xbb\xbf", "utf-8"),
    ):
        if head.startswith(mark):
            head = head[len(mark) :].decode(encoding, errors="ignore").encode()
            break
    head = head.replace(b"\x00", b"").lstrip(b" \t\r\n")
    return HSDS_JSON if head[:1] in (b"[", b"{") else CSV


__all__ = [
    "COLUMNS",
    "CSV",
    "FORMATS",
    "HSDS_JSON",
    "IMPORTING",
    "TABULAR_FORMATS",
    "VALIDATING",
    "XLSX",
    "ImportReport",
    "RowError",
    "detect_format",
    "directory_import",
    "template_csv",
    "template_xlsx",
]
