"""The recensement's CSV template: its columns, and reading a file into plans."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from directory.catalogue.validation import text_problem
from directory.models import (
    OrganisationKind,
    PublicationState,
    RecordSource,
    ServiceStatus,
)
from directory.search.text import fold
from directory.spreadsheets import spreadsheet_writer

from .common import (
    CHOICE_ALIASES,
    MAX_FILE_BYTES,
    MAX_RECORDS,
    ImportRefused,
    LocationPlan,
    OrganisationPlan,
    Problems,
    RowError,
    ServicePlan,
    Vocabulary,
    cell_problem,
    clean_cells,
    decode,
    lookup_list,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_phone,
    parse_postal_code,
    parse_uuid,
    phone_key,
    row_may_have_problems,
    shorten,
    unknown_categories,
    unknown_languages,
    unknown_statuses,
    unknown_territories,
)

# --- The CSV template ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the template: its (French) name, what it holds, an example value."""

    name: str
    help: str
    example: str = ""


ORGANISATION_COLUMNS = (
    Column(
        "organisme_id",
        gettext_lazy("Identifier (UUID) of the organisation, as the HSDS export gives it"),
    ),
    Column(
        "organisme",
        gettext_lazy("Name of the organisation (required)"),
        "Service d'aide aux Néo-Canadiens",
    ),
    Column(
        "organisme_en", gettext_lazy("English name of the organisation"), "Newcomer Aid Service"
    ),
    Column("sigle", gettext_lazy("Acronym"), "SANC"),
    Column(
        "type_organisme",
        gettext_lazy("Type: code or label (community, municipality…)"),
        "community",
    ),
    Column(
        "mission",
        gettext_lazy("Mission of the organisation"),
        "Accueillir les personnes immigrantes.",
    ),
    Column("mission_en", gettext_lazy("Mission in English")),
    Column("site_web", gettext_lazy("Website (https://…)"), "https://www.sanc-sherbrooke.ca"),
    Column("courriel_organisme", gettext_lazy("E-mail of the organisation")),
    Column("telephone_organisme", gettext_lazy("Phone of the organisation"), "819 566-5373"),
    Column(
        "territoires_organisme",
        gettext_lazy("Territories where the organisation works, separated by ;"),
        "Sherbrooke",
    ),
)
SERVICE_COLUMNS = (
    Column(
        "service_id", gettext_lazy("Identifier (UUID) of the service, as the HSDS export gives it")
    ),
    Column(
        "service",
        gettext_lazy("Name of the service (empty: a line about the organisation only)"),
        "Accueil et installation",
    ),
    Column("service_en", gettext_lazy("English name of the service"), "Reception and settlement"),
    Column(
        "description",
        gettext_lazy("Description of the service"),
        "Accueil « personnalisé » à l'arrivée.",
    ),
    Column("description_en", gettext_lazy("Description in English")),
    Column(
        "categories",
        gettext_lazy("Category codes, separated by ; or ,"),
        "ACC.ARRIVEE; ACC.ACCOMP",
    ),
    Column(
        "statuts_clientele",
        gettext_lazy("Codes of the client statuses accepted, separated by ;"),
        "REFUGIE_RPCE",
    ),
    Column("langues", gettext_lazy("ISO 639 codes of the languages, separated by ;"), "fr; en; es"),
    Column(
        "territoires",
        gettext_lazy("Territories served (name or code), separated by ;"),
        "Sherbrooke",
    ),
    Column("admissibilite", gettext_lazy("Eligibility")),
    Column("admissibilite_en", gettext_lazy("Eligibility in English")),
    Column("frais", gettext_lazy("Fees (empty if free)")),
    Column("frais_en", gettext_lazy("Fees in English")),
    Column("modalites_acces", gettext_lazy("How to access the service"), "Sur rendez-vous."),
    Column("modalites_acces_en", gettext_lazy("How to access, in English")),
    Column("documents_requis", gettext_lazy("Documents to bring")),
    Column("documents_requis_en", gettext_lazy("Required documents in English")),
    Column(
        "horaire", gettext_lazy("Opening hours, as text"), "Du lundi au vendredi, 8 h 30 à 16 h 30"
    ),
    Column("horaire_en", gettext_lazy("Opening hours in English")),
    Column(
        "statut_service",
        gettext_lazy("active, temporarily closed, inactive or defunct"),
        "active",
    ),
    Column("courriel_service", gettext_lazy("E-mail of the service")),
    Column("page_web_service", gettext_lazy("Web page of the service (https://…)")),
    Column("telephone", gettext_lazy("Phone of the service"), "819 566-5373"),
    Column("poste", gettext_lazy("Phone extension (digits)"), "221"),
    Column(
        "date_confirmation",
        gettext_lazy("Date the information was confirmed (YYYY-MM-DD)"),
        "2025-03-14",
    ),
)
LOCATION_COLUMNS = (
    Column(
        "lieu", gettext_lazy("Name of the place where the service is given"), "Bureau principal"
    ),
    Column("adresse", gettext_lazy("Street address"), "1, rue King Ouest"),
    Column("municipalite", gettext_lazy("Municipality"), "Sherbrooke"),
    Column("code_postal", gettext_lazy("Postal code (A1A 1A1)"), "J1H 1P1"),
    Column("latitude", gettext_lazy("Latitude (decimal point or comma)"), "45,4042"),
    Column("longitude", gettext_lazy("Longitude"), "-71,8929"),
)
RECORD_COLUMNS = (
    Column(
        "source",
        gettext_lazy("document, survey (sondage), interview (entrevue) or self_declared"),
        "survey",
    ),
    Column("sources", gettext_lazy("Documents, links or interviews the information comes from")),
    Column(
        "etat",
        gettext_lazy("Publication state (staff only): pending, published, draft or archived"),
    ),
)
COLUMNS = ORGANISATION_COLUMNS + SERVICE_COLUMNS + LOCATION_COLUMNS + RECORD_COLUMNS
COLUMN_NAMES = tuple(column.name for column in COLUMNS)

