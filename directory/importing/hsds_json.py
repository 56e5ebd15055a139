"""Reading HSDS 3.0 JSON (what ``/api/hsds/`` serves) into plans."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from itertools import accumulate

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.catalogue.validation import strip_text, text_problem
from directory.models import (
    Location,
    Organisation,
    Phone,
    ServiceStatus,
)
from directory.opendata import hsds
from directory.search.text import fold

from .common import (
    MAX_CELL_CHARACTERS,
    MAX_RECORDS,
    ImportRefused,
    LocationPlan,
    OrganisationPlan,
    PhonePlan,
    Problems,
    RowError,
    ServicePlan,
    Vocabulary,
    cell_problem,
    decode,
    parse_date,
    parse_phone,
    parse_postal_code,
    parse_uuid,
    shorten,
    unknown_languages,
    unknown_territories,
)

# --- Reading HSDS JSON ---------------------------------------------------------------

MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 40
# Choices, computed once (Django computes ``.values`` at each call).
_PHONE_KINDS = frozenset(Phone.Kind.values)
_LOCATION_KINDS = frozenset(Location.Kind.values)
_SERVICE_STATUSES = frozenset(ServiceStatus.values)
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}.__getitem__
# Escapes of what text may not hold (control characters, surrogates, noncharacters). A
# surrogate pair (an emoji written \ud83d\ude00) matches too: the records are then checked
# one string at a time, which tells a pair from a lone surrogate.
_FORBIDDEN_ESCAPE = re.compile(
    r"\\u(?:00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])"
    r"|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF][dD][dDeE][0-9a-fA-F]|[fF]{3}[eEfF])"
)


class _NumberTooLong(ValueError):
    def __init__(self, digits: str):
        super().__init__(digits[:50])
        self.digits = digits


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:  # room for a sign, a point and an exponent
        raise _NumberTooLong(text)
    return float(text)


def _check_depth(text: str) -> None:
    """Refuses JSON nested deeper than :data:`MAX_DEPTH`, at the speed of a regex.

    Strings are removed, then the brackets left are summed; only a file
    found too deep is scanned again, to say at which line.
    """
    brackets = _NOT_BRACKETS.sub("", _JSON_STRING.sub("", text))
    if max(accumulate(map(_DEPTH_STEP, brackets)), default=0) <= MAX_DEPTH:
        return
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise ImportRefused(
                    RowError(
                        line,
                        "",
                        _(
                            "The JSON is nested too deep (more than %(max)s levels, "
                            "line %(line)s): HSDS records are not."
                        )
                        % {"max": MAX_DEPTH, "line": line},
                    )
                )
        elif bracket in "]}":
            depth -= 1


def _strings_may_have_problems(text: str) -> bool:
    """Whether some string of the JSON text may be too long or hold what text may not
    (then every string is checked, with its path): false for nearly every file, fast."""
    longest = max(map(len, _JSON_STRING.findall(text)), default=0)
    return (
        longest > MAX_CELL_CHARACTERS  # written length: at least the string's own
        or _FORBIDDEN_ESCAPE.search(text) is not None
        or text_problem(text) is not None
    )


class HsdsPlanner:
    """Turns HSDS 3.0 objects (as our API serves them) into plans.

    Attributes of taxonomies other than ours are ignored: a file from
    another HSDS publisher keeps its own vocabularies. An identifier names
    one thing: an organization given twice, or a location, phone or link
    whose identifier the file gives to two different things, is an error
    (the one-to-one copy of an organization nested in its services, and a
    location repeated under the services given there, are the same thing).
    """

    def __init__(self, vocabulary: Vocabulary, problems: Problems, *, check_strings: bool = True):
        """``check_strings``: whether each string must be checked (see :meth:`records`)."""
        self.vocabulary = vocabulary
        self.problems = problems
        self.check_strings = check_strings
        self.organisations: list[OrganisationPlan] = []
        self.services: list[ServicePlan] = []
        self._by_uuid: dict[uuid.UUID, OrganisationPlan] = {}
        self._by_name: dict[str, OrganisationPlan] = {}
        # Organizations given as records of the file (not nested): id or name → record.
        self._given: dict[object, int] = {}
        self._claims: dict[tuple[str, uuid.UUID], _Claim] = {}
        self._number = 0

    @staticmethod
    def records(content: bytes) -> tuple[list, bool]:
        """The file's records (organizations and/or services), or :class:`ImportRefused`;
        and whether their strings must be checked one by one (``check_strings``).

        Refused before any record is read: text that is not JSON, nesting
        deeper than :data:`MAX_DEPTH` (an HSDS organization with its services
        is about ten levels deep), a number longer than :data:`MAX_NUMBER_DIGITS`.
        """
        text = decode(content)
        if not text or text.isspace():
            raise ImportRefused(RowError(1, "", _("The file is empty.")))
        _check_depth(text)
        try:
            data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float)
        except json.JSONDecodeError as error:
            raise ImportRefused(
                RowError(
                    error.lineno,
                    "",
                    _("Not valid JSON: error at line %(line)s, character %(column)s.")
                    % {"line": error.lineno, "column": error.colno},
                )
            ) from error
        except _NumberTooLong as error:
            line = text.count("\n", 0, max(text.find(error.digits), 0)) + 1
            raise ImportRefused(
                RowError(
                    line,
                    "",
                    _(
                        "A number of the file has %(digits)s digits, at most %(max)s are "
                        "accepted (line %(line)s)."
                    )
                    % {"digits": len(error.digits), "max": MAX_NUMBER_DIGITS, "line": line},
                )
            ) from None
        expected = _("Expected a list of HSDS organizations or services.")
        if isinstance(data, dict):
            if "contents" in data:
                data = data["contents"]
            elif "organizations" in data or "services" in data:
                parts = [data.get("organizations") or [], data.get("services") or []]
                if not all(isinstance(part, list) for part in parts):
                    raise ImportRefused(RowError(1, "", expected))
                data = [*parts[0], *parts[1]]
            else:
                data = [data]
        if not isinstance(data, list):
            raise ImportRefused(RowError(1, "", expected))
        if not data:
            raise ImportRefused(
                RowError(1, "", _("The file holds no organization and no service."))
            )
        if len(data) > MAX_RECORDS:
            raise ImportRefused(
                RowError(
                    1,
                    "",
                    _("The file has more than %(max)s records: split it into several files.")
                    % {"max": MAX_RECORDS},
                )
            )
        return data, _strings_may_have_problems(text)

    def _check_strings(self, number: int, value, path: str = "") -> bool:
        """Every text of the record (names and values) may be imported; reports those not."""
        ok = True
        if isinstance(value, str):
            problem = cell_problem(value)
            if problem:
                self.problems.report(number, path, problem)
                ok = False
        elif isinstance(value, dict):
            for key, item in value.items():
                key_problem = text_problem(key)
                if key_problem:
                    self.problems.report(number, path, key_problem)
                    ok = False
                    continue
                ok = self._check_strings(number, item, f"{path}.{key}" if path else key) and ok
        elif isinstance(value, list):
            for index, item in enumerate(value):
                ok = self._check_strings(number, item, f"{path}[{index}]") and ok
        return ok

    def add_record(self, number: int, record) -> None:
        self._number = number
        if not isinstance(record, dict):
            self.problems.report(
                number, "", _("Not an HSDS object: expected an organization or a service.")
            )
            return
        if self.check_strings and not self._check_strings(number, record):
            return
        if "services" in record or ("status" not in record and "description" in record):
            organisation = self._organisation(number, record, "")
            if organisation is None:
                return
            for index, service in enumerate(self._list(record, "services")):
                if isinstance(service, dict):
                    self._service(number, service, organisation, f"services[{index}].")
        elif "status" in record:
            nested = record.get("organization")
            if isinstance(nested, dict):
                organisation = self._organisation(number, nested, "organization.")
            else:
                organisation_id = self._id(number, record.get("organization_id"), "organization_id")
                organisation = self._by_uuid.get(organisation_id) if organisation_id else None
                if organisation is None and organisation_id:
                    existing = Organisation.objects.filter(uuid=organisation_id).first()
                    if existing:
                        organisation = OrganisationPlan(
                            line=number, name=existing.name, uuid=existing.uuid
                        )
                        self.organisations.append(organisation)
                        self._by_uuid[existing.uuid] = organisation
                if organisation is None:
                    self.problems.report(
                        number,
                        "organization_id",
                        _(
                            "This service's organization is neither in the file "
                            "nor in the directory."
                        ),
                    )
                    return
            if organisation is not None:
                self._service(number, record, organisation, "")
        else:
            self.problems.report(
                number, "", _("Not an HSDS object: expected an organization or a service.")
            )

    # -- reading values

    def _id(self, number: int, raw, column: str) -> uuid.UUID | None:
        if raw in (None, ""):
            return None
        return parse_uuid(str(raw), line=number, column=column, problems=self.problems)

    def _text(self, record: dict, key: str, column: str = "") -> str:
        """A text value; a list or an object where text is expected is an error."""
        value = record.get(key)
        if value is None:
            return ""
        if isinstance(value, dict | list):
            self.problems.report(
                self._number, column or key, _("Expected a text, not a list or an object.")
            )
            return ""
        return strip_text(str(value))

    @staticmethod
    def _list(record: dict, key: str) -> list:
        """A list member; anything else (null, text, an object) reads as no item."""
        value = record.get(key)
        return value if isinstance(value, list) else []

    @staticmethod
    def _term_id(attribute: dict) -> str:
        value = attribute.get("taxonomy_term_id")
        return value if isinstance(value, str) else ""

    def _attributes(self, record: dict) -> list[dict]:
        return [a for a in self._list(record, "attributes") if isinstance(a, dict)]

    def _english(self, record: dict) -> dict[str, str]:
        english = {}
        for attribute in self._attributes(record):
            field_name = self.vocabulary.translation_terms.get(self._term_id(attribute))
            if (
                field_name
                and attribute.get("link_type", hsds.LINK_TRANSLATION) == hsds.LINK_TRANSLATION
            ):
                english[field_name] = self._text(attribute, "value", "attributes.value")
        return english

    def _claim(self, kind: str, identifier, *, number: int, column: str, owner, values) -> None:
        """Reports an identifier the file gives to two different things."""
        if identifier is None:
            return
        first = self._claims.setdefault((kind, identifier), _Claim(number, owner, values))
        if first.owner != owner or first.values != values:
            self.problems.report(number, column, _CLAIM_MESSAGES[kind] % {"record": first.number})

    # -- organisations

    def _organisation(self, number: int, record: dict, prefix: str) -> OrganisationPlan | None:
        """The organisation's plan; None when the record gives it a second time (reported)."""
        identifier = self._id(number, record.get("id"), f"{prefix}id")
        name = self._text(record, "name", f"{prefix}name")
        plan = (
            self._by_uuid.get(identifier)
            if identifier
            else self._by_name.get(fold(name))
            if name
            else None
        )
        if not prefix:  # an organization record of the file
            key = identifier or fold(name)
            if key and key in self._given:
                self.problems.report(
                    number,
                    "id" if identifier else "name",
                    _(
                        "This organization is already given in record %(record)s: "
                        "give each organization once."
                    )
                    % {"record": self._given[key]},
                )
                return None
            if key:
                self._given[key] = number
        elif plan is not None and "attributes" not in record:
            # The one-to-one copy nested in a service: already read; it must agree.
            if name and plan.name and fold(name) != fold(plan.name):
                self.problems.report(
                    number,
                    f"{prefix}name",
                    _(
                        "« %(name)s » differs from the name given to this organization "
                        "in record %(record)s (« %(other)s »)."
                    )
                    % {"name": shorten(name), "record": plan.line, "other": shorten(plan.name)},
                )
            return plan
        if plan is None:
            plan = OrganisationPlan(line=number, name=name, uuid=identifier)
            self.organisations.append(plan)
            if identifier:
                self._by_uuid[identifier] = plan
            elif name:
                self._by_name[fold(name)] = plan
        plan.name = name
        plan.values.update(
            {
                "name": plan.name,
                "acronym": self._text(record, "alternate_name", f"{prefix}alternate_name"),
                "mission": self._text(record, "description", f"{prefix}description"),
                "website": self._text(record, "website", f"{prefix}website"),
                "email": self._text(record, "email", f"{prefix}email"),
            }
        )
        if "attributes" in record:
            # Only a full organization says which English versions exist.
            english = self._english(record)
            plan.values["name_en"] = english.get("name", "")
            plan.values["mission_en"] = english.get("description", "")
        for attribute in self._attributes(record):
            kind = self.vocabulary.kind_terms.get(self._term_id(attribute))
            if kind:
                plan.kind = kind
        if "phones" in record:
            plan.phones = self._phones(
                number, record, f"{prefix}phones", owner=("organisation", id(plan))
            )
        if "locations" in record:
            plan.locations = [
                self._location(number, location, f"{prefix}locations[{i}].", plan)
                for i, location in enumerate(self._list(record, "locations"))
                if isinstance(location, dict)
            ]
        return plan

    # -- phones and locations

    def _phones(self, number: int, record: dict, column: str, *, owner) -> list[PhonePlan]:
        plans = []
        for index, phone in enumerate(self._list(record, "phones")):
            if not isinstance(phone, dict):
                continue
            where = f"{column}[{index}]"
            raw_extension = phone.get("extension")
            extension = "" if raw_extension in (None, "") else self._text(phone, "extension", where)
            if extension.endswith(".0"):
                extension = extension[:-2]
            plan = parse_phone(
                self._text(phone, "number", f"{where}.number"),
                extension,
                line=number,
                column=f"{where}.number",
                extension_column=f"{where}.extension",
                problems=self.problems,
            )
            if plan:
                plan.uuid = self._id(number, phone.get("id"), f"{where}.id")
                plan.column = f"{where}.id"
                kind = self._text(phone, "type", f"{where}.type")
                plan.kind = kind if kind in _PHONE_KINDS else Phone.Kind.VOICE
                plan.description = self._text(phone, "description", f"{where}.description")
                self._claim(
                    "phone",
                    plan.uuid,
                    number=number,
                    column=f"{where}.id",
                    owner=owner,
                    values=(plan.number, plan.extension, plan.kind, plan.description),
                )
                plans.append(plan)
        return plans

    def _location(
        self, number: int, record: dict, prefix: str, organisation: OrganisationPlan
    ) -> LocationPlan:
        p = self.problems
        address = next((a for a in self._list(record, "addresses") if isinstance(a, dict)), {})
        accessibility = next(
            (a for a in self._list(record, "accessibility") if isinstance(a, dict)), {}
        )
        address_prefix = f"{prefix}addresses[0]."
        kind = self._text(record, "location_type", f"{prefix}location_type")
        kind = kind or Location.Kind.PHYSICAL
        if kind not in _LOCATION_KINDS:
            p.report(
                number,
                f"{prefix}location_type",
                _("Unknown value « %(value)s ». Accepted values: %(choices)s.")
                % {"value": shorten(kind), "choices": ", ".join(Location.Kind.values)},
            )
            kind = Location.Kind.PHYSICAL
        postal_code = self._text(address, "postal_code", f"{address_prefix}postal_code")
        if postal_code:
            postal_code = parse_postal_code(
                postal_code,
                line=number,
                column=f"{address_prefix}postal_code",
                problems=p,
            )
        values = {
            "kind": kind,
            "name": self._text(record, "name", f"{prefix}name"),
            "name_en": self._english(record).get("name", ""),
            "url": self._text(record, "url", f"{prefix}url"),
            "latitude": record.get("latitude"),
            "longitude": record.get("longitude"),
            "address": self._text(address, "address_1", f"{address_prefix}address_1"),
            "municipality": self._text(address, "city", f"{address_prefix}city"),
            "postal_code": postal_code,
            "accessibility": self._text(
                accessibility, "description", f"{prefix}accessibility[0].description"
            ),
            "accessibility_en": self._english(accessibility).get("description", ""),
        }
        for axis, limit in (("latitude", 90), ("longitude", 180)):
            value = values[axis]
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not -limit <= value <= limit
            ):
                p.report(
                    number,
                    f"{prefix}{axis}",
                    _("Must be between %(minimum)s and %(maximum)s.")
                    % {"minimum": -limit, "maximum": limit},
                )
                values[axis] = None
        region = self._text(address, "region", f"{address_prefix}region")
        identifier = self._id(number, record.get("id"), f"{prefix}id")
        territory = self.vocabulary.territories.get(fold(region)) if region else None
        plan = LocationPlan(
            values=values,
            authoritative=True,
            uuid=identifier,
            territory=territory,
            phones=self._phones(
                number,
                record,
                f"{prefix}phones",
                owner=("location", identifier or id(record)),
            ),
            column=f"{prefix}id",
        )
        self._claim(
            "location",
            identifier,
            number=number,
            column=f"{prefix}id",
            owner=id(organisation),
            values=(values, territory),
        )
        return plan

    # -- services

    def _service(
        self, number: int, record: dict, organisation: OrganisationPlan, prefix: str
    ) -> None:
        v = self.vocabulary
        english = self._english(record)
        schedule = next((s for s in self._list(record, "schedules") if isinstance(s, dict)), {})
        document = next(
            (d for d in self._list(record, "required_documents") if isinstance(d, dict)), {}
        )
        plan = ServicePlan(
            line=number,
            organisation=organisation,
            name=self._text(record, "name", f"{prefix}name"),
            uuid=self._id(number, record.get("id"), f"{prefix}id"),
        )
        status = self._text(record, "status", f"{prefix}status") or ServiceStatus.ACTIVE
        if status not in _SERVICE_STATUSES:
            self.problems.report(
                number,
                f"{prefix}status",
                _("Unknown value « %(value)s ». Accepted values: %(choices)s.")
                % {"value": shorten(status), "choices": ", ".join(ServiceStatus.values)},
            )
            status = ServiceStatus.ACTIVE
        assured = self._text(record, "assured_date", f"{prefix}assured_date")

        def text(key: str, source: dict = record, where: str = "") -> str:
            return self._text(source, key, f"{prefix}{where}{key}")

        plan.values = {
            "name": plan.name,
            "name_en": english.get("name", ""),
            "description": text("description"),
            "description_en": english.get("description", ""),
            "url": text("url"),
            "email": text("email"),
            "status": status,
            "how_to_access": text("application_process"),
            "how_to_access_en": english.get("application_process", ""),
            "fees": text("fees_description"),
            "fees_en": english.get("fees_description", ""),
            "eligibility": text("eligibility_description"),
            "eligibility_en": english.get("eligibility_description", ""),
            "schedule": text("description", schedule, "schedules[0]."),
            "schedule_en": self._english(schedule).get("description", ""),
            "required_documents": text("document", document, "required_documents[0]."),
            "required_documents_en": self._english(document).get("document", ""),
            "assured_date": parse_date(
                assured, line=number, column=f"{prefix}assured_date", problems=self.problems
            )
            if assured
            else None,
        }
        plan.categories, plan.client_statuses = [], []
        for attribute in self._attributes(record):
            term_id = self._term_id(attribute)
            if term_id in v.category_terms:
                plan.categories.append(v.category_terms[term_id])
            elif term_id in v.client_status_terms:
                plan.client_statuses.append(v.client_status_terms[term_id])
            elif isinstance(attribute.get("taxonomy_term"), dict) and attribute[
                "taxonomy_term"
            ].get("taxonomy_id") in (hsds.SERVICE_CATEGORIES.id, hsds.CLIENT_STATUSES.id):
                self.problems.report(
                    number,
                    f"{prefix}attributes",
                    _("Unknown taxonomy term: %(id)s.") % {"id": shorten(term_id or "?")},
                )
        plan.languages = []
        for index, language in enumerate(self._list(record, "languages")):
            where = f"{prefix}languages[{index}].code"
            code = self._text(language, "code", where) if isinstance(language, dict) else ""
            found = v.languages.get(fold(code))
            if found is None:
                self.problems.report(number, where, unknown_languages([code or "?"]))
            elif found not in plan.languages:
                plan.languages.append(found)
        plan.territories = []
        for index, area in enumerate(self._list(record, "service_areas")):
            where = f"{prefix}service_areas[{index}]."
            if not isinstance(area, dict):
                area = {}
            name = self._text(area, "name", f"{where}name")
            uri = self._text(area, "uri", f"{where}uri")
            found = v.territories.get(fold(uri)) or v.territories.get(fold(name))
            if found is None:
                self.problems.report(number, f"{where}name", unknown_territories([name or "?"]))
            elif found not in plan.territories:
                plan.territories.append(found)
        plan.phones = self._phones(number, record, f"{prefix}phones", owner=("service", id(plan)))
        for index, link in enumerate(self._list(record, "service_at_locations")):
            if not isinstance(link, dict) or not isinstance(link.get("location"), dict):
                continue
            where = f"{prefix}service_at_locations[{index}]."
            location = self._location(number, link["location"], f"{where}location.", organisation)
            location.link_uuid = self._id(number, link.get("id"), f"{where}id")
            location.link_column = f"{where}id"
            location.link_description = self._text(link, "description", f"{where}description")
            self._claim(
                "service_at_location",
                location.link_uuid,
                number=number,
                column=f"{where}id",
                owner=(id(plan), location.uuid or id(link)),
                values=location.link_description,
            )
            plan.locations.append(location)
        self.services.append(plan)


@dataclass(frozen=True)
class _Claim:
    number: int
    owner: object
    values: object


_CLAIM_MESSAGES = {
    "location": gettext_lazy(
        "This location's identifier is already given in record %(record)s to a different location."
    ),
    "phone": gettext_lazy(
        "This phone's identifier is already given in record %(record)s to a different phone."
    ),
    "service_at_location": gettext_lazy(
        "This identifier of a service at a location is already given in record %(record)s "
        "to a different one."
    ),
}
