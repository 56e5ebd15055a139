"""What the import steps share: results, plans, reference data, typed values."""

from __future__ import annotations

import codecs
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.catalogue.validation import (
    STRIP_CHARACTERS,
    phone_extension_normalise,
    phone_number_parse,
    postal_code_normalise,
    text_problem,
)
from directory.models import (
    ClientStatus,
    Language,
    Location,
    Organisation,
    OrganisationKind,
    Phone,
    PublicationState,
    RecordSource,
    Service,
    ServiceCategory,
    ServiceStatus,
    Territory,
)
from directory.opendata import hsds
from directory.search.text import fold

MAX_RECORDS = 20_000
# No file of the recensement comes near: bounds the memory an import may take.
MAX_FILE_BYTES = 50 * 1024 * 1024
# Excel's own limit for a cell: no spreadsheet can hold a longer one.
MAX_CELL_CHARACTERS = 32_767
CSV = "csv"
XLSX = "xlsx"
HSDS_JSON = "hsds-json"
FORMATS = (CSV, XLSX, HSDS_JSON)
#: Formats whose errors are numbered by spreadsheet row ("line"), not by record.
TABULAR_FORMATS = (CSV, XLSX)

Progress = Callable[[str, int, int], None]
VALIDATING = "validating"
IMPORTING = "importing"


# --- Results ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: where (line of the CSV, or record number of the JSON), which column, why."""

    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    file_format: str
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {
            "total": self.total,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "dry_run": self.dry_run,
        }


class ImportRefused(Exception):
    """The file cannot be read at all (encoding, syntax, header): one error, nothing parsed."""

    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


# --- Plans ---------------------------------------------------------------------------

MISSING = object()


@dataclass
class PhonePlan:
    number: str
    extension: str = ""
    kind: str = Phone.Kind.VOICE
    description: str = ""
    uuid: uuid.UUID | None = None
    column: str = ""  # where the file gives its identifier (HSDS path)


@dataclass
class LocationPlan:
    values: dict
    uuid: uuid.UUID | None = None
    territory: object = MISSING
    phones: list[PhonePlan] = field(default_factory=list)
    link_uuid: uuid.UUID | None = None  # HSDS service_at_location id
    link_description: str = ""
    authoritative: bool = False  # HSDS gives the whole location; the CSV only adds to it
    instance: Location | None = None
    column: str = ""  # where the file gives its identifier (HSDS path)
    link_column: str = ""


@dataclass
class OrganisationPlan:
    line: int
    name: str
    uuid: uuid.UUID | None = None
    values: dict = field(default_factory=dict)
    value_lines: dict = field(default_factory=dict)
    kind: str | None = None
    territories: list | None = None
    phones: list[PhonePlan] = field(default_factory=list)
    locations: list[LocationPlan] = field(default_factory=list)
    state: str | None = None
    source: str | None = None
    instance: Organisation | None = None


@dataclass
class ServicePlan:
    line: int
    organisation: OrganisationPlan
    name: str
    uuid: uuid.UUID | None = None
    values: dict = field(default_factory=dict)
    categories: list | None = None
    client_statuses: list | None = None
    languages: list | None = None
    territories: list | None = None
    phones: list[PhonePlan] = field(default_factory=list)
    locations: list[LocationPlan] = field(default_factory=list)
    state: str | None = None
    source: str | None = None
    instance: Service | None = None


class Problems:
    """Collects errors; ``report(line, column, message)``."""

    def __init__(self):
        self.errors: list[RowError] = []

    def report(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, str(message)))

    def __bool__(self) -> bool:
        return bool(self.errors)


# --- Reference data, looked up without case or accents --------------------------------