# Column → (organisation field | service field), for the plain text and URL columns.
ORGANISATION_FIELDS = {
    "organisme": "name",
    "organisme_en": "name_en",
    "sigle": "acronym",
    "mission": "mission",
    "mission_en": "mission_en",
    "site_web": "website",
    "courriel_organisme": "email",
    "sources": "source_notes",
}
SERVICE_FIELDS = {
    "service": "name",
    "service_en": "name_en",
    "description": "description",
    "description_en": "description_en",
    "admissibilite": "eligibility",
    "admissibilite_en": "eligibility_en",
    "frais": "fees",
    "frais_en": "fees_en",
    "modalites_acces": "how_to_access",
    "modalites_acces_en": "how_to_access_en",
    "documents_requis": "required_documents",
    "documents_requis_en": "required_documents_en",
    "horaire": "schedule",
    "horaire_en": "schedule_en",
    "courriel_service": "email",
    "page_web_service": "url",
    "sources": "source_notes",
}
SERVICE_ONLY_COLUMNS = {c.name for c in SERVICE_COLUMNS + LOCATION_COLUMNS} - {
    "service",
    "service_id",
}


def template_rows() -> list[list[str]]:
    """The downloadable template: the header, then one example row."""
    return [list(COLUMN_NAMES), [column.example for column in COLUMNS]]


def template_csv() -> str:
    """The template as CSV for a spreadsheet: formula-like cells are written as text."""
    buffer = io.StringIO()
    writer = spreadsheet_writer(buffer)
    writer.writerows(template_rows())
    return buffer.getvalue()


# --- Reading CSV -----------------------------------------------------------------------


WEB_COLUMNS = {"site_web", "page_web_service"}
BARE_DOMAIN = re.compile(r"^(www\.)?[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def _cell(column: str, value: str) -> str:
    """A web address written without its scheme (www.example.org) gets https://."""
    if column in WEB_COLUMNS and value and BARE_DOMAIN.match(value):
        return f"https://{value}"
    return value


def header_name(raw: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(raw))


@dataclass
class TableRow:
    """A row of a CSV file or of a workbook's sheet: its values by column, or its problems."""

    line: int
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)


