"""What the import steps share: results, plans, reference data, typed values."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
CSV = "csv"
HSDS_JSON = "hsds-json"
FORMATS = (CSV, HSDS_JSON)

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


def _quoted(values: list[str]) -> dict:
    return {"values": ", ".join(f"« {value} »" for value in values)}


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
        % {"value": raw, "choices": ", ".join(choices.values)},
    )
    return None


# --- Typed values --------------------------------------------------------------------

POSTAL_CODE = re.compile(r"^([A-Za-z]\d[A-Za-z])[ -]?(\d[A-Za-z]\d)$")


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
    try:
        value = float(raw.strip().replace(",", ".").replace(" ", ""))
    except ValueError:
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
    match = POSTAL_CODE.match(raw.strip())
    if not match:
        problems.report(line, column, _("Not a Canadian postal code (A1A 1A1)."))
        return raw.strip()
    return f"{match.group(1)} {match.group(2)}".upper()


def parse_phone(
    number: str, extension: str, *, line, column, extension_column, problems
) -> PhonePlan | None:
    number = " ".join(number.split())
    extension = extension.strip()
    ok = True
    if len(re.sub(r"\D", "", number)) < 7 or re.search(r"[^\d\s+().\-]", number):
        problems.report(
            line, column, _("Not a phone number: write digits, at least 7 (819 555-0123).")
        )
        ok = False
    if extension and not extension.isdigit():
        problems.report(line, extension_column, _("The extension takes digits only."))
        ok = False
    return PhonePlan(number=number, extension=extension) if ok else None


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        RowError(1, "", _("The file is not text in UTF-8 or Windows-1252: save it as CSV UTF-8."))
    )
