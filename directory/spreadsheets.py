"""CSV meant for spreadsheets: a cell that a spreadsheet would run as a formula becomes text.

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and a leading TAB or carriage return can
hide one (OWASP, "CSV Injection"). A record named
``=HYPERLINK("https://example.org/x", "Cliquez ici")`` would then be a live
link, or worse, in the sheet of whoever opens the download. Every CSV file
the platform offers for download is written with :func:`spreadsheet_writer`
(or its cells passed through :func:`spreadsheet_cell`), which puts an
apostrophe in front of such a cell: the spreadsheets' own mark for "this is
text", kept visible by the programs that read the file as plain CSV.

Plain numbers (``-71.8929``, ``-71,8929``, ``+15``) are left as they are:
a spreadsheet reads them as numbers, never as formulas, and tools that read
the CSV must still see numbers. Only CSV is changed: JSON outputs carry the
values as stored.

Used by the HSDS tabular export (``directory/opendata/export.py``) and the
import admin's template and codes; later CSV exports (coverage, campaign
answers) use it too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

#: What a cell must not start with (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: A number as a spreadsheet reads it, with a point or a comma for decimals.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: Any) -> str:
    """``value`` as a CSV cell that no spreadsheet runs: None is empty, a formula is text."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class SpreadsheetWriter:
    """A ``csv.writer`` whose every cell goes through :func:`spreadsheet_cell`."""

    def __init__(self, file, **options):
        options.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([spreadsheet_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def spreadsheet_writer(file, **options) -> SpreadsheetWriter:
    """Like ``csv.writer(file, **options)`` (CRLF line ends by default), formulas neutralised."""
    return SpreadsheetWriter(file, **options)