def read_table(
    header: list[str], records: Iterable[tuple[int, list[str]]], *, header_line: int = 1
) -> tuple[list[str], list[TableRow]]:
    """(columns, rows) from a header and numbered rows of text cells: CSV and Excel alike.

    Refuses the whole file (:class:`ImportRefused`) when the header is wrong;
    a bad cell is a problem of its row. Empty rows are skipped.
    """
    header = clean_cells(header)
    while header and not header[-1]:
        header.pop()
    for index, name in enumerate(header):
        problem = text_problem(name)
        if problem:
            raise ImportRefused(
                RowError(
                    header_line,
                    "",
                    _("Column %(number)s of the header: %(problem)s")
                    % {"number": index + 1, "problem": problem},
                )
            )
    columns = [header_name(name) for name in header]
    unknown = [
        raw for raw, name in zip(header, columns, strict=True) if name and name not in COLUMN_NAMES
    ]
    if unknown:
        raise ImportRefused(
            RowError(
                header_line,
                "",
                ngettext(
                    "Unknown column: %(columns)s. Check its spelling against the template.",
                    "Unknown columns: %(columns)s. Check their spelling against the template.",
                    len(unknown),
                )
                % {"columns": ", ".join(f"« {name[:80]} »" for name in unknown[:20])},
            )
        )
    if "organisme" not in columns:
        raise ImportRefused(
            RowError(
                header_line,
                "organisme",
                _("The column « organisme » is missing: it is required."),
            )
        )
    duplicates = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicates:
        raise ImportRefused(
            RowError(
                header_line,
                "",
                _("Columns given twice: %(columns)s.") % {"columns": ", ".join(duplicates)},
            )
        )
    width = len(columns)
    named = [(index, name) for index, name in enumerate(columns) if name]
    web = [name for name in columns if name in WEB_COLUMNS]
    rows: list[TableRow] = []
    for line, raw_cells in records:
        cells = clean_cells(raw_cells)
        if not any(cells):
            continue
        if len(rows) >= MAX_RECORDS:
            raise ImportRefused(
                RowError(
                    line,
                    "",
                    _("The file has more than %(max)s rows: split it into several files.")
                    % {"max": MAX_RECORDS},
                )
            )
        row = TableRow(line=line, values={})
        rows.append(row)
        if any(cells[width:]):
            row.problems.append(("", _("This line has more cells than the header has columns.")))
            continue
        if (
            len(cells[0]) == len(header[0])
            and [header_name(cell) for cell in cells[:width]] == columns
        ):
            row.problems.append(
                (
                    "",
                    _(
                        "This line repeats the header: were two files pasted one after "
                        "the other? Remove it."
                    ),
                )
            )
            continue
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        if row_may_have_problems(cells):
            for index, name in named:
                problem = cell_problem(cells[index])
                if problem:
                    row.problems.append((name, problem))
                    cells[index] = ""
        row.values = {name: cells[index] for index, name in named}
        for name in web:
            row.values[name] = _cell(name, row.values[name])
    if not rows:
        raise ImportRefused(
            RowError(
                header_line,
                "",
                _("The file has a header but no rows under it: there is nothing to import."),
            )
        )
    return [name for name in columns if name], rows


