"""Validating plans against the model fields and what the directory already holds."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from directory.models import (
    Location,
    Organisation,
    Phone,
    Service,
    ServiceAtLocation,
)
from directory.search.text import fold

from .common import (
    TABULAR_FORMATS,
    VALIDATING,
    LocationPlan,
    OrganisationPlan,
    Problems,
    Progress,
    ServicePlan,
    shorten,
)
from .csv_template import ORGANISATION_FIELDS, SERVICE_FIELDS

# --- Validating -------------------------------------------------------------------------


def _place(csv_format: bool, number: int) -> str:
    """Where in the file, as the messages say it: a line of a sheet, a record of JSON."""
    if csv_format:
        return _("on line %(number)s") % {"number": number}
    return _("in record %(number)s") % {"number": number}


def _check_values(
    model, values: dict, *, line: int, columns: dict, problems: Problems, prefix: str = ""
) -> None:
    """Each value against its model field (length, e-mail, URL, choices, required)."""
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        try:
            model_field.clean(value if value is not None else None, None)
        except ValidationError as error:
            for message in error.messages:
                problems.report(line, prefix + columns.get(name, name), message)


class Matcher:
    """What is already in the directory, indexed once for the whole file."""

    def __init__(self):
        self.organisations_by_uuid = {o.uuid: o for o in Organisation.objects.all()}
        self.organisations_by_name = defaultdict(list)
        for organisation in self.organisations_by_uuid.values():
            self.organisations_by_name[fold(organisation.name)].append(organisation)
        services = list(Service.objects.all())
        self.services_by_uuid = {s.uuid: s for s in services}
        self.services_by_name = defaultdict(list)
        for service in services:
            self.services_by_name[(service.organisation_id, fold(service.name))].append(service)


# Where a service row's location values come from in the CSV template.
_SERVICE_LOCATION_COLUMNS = {
    "name": "lieu",
    "address": "adresse",
    "municipality": "municipalite",
    "postal_code": "code_postal",
}


def _check_state_and_locations(plan, *, honour_state: bool, location_columns: dict, problems):
    """Checks every organisation or service row shares: who may set the state, its places."""
    if plan.state and not honour_state:
        problems.report(
            plan.line,
            "etat",
            _("Only staff may set the publication state: remove the etat column."),
        )
    for location in plan.locations:
        _check_values(
            Location,
            {k: v for k, v in location.values.items() if k not in {"latitude", "longitude"}},
            line=plan.line,
            columns=location_columns,
            problems=problems,
        )


def validate(
    organisations: list[OrganisationPlan],
    services: list[ServicePlan],
    *,
    problems: Problems,
    file_format: str,
    honour_state: bool,
    progress: Progress,
) -> None:
    matcher = Matcher()
    total = len(organisations) + len(services)
    done = 0
    organisation_columns = {v: k for k, v in ORGANISATION_FIELDS.items()}
    service_columns = {v: k for k, v in SERVICE_FIELDS.items()}
    csv_format = file_format in TABULAR_FORMATS

    for plan in organisations:
        if plan.uuid and plan.uuid in matcher.organisations_by_uuid:
            plan.instance = matcher.organisations_by_uuid[plan.uuid]
        elif not plan.uuid and plan.name:
            same_name = matcher.organisations_by_name.get(fold(plan.name), [])
            if len(same_name) > 1:
                problems.report(
                    plan.line,
                    "organisme" if csv_format else "name",
                    _(
                        "Several organisations are named « %(name)s »: "
                        "add the organisme_id column to say which."
                    )
                    % {"name": shorten(plan.name)},
                )
            elif same_name:
                plan.instance = same_name[0]
        if plan.instance is None and not plan.values.get("name"):
            problems.report(
                plan.line,
                "organisme" if csv_format else "name",
                _("The organisation's name is required."),
            )
        values = dict(plan.values)
        if plan.instance is not None and not values.get("name"):
            values.pop("name", None)
        _check_values(
            Organisation,
            values,
            line=plan.line,
            columns=organisation_columns if csv_format else {},
            problems=problems,
        )
        _check_state_and_locations(
            plan, honour_state=honour_state, location_columns={}, problems=problems
        )
        done += 1
        progress(VALIDATING, done, total)

    seen: dict = {}
    seen_uuids: dict = {}
    for plan in services:
        organisation = plan.organisation
        existing_org = organisation.instance
        first = seen_uuids.setdefault(plan.uuid, plan) if plan.uuid else plan
        if first.organisation is not organisation:
            problems.report(
                plan.line,
                "service_id" if csv_format else "id",
                _(
                    "This identifier is already given %(place)s to a service of "
                    "« %(organisation)s »: a service belongs to one organisation."
                )
                % {
                    "place": _place(csv_format, first.line),
                    "organisation": shorten(first.organisation.name),
                },
            )
        if plan.uuid and plan.uuid in matcher.services_by_uuid:
            plan.instance = matcher.services_by_uuid[plan.uuid]
            if existing_org is None or plan.instance.organisation_id != existing_org.pk:
                problems.report(
                    plan.line,
                    "service_id" if csv_format else "id",
                    _("This identifier belongs to a service of another organisation."),
                )
        elif not plan.uuid and existing_org is not None and plan.name:
            same_name = matcher.services_by_name.get((existing_org.pk, fold(plan.name)), [])
            if len(same_name) > 1:
                problems.report(
                    plan.line,
                    "service" if csv_format else "name",
                    _(
                        "This organisation has several services named « %(name)s »: "
                        "add the service_id column to say which."
                    )
                    % {"name": shorten(plan.name)},
                )
            elif same_name:
                plan.instance = same_name[0]
        key = (id(organisation), plan.uuid or fold(plan.name))
        if key in seen:
            problems.report(
                plan.line,
                "service" if csv_format else "id",
                _("This service already appears %(place)s.")
                % {"place": _place(csv_format, seen[key])},
            )
        seen.setdefault(key, plan.line)
        values = dict(plan.values)
        if plan.instance is not None and not values.get("name"):
            values.pop("name", None)
        elif not values.get("name"):
            values["name"] = ""
        _check_values(
            Service,
            values,
            line=plan.line,
            columns=service_columns if csv_format else {},
            problems=problems,
        )
        _check_state_and_locations(
            plan,
            honour_state=honour_state,
            location_columns=_SERVICE_LOCATION_COLUMNS if csv_format else {},
            problems=problems,
        )
        done += 1
        progress(VALIDATING, done, total)

    _check_identifiers_in_directory(organisations, services, problems=problems)


def _check_identifiers_in_directory(
    organisations: list[OrganisationPlan], services: list[ServicePlan], *, problems: Problems
) -> None:
    """The identifiers the file gives to locations, phones and links (HSDS) must not be
    those of another organisation's location, another record's phone, another link:
    the import would otherwise move them."""
    locations = []  # (line, location plan, organisation plan)
    phones = []  # (line, phone plan, owner's field on Phone, owner's plan)
    links = []  # (line, location plan, service plan)
    for plan in organisations:
        locations += [(plan.line, location, plan) for location in plan.locations]
        phones += [(plan.line, phone, "organisation_id", plan) for phone in plan.phones]
    for plan in services:
        locations += [(plan.line, location, plan.organisation) for location in plan.locations]
        phones += [(plan.line, phone, "service_id", plan) for phone in plan.phones]
        links += [(plan.line, location, plan) for location in plan.locations if location.link_uuid]
    for _line, location, _owner in list(locations):
        phones += [(_line, phone, "location_id", location) for phone in location.phones]

    location_uuids = {location.uuid for _l, location, _o in locations if location.uuid}
    existing_locations = {
        uuid: (pk, organisation_id)
        for uuid, pk, organisation_id in Location.objects.filter(
            uuid__in=location_uuids
        ).values_list("uuid", "pk", "organisation_id")
    }
    location_pks = {uuid: pk for uuid, (pk, _o) in existing_locations.items()}
    for line, location, organisation in locations:
        owner_pk = existing_locations.get(location.uuid, (None, None))[1]
        if owner_pk is not None and (
            organisation.instance is None or organisation.instance.pk != owner_pk
        ):
            problems.report(
                line,
                location.column or "id",
                _("This identifier is that of a location of another organisation."),
            )

    def instance_pk(owner) -> int | None:
        if isinstance(owner, LocationPlan):
            return location_pks.get(owner.uuid)
        return owner.instance.pk if owner.instance is not None else None

    phone_uuids = {phone.uuid for _l, phone, _f, _o in phones if phone.uuid}
    existing_phones = {
        row["uuid"]: row
        for row in Phone.objects.filter(uuid__in=phone_uuids).values(
            "uuid", "organisation_id", "service_id", "location_id"
        )
    }
    for line, phone, owner_field, owner in phones:
        row = existing_phones.get(phone.uuid)
        if row is None:
            continue
        pk = instance_pk(owner)
        if pk is None or row[owner_field] != pk:
            problems.report(
                line,
                phone.column or "id",
                _("This identifier is that of a phone of another record."),
            )

    link_uuids = {location.link_uuid for _l, location, _s in links}
    existing_links = {
        row["uuid"]: row
        for row in ServiceAtLocation.objects.filter(uuid__in=link_uuids).values(
            "uuid", "service_id", "location_id"
        )
    }
    for line, location, service in links:
        row = existing_links.get(location.link_uuid)
        if row is None:
            continue
        if (row["service_id"], row["location_id"]) != (
            instance_pk(service),
            location_pks.get(location.uuid),
        ):
            problems.report(
                line,
                location.link_column or "id",
                _("This identifier is that of another service's link to a location."),
            )