class Vocabulary:
    """Codes and labels the file may use, loaded once per import."""

    def __init__(self):
        self.categories = self._index(
            ServiceCategory.objects.select_related("parent"), ("code", "label_fr", "label_en")
        )
        self.client_statuses = self._index(
            ClientStatus.objects.all(), ("code", "label_fr", "label_en")
        )
        self.languages = self._index(Language.objects.all(), ("code", "label_fr", "label_en"))
        territories = list(Territory.objects.all())
        self.territories = self._index(territories, ("code", "name"))
        for territory in territories:
            short = re.sub(r"^mrc (de la|de l'|des|du|de|d')\s*", "", fold(territory.name))
            self.territories.setdefault(short.strip(), territory)
        self.category_terms = {
            hsds.SERVICE_CATEGORIES.term_id(c.code): c for c in self.categories.values()
        }
        self.client_status_terms = {
            hsds.CLIENT_STATUSES.term_id(s.code): s for s in self.client_statuses.values()
        }
        self.kind_terms = {hsds.ORGANISATION_KINDS.term_id(k): k for k in OrganisationKind.values}
        self.translation_terms = {
            hsds.TRANSLATED_FIELDS.term_id(f"{hsds.TRANSLATION_LANGUAGE}:{name}"): name
            for name in hsds.TRANSLATABLE_FIELDS
        }

    @staticmethod
    def _index(objects: Iterable, attributes: tuple[str, ...]) -> dict:
        index = {}
        for obj in objects:
            for attribute in attributes:
                index.setdefault(fold(getattr(obj, attribute) or ""), obj)
        index.pop("", None)
        return index


def split_list(raw: str) -> list[str]:
    """Values separated by ; , | or line breaks."""
    return [part.strip() for part in re.split(r"[;,|\n]", raw) if part.strip()]


def lookup_list(
    raw: str, index: dict, *, line: int, column: str, problems: Problems, unknown: Callable
) -> list:
    found, missing = [], []
    whole = index.get(fold(raw.strip()))
    parts = [raw.strip()] if whole is not None else split_list(raw)
    for part in parts:
        obj = index.get(fold(part))
        if obj is None:
            missing.append(part)
        elif obj not in found:
            found.append(obj)
    if missing:
        problems.report(line, column, unknown(missing))
    return found


def shorten(value, length: int = 80) -> str:
    """A value quoted in a message, cut if long: an error list must stay readable."""
    text = str(value)
    return text if len(text) <= length else text[: length - 1] + "…"


def _quoted(values: list[str]) -> dict:
    shown = ", ".join(f"« {shorten(value)} »" for value in values[:20])
    return {"values": shown + (", …" if len(values) > 20 else "")}


def unknown_categories(values: list[str]) -> str:
    return ngettext(
        "Unknown category: %(values)s. See the list of codes on the import page.",
        "Unknown categories: %(values)s. See the list of codes on the import page.",
        len(values),
    ) % _quoted(values)


def unknown_statuses(values: list[str]) -> str:
    return ngettext(
        "Unknown client status: %(values)s. See the list of codes on the import page.",
        "Unknown client statuses: %(values)s. See the list of codes on the import page.",
        len(values),
    ) % _quoted(values)


def unknown_languages(values: list[str]) -> str:
    return ngettext(
        "Unknown language: %(values)s. Use ISO 639 codes (fr, en, es…).",
        "Unknown languages: %(values)s. Use ISO 639 codes (fr, en, es…).",
        len(values),
    ) % _quoted(values)


def unknown_territories(values: list[str]) -> str:
    return ngettext(
        "Unknown territory: %(values)s. Use the names of Estrie's MRCs or Sherbrooke.",
        "Unknown territories: %(values)s. Use the names of Estrie's MRCs or Sherbrooke.",
        len(values),
    ) % _quoted(values)