def read_csv(content: bytes) -> tuple[list[str], list[TableRow]]:
    """(columns, rows), rows numbered as a spreadsheet shows them.

    The header is row 1; a cell with line breaks does not shift the numbers,
    so that "line 12" is the row people see as 12 in their spreadsheet.
    The delimiter is the one of ``;``, ``,`` and tab the header uses most.
    """
    text = decode(content)
    if not text or text.isspace():
        raise ImportRefused(RowError(1, "", _("The file is empty.")))
    # Let the reader hand over any cell, however long, so that read_table names its
    # column; the file's size bounds it.
    if csv.field_size_limit() <= MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES + 1)
    first_line = text.lstrip("\ufeff\r\n").partition("\n")[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    state = {"line": 0}

    def numbered():
        for cells in reader:
            state["line"] += 1
            yield state["line"], cells

    try:
        records = numbered()
        header_line, header = next(((n, c) for n, c in records if any(x.strip() for x in c)))
        return read_table(header, records, header_line=header_line)
    except StopIteration:
        raise ImportRefused(RowError(1, "", _("The file is empty."))) from None
    except csv.Error as error:
        line = state["line"] + 1
        raise ImportRefused(
            RowError(line, "", _("Line %(line)s cannot be read as CSV.") % {"line": line})
        ) from error


class TablePlanner:
    """Turns rows (CSV or Excel) into organisation and service plans, reporting every bad cell."""

    def __init__(self, columns: list[str], vocabulary: Vocabulary, problems: Problems):
        self.columns = set(columns)
        self.vocabulary = vocabulary
        self.problems = problems
        self.organisations: list[OrganisationPlan] = []
        self.services: list[ServicePlan] = []
        self._by_uuid: dict[uuid.UUID, OrganisationPlan] = {}
        self._by_name: dict[str, OrganisationPlan] = {}
        self._meta_line: int | None = None
        self._meta: tuple[str | None, str | None] = (None, None)

    def has(self, column: str) -> bool:
        return column in self.columns

    def add_row(self, table_row: TableRow) -> None:
        line, row = table_row.line, table_row.values
        if table_row.problems:
            for column, message in table_row.problems:
                self.problems.report(line, column, message)
            return
        organisation = self._organisation(line, row)
        if organisation is None:
            return
        name = row.get("service", "")
        if not name and not row.get("service_id", ""):
            filled = sorted(c for c in SERVICE_ONLY_COLUMNS if row.get(c))
            if filled:
                self.problems.report(
                    line,
                    "service",
                    _("A service name is required when service columns are filled (%(columns)s).")
                    % {"columns": ", ".join(filled)},
                )
            return
        self.services.append(self._service(line, row, organisation))

    # -- organisations

    def _organisation(self, line: int, row: dict[str, str]) -> OrganisationPlan | None:
        p = self.problems
        name = row.get("organisme", "")
        identifier = None
        if row.get("organisme_id"):
            identifier = parse_uuid(
                row["organisme_id"], line=line, column="organisme_id", problems=p
            )
        if not name and identifier is None:
            p.report(line, "organisme", _("The organisation's name is required."))
            return None
        plan = (self._by_uuid.get(identifier) if identifier else None) or (
            self._by_name.get(fold(name)) if name else None
        )
        if plan is None:
            plan = OrganisationPlan(line=line, name=name, uuid=identifier)
            self.organisations.append(plan)
        elif identifier and plan.uuid and plan.uuid != identifier:
            p.report(
                line,
                "organisme_id",
                _("Line %(line)s gives another identifier to the organisation « %(name)s ».")
                % {"line": plan.line, "name": shorten(plan.name)},
            )
            return None
        plan.uuid = plan.uuid or identifier
        plan.name = plan.name or name
        if plan.uuid:
            self._by_uuid[plan.uuid] = plan
        if name:
            self._by_name.setdefault(fold(name), plan)

        for column, model_field in ORGANISATION_FIELDS.items():
            if self.has(column) and column != "sources":
                self._merge(plan, line, column, model_field, row.get(column, ""))
        if self.has("type_organisme") and row.get("type_organisme"):
            kind = parse_choice(
                row["type_organisme"],
                OrganisationKind,
                CHOICE_ALIASES["kind"],
                line=line,
                column="type_organisme",
                problems=p,
            )
            self._merge_attr(plan, line, "type_organisme", "kind", kind)
        if self.has("territoires_organisme") and plan.territories is None:
            plan.territories = []
        if row.get("territoires_organisme"):
            found = lookup_list(
                row["territoires_organisme"],
                self.vocabulary.territories,
                line=line,
                column="territoires_organisme",
                problems=p,
                unknown=unknown_territories,
            )
            plan.territories += [t for t in found if t not in plan.territories]
        if row.get("telephone_organisme"):
            phone = parse_phone(
                row["telephone_organisme"],
                "",
                line=line,
                column="telephone_organisme",
                extension_column="",
                problems=p,
            )
            if phone and (phone_key(phone.number), phone.extension) not in {
                (phone_key(x.number), x.extension) for x in plan.phones
            }:
                plan.phones.append(phone)
        self._record_meta(plan, line, row)
        return plan

    def _merge(self, plan, line: int, column: str, model_field: str, value: str) -> None:
        """First non-empty value wins; a different non-empty value later is an error."""
        current = plan.values.get(model_field)
        if not current:
            plan.values[model_field] = value
            if value:
                plan.value_lines[model_field] = line
        elif value and fold(value) != fold(current):
            self.problems.report(
                line,
                column,
                _(
                    "« %(value)s » differs from the organisation's value "
                    "on line %(line)s (« %(other)s »)."
                )
                % {
                    "value": shorten(value),
                    "line": plan.value_lines[model_field],
                    "other": shorten(current),
                },
            )

    def _merge_attr(self, plan, line: int, column: str, attribute: str, value) -> None:
        current = getattr(plan, attribute)
        if value is None:
            return
        if current is None:
            setattr(plan, attribute, value)
        elif current != value:
            self.problems.report(
                line,
                column,
                _(
                    "« %(value)s » differs from the value given on an earlier line "
                    "for this organisation (« %(other)s »)."
                )
                % {"value": shorten(value), "other": shorten(current)},
            )

    def _record_meta(self, plan, line: int, row: dict[str, str]) -> None:
        """``source`` and ``etat`` (parsed once per row), and ``sources`` for the organisation."""
        source, state = self._row_meta(line, row)
        if isinstance(plan, OrganisationPlan):
            self._merge_attr(plan, line, "source", "source", source)
            self._merge_attr(plan, line, "etat", "state", state)
            if self.has("sources"):
                self._merge(plan, line, "sources", "source_notes", row.get("sources", ""))
        else:
            plan.source, plan.state = source, state

    def _row_meta(self, line: int, row: dict[str, str]) -> tuple[str | None, str | None]:
        if self._meta_line != line:
            p = self.problems
            self._meta_line = line
            self._meta = (
                parse_choice(
                    row["source"],
                    RecordSource,
                    CHOICE_ALIASES["source"],
                    line=line,
                    column="source",
                    problems=p,
                )
                if row.get("source")
                else None,
                parse_choice(
                    row["etat"],
                    PublicationState,
                    CHOICE_ALIASES["state"],
                    line=line,
                    column="etat",
                    problems=p,
                )
                if row.get("etat")
                else None,
            )
        return self._meta

    # -- services

    def _service(
        self, line: int, row: dict[str, str], organisation: OrganisationPlan
    ) -> ServicePlan:
        p, v = self.problems, self.vocabulary
        identifier = None
        if row.get("service_id"):
            identifier = parse_uuid(row["service_id"], line=line, column="service_id", problems=p)
        plan = ServicePlan(
            line=line, organisation=organisation, name=row.get("service", ""), uuid=identifier
        )
        for column, model_field in SERVICE_FIELDS.items():
            if self.has(column):
                plan.values[model_field] = row.get(column, "")
        if self.has("statut_service"):
            plan.values["status"] = ServiceStatus.ACTIVE
            if row.get("statut_service"):
                plan.values["status"] = (
                    parse_choice(
                        row["statut_service"],
                        ServiceStatus,
                        CHOICE_ALIASES["status"],
                        line=line,
                        column="statut_service",
                        problems=p,
                    )
                    or ServiceStatus.ACTIVE
                )
        if self.has("date_confirmation"):
            plan.values["assured_date"] = (
                parse_date(
                    row["date_confirmation"], line=line, column="date_confirmation", problems=p
                )
                if row.get("date_confirmation")
                else None
            )
        lists = (
            ("categories", "categories", v.categories, unknown_categories),
            ("statuts_clientele", "client_statuses", v.client_statuses, unknown_statuses),
            ("langues", "languages", v.languages, unknown_languages),
            ("territoires", "territories", v.territories, unknown_territories),
        )
        for column, attribute, index, unknown in lists:
            if self.has(column):
                setattr(
                    plan,
                    attribute,
                    lookup_list(
                        row.get(column, ""),
                        index,
                        line=line,
                        column=column,
                        problems=p,
                        unknown=unknown,
                    ),
                )
        if row.get("telephone") or row.get("poste"):
            phone = parse_phone(
                row.get("telephone", ""),
                row.get("poste", ""),
                line=line,
                column="telephone",
                extension_column="poste",
                problems=p,
            )
            if phone:
                plan.phones.append(phone)
        location = self._location(line, row)
        if location:
            plan.locations.append(location)
        self._record_meta(plan, line, row)
        return plan

    def _location(self, line: int, row: dict[str, str]) -> LocationPlan | None:
        p = self.problems
        if not any(row.get(c.name) for c in LOCATION_COLUMNS):
            return None
        values = {
            "name": row.get("lieu", ""),
            "address": " ".join(row.get("adresse", "").split()),
            "municipality": row.get("municipalite", ""),
            "postal_code": "",
            "latitude": None,
            "longitude": None,
        }
        if row.get("code_postal"):
            values["postal_code"] = parse_postal_code(
                row["code_postal"], line=line, column="code_postal", problems=p
            )
        latitude, longitude = row.get("latitude", ""), row.get("longitude", "")
        if bool(latitude) != bool(longitude):
            p.report(
                line,
                "latitude" if not latitude else "longitude",
                _("Give both latitude and longitude, or neither."),
            )
        elif latitude:
            values["latitude"] = parse_decimal(
                latitude, line=line, column="latitude", problems=p, minimum=-90, maximum=90
            )
            values["longitude"] = parse_decimal(
                longitude, line=line, column="longitude", problems=p, minimum=-180, maximum=180
            )
        return LocationPlan(values=values)
