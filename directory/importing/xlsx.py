"""The recensement's Excel workbooks (.xlsx): reading the first sheet, writing the template.

Reading takes the same columns as the CSV template, from the first sheet of
the workbook (others are ignored: the template's second sheet explains the
columns). The header is the first row that is not empty; rows are numbered
as Excel shows them.

Values, as people see them in Excel:

- text as typed; numbers without a useless ``.0`` (a phone typed as a
  number, 8195550123, reads "8195550123"); dates as ``YYYY-MM-DD``;
- a formula counts as the value Excel computed and saved with the file
  (what the cell shows). A formula whose value was never saved (a file
  written by a program that does not compute formulas) is an error of its
  row, not an empty cell, since an empty cell would empty the field; so
  is a cell showing an Excel error (``#N/A``, ``#REF!``…).

A workbook is a zip of XML files: before it is opened, its declared
unpacked size is bounded (:data:`MAX_UNPACKED_BYTES`), and openpyxl reads it
in read-only mode (streamed, with defusedxml), never holding the sheet.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import zip_longest

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .common import OLE_MAGIC, ZIP_MAGIC, ImportRefused, RowError
from .csv_template import COLUMNS, TableRow, header_name, read_table

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
# A formula in the sheet's XML: <f>…</f>, <f t="shared" …/>, with or without a prefix.
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_WITHOUT_VALUE = gettext_lazy(
    "This cell holds a formula whose result was not saved in the file: open the file in "
    "Excel or LibreOffice and save it, or replace the formula by its value."
)


def _refused(line: int, message: str) -> ImportRefused:
    return ImportRefused(RowError(line, "", message))


def _open_archive(content: bytes) -> zipfile.ZipFile:
    if content.startswith(OLE_MAGIC):
        raise _refused(
            1,
            _(
                "This workbook is protected by a password, or is in the old Excel format "
                "(.xls): remove the password, or save it as « Excel workbook (.xlsx) »."
            ),
        )
    not_a_workbook = _(
        "This file is not an Excel workbook (.xlsx), or it is damaged. Save it again from "
        "Excel or LibreOffice as « Excel workbook (.xlsx) », or as « CSV UTF-8 »."
    )
    if not content.startswith(ZIP_MAGIC):
        raise _refused(1, not_a_workbook)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _refused(1, not_a_workbook) from error
    names = {member.filename for member in members}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise _refused(
            1,
            _(
                "This is an OpenDocument spreadsheet (.ods): save it as « Excel workbook "
                "(.xlsx) » or as « CSV UTF-8 »."
            ),
        )
    if (
        len(members) > MAX_ZIP_MEMBERS
        or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES
    ):
        raise _refused(
            1,
            _(
                "This workbook is too large once unpacked (more than %(size)s MB): "
                "split it into several files."
            )
            % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)},
        )
    return archive


def _has_formulas(archive: zipfile.ZipFile, path: str) -> bool:
    """Whether the sheet's XML holds a formula, read in chunks (the sheet can be large)."""
    tail = b""
    with archive.open(path.lstrip("/")) as source:
        while chunk := source.read(1024 * 1024):
            if _FORMULA_ELEMENT.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def cell_text(value) -> str:
    """A cell's value as the text the CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _rows(sheet, *, min_row: int = 1, max_col: int | None = None) -> Iterator[tuple[int, tuple]]:
    """(row number as Excel shows it, values) for each row from ``min_row``."""
    return enumerate(
        sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True), start=min_row
    )


def read_xlsx(content: bytes) -> tuple[list[str], list[TableRow]]:
    """(columns, rows) from the first sheet, as :func:`read_csv` gives them."""
    archive = _open_archive(content)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        logger.warning("Unreadable workbook", exc_info=True)
        raise _refused(
            1,
            _(
                "This Excel workbook cannot be read: it may be damaged. Save it again "
                "from Excel or LibreOffice, or as « CSV UTF-8 »."
            ),
        ) from error
    formulas_workbook = None
    line = 1
    try:
        if not workbook.worksheets:
            raise _refused(1, _("This workbook has no sheet."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the size the file declares may be wrong
        sheet_rows = sheet.iter_rows(values_only=True)
        header_line, header = next(
            (
                (n, v)
                for n, v in enumerate(sheet_rows, start=1)
                if any(x not in (None, "") for x in v)
            ),
            (0, None),
        )
        sheet_rows.close()  # closes the sheet's file in the archive
        if header is None:
            raise _refused(
                1,
                _("The first sheet of the workbook (« %(sheet)s ») is empty.")
                % {"sheet": sheet.title},
            )
        header_cells = [cell_text(value) for value in header]
        width = max(i + 1 for i, text in enumerate(header_cells) if text.strip())
        formula_rows: Iterator[tuple[int, tuple]] = iter(())
        # A read-only sheet's path in the archive (openpyxl keeps it private).
        if _has_formulas(archive, sheet._worksheet_path):
            formulas_workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=False, keep_links=False
            )
            formula_sheet = formulas_workbook.worksheets[0]
            formula_sheet.reset_dimensions()
            formula_rows = _rows(formula_sheet, min_row=header_line + 1, max_col=width)
        problems: dict[int, list[tuple[str, str]]] = {}
        names = [header_name(name) for name in header_cells[:width]]

        def _check_cells(number: int, values, formula_values, cells: list[str]) -> None:
            """Formulas without a saved value, Excel's error values: problems of the row."""
            for index, value in enumerate(values):
                formula = formula_values[index] if index < len(formula_values) else None
                if value is None and _is_formula(formula):
                    problems.setdefault(number, []).append((names[index], FORMULA_WITHOUT_VALUE))
                    cells[index] = "="  # not empty: the row is reported, not skipped
                elif isinstance(value, str) and value in EXCEL_ERRORS:
                    problems.setdefault(number, []).append(
                        (
                            names[index],
                            _("This cell shows the Excel error %(error)s: correct it.")
                            % {"error": value},
                        )
                    )

        def records() -> Iterator[tuple[int, list[str]]]:
            nonlocal line
            for (number, values), formulas in zip_longest(
                _rows(sheet, min_row=header_line + 1, max_col=width), formula_rows
            ):
                line = number
                formula_values = formulas[1] if formulas else ()
                if (
                    not any(values)  # fast, for the many empty rows of some files
                    and not any(formula_values)
                    and all(value is None or value == "" for value in values)
                ):
                    continue
                cells = [value if type(value) is str else cell_text(value) for value in values]
                if formula_values or not EXCEL_ERRORS.isdisjoint(values):
                    _check_cells(number, values, formula_values, cells)
                yield number, cells

        columns, rows = read_table(header_cells, records(), header_line=header_line)
        for row in rows:
            row.problems[:0] = problems.get(row.line, [])
        return columns, rows
    except ImportRefused:
        raise
    except Exception as error:  # a damaged sheet, an impossible date…
        logger.warning("Unreadable workbook, row %s", line, exc_info=True)
        raise _refused(
            line,
            _(
                "Row %(line)s of the workbook cannot be read: the file may be damaged. "
                "Save it again from Excel or LibreOffice, or as « CSV UTF-8 »."
            )
            % {"line": line},
        ) from error
    finally:
        workbook.close()
        if formulas_workbook is not None:
            formulas_workbook.close()
        archive.close()


def _is_formula(value) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


# --- The template -----------------------------------------------------------------------


def template_xlsx() -> bytes:
    """The template as a workbook: the columns and an example row on the first sheet
    (formatted as text, so that Excel keeps leading zeros and does not turn codes into
    dates), what each column holds on the second."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Directory")[:31]
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.name)
        header.font = bold
        example = sheet.cell(row=2, column=index)
        _set_text(example, column.example)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.example) + 2))
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(_("Columns")[:31])
    for index, title in enumerate((_("Column"), _("What it holds"), _("Example")), start=1):
        help_sheet.cell(row=1, column=index, value=title).font = bold
    for row, column in enumerate(COLUMNS, start=2):
        _set_text(help_sheet.cell(row=row, column=1), column.name)
        _set_text(help_sheet.cell(row=row, column=2), str(column.help))
        _set_text(help_sheet.cell(row=row, column=3), column.example)
        help_sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True)
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 70
    help_sheet.column_dimensions["C"].width = 36
    help_sheet.freeze_panes = "A2"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_text(cell, value: str) -> None:
    """Text stays text: openpyxl would take a value starting with "=" for a formula."""
    cell.value = value
    cell.data_type = "s"
    cell.number_format = "@"