# Words people write in a spreadsheet for our choices, beyond the codes and labels.
CHOICE_ALIASES = {
    "state": {
        "brouillon": PublicationState.DRAFT,
        "en attente": PublicationState.PENDING,
        "a verifier": PublicationState.PENDING,
        "en attente de verification": PublicationState.PENDING,
        "publie": PublicationState.PUBLISHED,
        "publiee": PublicationState.PUBLISHED,
        "archive": PublicationState.ARCHIVED,
        "archivee": PublicationState.ARCHIVED,
    },
    "source": {
        "revue documentaire": RecordSource.DOCUMENT,
        "documents": RecordSource.DOCUMENT,
        "sondage": RecordSource.SURVEY,
        "questionnaire": RecordSource.SURVEY,
        "entrevue": RecordSource.INTERVIEW,
        "entretien": RecordSource.INTERVIEW,
        "autodeclare": RecordSource.SELF_DECLARED,
        "autodeclaration": RecordSource.SELF_DECLARED,
    },
    "status": {
        "actif": ServiceStatus.ACTIVE,
        "ferme temporairement": ServiceStatus.TEMPORARILY_CLOSED,
        "fermeture temporaire": ServiceStatus.TEMPORARILY_CLOSED,
        "inactif": ServiceStatus.INACTIVE,
        "defunt": ServiceStatus.DEFUNCT,
        "ferme": ServiceStatus.DEFUNCT,
    },
    "kind": {
        "organisme communautaire": OrganisationKind.COMMUNITY,
        "obnl": OrganisationKind.COMMUNITY,
    },
}


def parse_choice(
    raw: str, choices: type[models.TextChoices], aliases: dict, *, line, column, problems
) -> str | None:
    wanted = fold(raw).replace("_", " ")
    for value in choices.values:
        if wanted == fold(value).replace("_", " "):
            return value
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                if wanted == fold(str(label)):
                    return value
    if wanted in aliases:
        return aliases[wanted]
    problems.report(
        line,
        column,
        _("Unknown value « %(value)s ». Accepted values: %(choices)s.")
        % {"value": shorten(raw), "choices": ", ".join(choices.values)},
    )
    return None


# --- Typed values --------------------------------------------------------------------


def parse_uuid(raw: str, *, line, column, problems) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        problems.report(
            line,
            column,
            _("Not a valid identifier (a UUID such as %(example)s).")
            % {"example": "3f1c0c8e-9a1b-4f44-9a57-0c0e5b0d6a11"},
        )
        return None


def parse_decimal(
    raw: str, *, line, column, problems, minimum: float, maximum: float
) -> float | None:
    text = raw.strip().replace(",", ".").replace(" ", "")
    try:
        # A float has 17 significant digits: anything much longer is not a coordinate.
        value = float(text) if len(text) <= 40 else None
    except ValueError:
        value = None
    if value is None or value != value:  # NaN
        problems.report(line, column, _("Not a number."))
        return None
    if not minimum <= value <= maximum:
        problems.report(
            line,
            column,
            _("Must be between %(minimum)s and %(maximum)s.")
            % {"minimum": minimum, "maximum": maximum},
        )
        return None
    return value


def parse_date(raw: str, *, line, column, problems) -> date | None:
    text = raw.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    problems.report(line, column, _("Not a date: write it as YYYY-MM-DD (2025-03-14)."))
    return None


def parse_postal_code(raw: str, *, line, column, problems) -> str:
    """The postal code as the directory writes it (one rule: ``catalogue/validation.py``)."""
    try:
        return postal_code_normalise(raw)
    except ValidationError as error:
        for message in error.messages:
            problems.report(line, column, message)
        return ""  # reported once: the location's own checks need not see it


def parse_phone(
    number: str, extension: str, *, line, column, extension_column, problems
) -> PhonePlan | None:
    """A phone as the directory writes it (one rule: ``catalogue/validation.py``).

    An extension written after the number ("819 555-0123 poste 12") goes to
    the extension; an extension column that says otherwise is an error.
    """
    try:
        extension = phone_extension_normalise(extension)
    except ValidationError as error:
        problems.report(line, extension_column or column, error.messages[0])
        return None
    try:
        phone = phone_number_parse(number, extension)
    except ValidationError as error:
        where = extension_column if error.code == "phone_extension" and extension_column else column
        problems.report(line, where, error.messages[0])
        return None
    return PhonePlan(number=phone.number, extension=phone.extension)


def phone_key(number: str) -> str:
    """What identifies a phone number whatever its spelling: what it dials
    ("(819) 555-0123" and "+1 819 555 0123" are one number)."""
    try:
        return phone_number_parse(number).dial
    except ValidationError:  # saved before numbers were validated
        return re.sub(r"\D", "", number)


