"""Reading HSDS 3.0 JSON (what ``/api/hsds/`` serves) into plans."""

from __future__ import annotations

import json
import uuid

from django.utils.translation import gettext as _

from directory.models import (
    Location,
    Organisation,
    Phone,
    ServiceStatus,
)
from directory.opendata import hsds
from directory.search.text import fold

from .common import (
    MAX_RECORDS,
    ImportRefused,
    LocationPlan,
    OrganisationPlan,
    PhonePlan,
    Problems,
    RowError,
    ServicePlan,
    Vocabulary,
    decode,
    parse_date,
    parse_phone,
    parse_uuid,
    unknown_languages,
    unknown_territories,
)

# --- Reading HSDS JSON ---------------------------------------------------------------


class HsdsPlanner:
    """Turns HSDS 3.0 objects (as our API serves them) into plans.

    Attributes of taxonomies other than ours are ignored: a file from
    another HSDS publisher keeps its own vocabularies.
    """

    def __init__(self, vocabulary: Vocabulary, problems: Problems):
        self.vocabulary = vocabulary
        self.problems = problems
        self.organisations: list[OrganisationPlan] = []
        self.services: list[ServicePlan] = []
        self._by_uuid: dict[uuid.UUID, OrganisationPlan] = {}

    @staticmethod
    def records(content: bytes) -> list:
        try:
            data = json.loads(decode(content))
        except json.JSONDecodeError as error:
            raise ImportRefused(
                RowError(error.lineno, "", _("Not valid JSON: %(error)s.") % {"error": error.msg})
            ) from error
        if isinstance(data, dict):
            if "contents" in data:
                data = data["contents"]
            elif "organizations" in data or "services" in data:
                data = [*data.get("organizations", []), *data.get("services", [])]
            else:
                data = [data]
        if not isinstance(data, list):
            raise ImportRefused(
                RowError(1, "", _("Expected a list of HSDS organizations or services."))
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
        return data

    def add_record(self, number: int, record) -> None:
        if not isinstance(record, dict):
            self.problems.report(
                number, "", _("Not an HSDS object: expected an organization or a service.")
            )
            return
        if "services" in record or ("status" not in record and "description" in record):
            organisation = self._organisation(number, record, "")
            for index, service in enumerate(record.get("services") or []):
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
            self._service(number, record, organisation, "")
        else:
            self.problems.report(
                number, "", _("Not an HSDS object: expected an organization or a service.")
            )

    def _id(self, number: int, raw, column: str) -> uuid.UUID | None:
        if raw in (None, ""):
            return None
        return parse_uuid(str(raw), line=number, column=column, problems=self.problems)

    @staticmethod
    def _text(record: dict, key: str) -> str:
        value = record.get(key)
        return "" if value is None else str(value).strip()

    def _attributes(self, record: dict) -> list[dict]:
        return [a for a in record.get("attributes") or [] if isinstance(a, dict)]

    def _english(self, record: dict) -> dict[str, str]:
        english = {}
        for attribute in self._attributes(record):
            field_name = self.vocabulary.translation_terms.get(attribute.get("taxonomy_term_id"))
            if (
                field_name
                and attribute.get("link_type", hsds.LINK_TRANSLATION) == hsds.LINK_TRANSLATION
            ):
                english[field_name] = str(attribute.get("value") or "")
        return english

    def _organisation(self, number: int, record: dict, prefix: str) -> OrganisationPlan:
        identifier = self._id(number, record.get("id"), f"{prefix}id")
        plan = self._by_uuid.get(identifier) if identifier else None
        if plan is not None and "attributes" not in record:
            return plan  # the one-to-one fields nested in a service: already read
        if plan is None:
            plan = OrganisationPlan(line=number, name=self._text(record, "name"), uuid=identifier)
            self.organisations.append(plan)
            if identifier:
                self._by_uuid[identifier] = plan
        plan.name = self._text(record, "name")
        plan.values.update(
            {
                "name": plan.name,
                "acronym": self._text(record, "alternate_name"),
                "mission": self._text(record, "description"),
                "website": self._text(record, "website"),
                "email": self._text(record, "email"),
            }
        )
        if "attributes" in record:
            # Only a full organization says which English versions exist.
            english = self._english(record)
            plan.values["name_en"] = english.get("name", "")
            plan.values["mission_en"] = english.get("description", "")
        for attribute in self._attributes(record):
            kind = self.vocabulary.kind_terms.get(attribute.get("taxonomy_term_id"))
            if kind:
                plan.kind = kind
        if "phones" in record:
            plan.phones = self._phones(number, record.get("phones"), f"{prefix}phones")
        if "locations" in record:
            plan.locations = [
                self._location(number, location, f"{prefix}locations[{i}].")
                for i, location in enumerate(record.get("locations") or [])
                if isinstance(location, dict)
            ]
        return plan

    def _phones(self, number: int, phones, column: str) -> list[PhonePlan]:
        plans = []
        for index, phone in enumerate(phones or []):
            if not isinstance(phone, dict):
                continue
            where = f"{column}[{index}]"
            raw_extension = phone.get("extension")
            extension = "" if raw_extension in (None, "") else str(raw_extension)
            if extension.endswith(".0"):
                extension = extension[:-2]
            plan = parse_phone(
                self._text(phone, "number"),
                extension,
                line=number,
                column=f"{where}.number",
                extension_column=f"{where}.extension",
                problems=self.problems,
            )
            if plan:
                plan.uuid = self._id(number, phone.get("id"), f"{where}.id")
                kind = self._text(phone, "type")
                plan.kind = kind if kind in Phone.Kind.values else Phone.Kind.VOICE
                plan.description = self._text(phone, "description")
                plans.append(plan)
        return plans

    def _location(self, number: int, record: dict, prefix: str) -> LocationPlan:
        p = self.problems
        address = next((a for a in record.get("addresses") or [] if isinstance(a, dict)), {})
        accessibility = next(
            (a for a in record.get("accessibility") or [] if isinstance(a, dict)), {}
        )
        kind = self._text(record, "location_type") or Location.Kind.PHYSICAL
        if kind not in Location.Kind.values:
            p.report(
                number,
                f"{prefix}location_type",
                _("Unknown value « %(value)s ». Accepted values: %(choices)s.")
                % {"value": kind, "choices": ", ".join(Location.Kind.values)},
            )
            kind = Location.Kind.PHYSICAL
        values = {
            "kind": kind,
            "name": self._text(record, "name"),
            "name_en": self._english(record).get("name", ""),
            "url": self._text(record, "url"),
            "latitude": record.get("latitude"),
            "longitude": record.get("longitude"),
            "address": self._text(address, "address_1"),
            "municipality": self._text(address, "city"),
            "postal_code": self._text(address, "postal_code"),
            "accessibility": self._text(accessibility, "description"),
            "accessibility_en": self._english(accessibility).get("description", ""),
        }
        for axis, limit in (("latitude", 90), ("longitude", 180)):
            value = values[axis]
            if value is not None and (
                not isinstance(value, int | float) or not -limit <= value <= limit
            ):
                p.report(
                    number,
                    f"{prefix}{axis}",
                    _("Must be between %(minimum)s and %(maximum)s.")
                    % {"minimum": -limit, "maximum": limit},
                )
                values[axis] = None
        region = self._text(address, "region")
        plan = LocationPlan(
            values=values,
            authoritative=True,
            uuid=self._id(number, record.get("id"), f"{prefix}id"),
            territory=self.vocabulary.territories.get(fold(region)) if region else None,
            phones=self._phones(number, record.get("phones"), f"{prefix}phones"),
        )
        return plan

    def _service(
        self, number: int, record: dict, organisation: OrganisationPlan, prefix: str
    ) -> None:
        v = self.vocabulary
        english = self._english(record)
        schedule = next((s for s in record.get("schedules") or [] if isinstance(s, dict)), {})
        document = next(
            (d for d in record.get("required_documents") or [] if isinstance(d, dict)), {}
        )
        plan = ServicePlan(
            line=number,
            organisation=organisation,
            name=self._text(record, "name"),
            uuid=self._id(number, record.get("id"), f"{prefix}id"),
        )
        status = self._text(record, "status") or ServiceStatus.ACTIVE
        if status not in ServiceStatus.values:
            self.problems.report(
                number,
                f"{prefix}status",
                _("Unknown value « %(value)s ». Accepted values: %(choices)s.")
                % {"value": status, "choices": ", ".join(ServiceStatus.values)},
            )
            status = ServiceStatus.ACTIVE
        assured = self._text(record, "assured_date")
        plan.values = {
            "name": plan.name,
            "name_en": english.get("name", ""),
            "description": self._text(record, "description"),
            "description_en": english.get("description", ""),
            "url": self._text(record, "url"),
            "email": self._text(record, "email"),
            "status": status,
            "how_to_access": self._text(record, "application_process"),
            "how_to_access_en": english.get("application_process", ""),
            "fees": self._text(record, "fees_description"),
            "fees_en": english.get("fees_description", ""),
            "eligibility": self._text(record, "eligibility_description"),
            "eligibility_en": english.get("eligibility_description", ""),
            "schedule": self._text(schedule, "description"),
            "schedule_en": self._english(schedule).get("description", ""),
            "required_documents": self._text(document, "document"),
            "required_documents_en": self._english(document).get("document", ""),
            "assured_date": parse_date(
                assured, line=number, column=f"{prefix}assured_date", problems=self.problems
            )
            if assured
            else None,
        }
        plan.categories, plan.client_statuses = [], []
        for attribute in self._attributes(record):
            term_id = attribute.get("taxonomy_term_id")
            if term_id in v.category_terms:
                plan.categories.append(v.category_terms[term_id])
            elif term_id in v.client_status_terms:
                plan.client_statuses.append(v.client_status_terms[term_id])
            elif isinstance(attribute.get("taxonomy_term"), dict) and attribute[
                "taxonomy_term"
            ].get("taxonomy_id") in {hsds.SERVICE_CATEGORIES.id, hsds.CLIENT_STATUSES.id}:
                self.problems.report(
                    number,
                    f"{prefix}attributes",
                    _("Unknown taxonomy term: %(id)s.") % {"id": term_id},
                )
        plan.languages = []
        for index, language in enumerate(record.get("languages") or []):
            code = self._text(language, "code") if isinstance(language, dict) else ""
            found = v.languages.get(fold(code))
            if found is None:
                self.problems.report(
                    number, f"{prefix}languages[{index}].code", unknown_languages([code or "?"])
                )
            elif found not in plan.languages:
                plan.languages.append(found)
        plan.territories = []
        for index, area in enumerate(record.get("service_areas") or []):
            name = self._text(area, "name") if isinstance(area, dict) else ""
            found = v.territories.get(fold(self._text(area, "uri"))) or v.territories.get(
                fold(name)
            )
            if found is None:
                self.problems.report(
                    number,
                    f"{prefix}service_areas[{index}].name",
                    unknown_territories([name or "?"]),
                )
            elif found not in plan.territories:
                plan.territories.append(found)
        plan.phones = self._phones(number, record.get("phones"), f"{prefix}phones")
        for index, link in enumerate(record.get("service_at_locations") or []):
            if not isinstance(link, dict) or not isinstance(link.get("location"), dict):
                continue
            location = self._location(
                number, link["location"], f"{prefix}service_at_locations[{index}].location."
            )
            location.link_uuid = self._id(
                number, link.get("id"), f"{prefix}service_at_locations[{index}].id"
            )
            location.link_description = self._text(link, "description")
            plan.locations.append(location)
        self.services.append(plan)