# --- Cells and text ------------------------------------------------------------------


def clean_cells(cells: list[str]) -> list[str]:
    """The cells' text without the white space and invisible marks around it.

    Byte order marks are removed wherever they are: inside a cell they only
    come from files pasted one after the other. (Per row, not per cell: a
    file has hundreds of thousands of cells.)
    """
    if any("\ufeff" in cell for cell in cells):
        cells = [cell.replace("\ufeff", "") for cell in cells]
    return [cell.strip(STRIP_CHARACTERS) for cell in cells]


def row_may_have_problems(cells: list[str]) -> bool:
    """A quick test on a whole row: whether :func:`cell_problem` may find anything."""
    text = "\n".join(cells)
    return len(text) > MAX_CELL_CHARACTERS or text_problem(text) is not None


def cell_problem(value: str) -> str | None:
    """Why a cell's text cannot be imported (in the active language), or None."""
    if len(value) > MAX_CELL_CHARACTERS:
        message = _("This cell holds %(length)s characters; at most %(max)s are accepted.") % {
            "length": len(value),
            "max": MAX_CELL_CHARACTERS,
        }
        if value.count("\n") > 10:
            message += " " + _(
                "A quotation mark that opens a cell and is never closed makes one cell "
                "of the rest of the file: check the quotation marks of this line."
            )
        return message
    return text_problem(value)


# --- Encodings -----------------------------------------------------------------------

# Longest first: the UTF-32 LE mark starts like the UTF-16 LE one.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
# Accented Latin letters and typographic quotes in UTF-8: in Windows-1252 these bytes
# read "Ã©", "â€™", which nobody writes.
_UTF8_SEQUENCE = re.compile(rb"\xc3[\x80-\xbf]|\xe2\x80[\x90-\xbf]")


def _encoding_refused(line: int, detail: str = "") -> ImportRefused:
    message = _(
        "The file's encoding is not recognised. Accepted: UTF-8 (with or without a byte "
        "order mark), UTF-16 with a byte order mark, and Windows-1252. In Excel, save as "
        "« CSV UTF-8 »."
    )
    return ImportRefused(RowError(line, "", f"{detail} {message}".strip()))


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _utf16_without_mark(head: bytes) -> str | None:
    """UTF-16 saved without its byte order mark: every other byte of Latin text is zero."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    even_zeros, odd_zeros = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def decode(content: bytes) -> str:
    """The file's text: by its byte order mark, else UTF-8, else Windows-1252.

    Refuses binary files (Excel workbooks sent as CSV) and files that mix
    UTF-8 with another encoding, which Windows-1252 would silently garble.
    """
    if content.startswith(ZIP_MAGIC) or content.startswith(OLE_MAGIC):
        raise ImportRefused(
            RowError(
                1,
                "",
                _(
                    "This is an Excel workbook or another binary file, not a text file: "
                    "choose the format « Excel » (or let the importer guess it)."
                ),
            )
        )
    for mark, encoding, name in BYTE_ORDER_MARKS:
        if content.startswith(mark):
            try:
                return content[len(mark) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise _encoding_refused(
                    _line_of(content, error.start + len(mark)) if name == "UTF-8" else 1,
                    _("The file starts with the mark of %(encoding)s but is not %(encoding)s.")
                    % {"encoding": name},
                ) from error
    guessed = _utf16_without_mark(content[:4096])
    if guessed:
        try:
            return content.decode(guessed)
        except UnicodeDecodeError as error:
            raise _encoding_refused(1) from error
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        if _UTF8_SEQUENCE.search(content):
            line = _line_of(content, error.start)
            raise ImportRefused(
                RowError(
                    line,
                    "",
                    _(
                        "The file is in UTF-8 except near line %(line)s: it mixes two "
                        "encodings. Save it again as « CSV UTF-8 »."
                    )
                    % {"line": line},
                )
            ) from error
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _encoding_refused(_line_of(content, error.start)) from error
