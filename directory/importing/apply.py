"""Writing validated plans, inside the import's transaction.

A file holds thousands of rows, so the applier reads what it compares
against (relations, phones, locations, links of the records the file
matches) in a few queries up front, saves a record only when something
changed, and batches the rows it adds to relation tables, phones and links
with ``bulk_create`` in :meth:`Applier.finish`. Batched writes send no
signal: ``finish`` rebuilds the search documents of the services it
touched itself, in one statement (``directory/search/text.py``), and bumps
the directory's data version (``directory/data_version.py``).

Concurrency: the platform's lock order is "organisation row first". An
import touches many organisations, so the applier locks every existing
organisation the file touches at once, in id order, before anything else
(two imports, or an import and an admin's edit, then wait for each other
instead of deadlocking), and only then re-reads the records the planner
matched: what it compares and saves is what the database holds under those
locks, so a change committed since the file was read is not overwritten by
the planner's stale copy.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from directory.data_version import data_version_bump
from directory.models import (
    Location,
    Organisation,
    Phone,
    PublicationState,
    RecordHistory,
    RecordKind,
    Service,
    ServiceAtLocation,
)
from directory.search.text import fold, search_vectors_refresh

from .common import (
    MISSING,
    ImportReport,
    LocationPlan,
    OrganisationPlan,
    PhonePlan,
    ServicePlan,
    phone_key,
)

# Service relations the file may set: attribute of the plan → (through model field, code).
SERVICE_RELATIONS = {
    "categories": ("servicecategory", "code"),
    "client_statuses": ("clientstatus", "code"),
    "languages": ("language", "code"),
    "territories": ("territory", "code"),
}


def jsonable(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class Applier:
    """Writes the validated plans: organisations first, then services, then :meth:`finish`."""

    def __init__(
        self,
        *,
        organisations: list[OrganisationPlan],
        services: list[ServicePlan],
        user,
        default_source: str,
        honour_state: bool,
        note: str,
        report: ImportReport,
    ):
        self.user = user if user is not None and getattr(user, "is_authenticated", False) else None
        self.default_source = default_source
        self.honour_state = honour_state
        self.note = note
        self.report = report
        self._lock_and_reload(organisations, services)
        self.now = timezone.now()
        self.history: list[RecordHistory] = []
        self.organisation_slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.service_slugs = set(Service.objects.values_list("slug", flat=True))
        self.new_through: dict[str, list] = defaultdict(list)
        self.new_phones: list[Phone] = []
        self.new_links: list[ServiceAtLocation] = []
        self.touched_services: set[int] = set()
        self._preload(organisations, services)

    # -- what the file is compared against, read once, under the locks

    @staticmethod
    def _lock_and_reload(organisations: list[OrganisationPlan], services: list[ServicePlan]):
        """Lock the existing organisations the file touches (id order), then re-read the
        records the planner matched. Precondition: inside the import's transaction."""
        organisation_ids = {p.instance.pk for p in organisations if p.instance}
        organisation_ids |= {p.instance.organisation_id for p in services if p.instance}
        organisation_ids |= {
            p.organisation.instance.pk for p in services if p.organisation.instance
        }
        list(
            Organisation.objects.select_for_update(no_key=True)
            .filter(pk__in=organisation_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for model, plans in ((Organisation, organisations), (Service, services)):
            matched = [plan for plan in plans if plan.instance is not None]
            fresh = model.objects.in_bulk([plan.instance.pk for plan in matched])
            for plan in matched:
                if plan.instance.pk not in fresh:
                    raise ValidationError(
                        gettext(
                            "“%(name)s” was deleted while the file was being imported. "
                            "Import the file again."
                        )
                        % {"name": plan.instance}
                    )
                plan.instance = fresh[plan.instance.pk]

    def _preload(self, organisations: list[OrganisationPlan], services: list[ServicePlan]):
        organisation_ids = {p.instance.pk for p in organisations if p.instance}
        service_ids = {p.instance.pk for p in services if p.instance}
        self.relations_before: dict[str, dict[int, set[str]]] = {}
        for name, (target, code) in SERVICE_RELATIONS.items():
            through = getattr(Service, name).through
            before = defaultdict(set)
            rows = through.objects.filter(service_id__in=service_ids).values_list(
                "service_id", f"{target}__{code}"
            )
            for service_id, value in rows:
                before[service_id].add(value)
            self.relations_before[name] = before
        self.organisation_territories = defaultdict(set)
        rows = Organisation.territories.through.objects.filter(
            organisation_id__in=organisation_ids
        ).values_list("organisation_id", "territory__code")
        for organisation_id, code in rows:
            self.organisation_territories[organisation_id].add(code)

        wanted_location_uuids = {
            location.uuid
            for plan in [*organisations, *services]
            for location in plan.locations
            if location.uuid
        }
        locations = Location.objects.filter(organisation_id__in=organisation_ids) | (
            Location.objects.filter(uuid__in=wanted_location_uuids)
        )
        self.locations: dict[int, list[Location]] = defaultdict(list)
        self.locations_by_uuid: dict[uuid.UUID, Location] = {}
        for location in locations.order_by("pk"):
            self.locations[location.organisation_id].append(location)
            self.locations_by_uuid[location.uuid] = location

        location_ids = [loc.pk for loc in self.locations_by_uuid.values()]
        self.phones: dict[tuple[str, int], list[Phone]] = defaultdict(list)
        phones = (
            Phone.objects.filter(organisation_id__in=organisation_ids)
            | Phone.objects.filter(service_id__in=service_ids)
            | Phone.objects.filter(location_id__in=location_ids)
        )
        self.phones_by_uuid: dict[uuid.UUID, Phone] = {}
        for phone in phones.order_by("pk"):
            for owner in ("organisation", "service", "location"):
                owner_id = getattr(phone, f"{owner}_id")
                if owner_id:
                    self.phones[(owner, owner_id)].append(phone)
            self.phones_by_uuid[phone.uuid] = phone
        wanted_phone_uuids = {
            phone.uuid
            for plan in [*organisations, *services]
            for phone in [
                *plan.phones,
                *(p for location in plan.locations for p in location.phones),
            ]
            if phone.uuid and phone.uuid not in self.phones_by_uuid
        }
        for phone in Phone.objects.filter(uuid__in=wanted_phone_uuids):
            self.phones_by_uuid[phone.uuid] = phone

        self.links: dict[tuple[int, int], ServiceAtLocation] = {
            (link.service_id, link.location_id): link
            for link in ServiceAtLocation.objects.filter(service_id__in=service_ids)
        }

    # -- records

    def organisation(self, plan: OrganisationPlan) -> None:
        record = plan.instance
        created = record is None
        values = dict(plan.values)
        if plan.kind:
            values["kind"] = plan.kind
        if not values.get("name"):
            values.pop("name", None)
        if created:
            base = plan.values.get("acronym") or plan.name
            record = Organisation(slug=self._slug(base, self.organisation_slugs, 120))
            if plan.uuid:
                record.uuid = plan.uuid
        changes = {} if created else self._diff(record, values)
        if plan.territories is not None and not created:
            before = sorted(self.organisation_territories[record.pk])
            after = sorted(t.code for t in plan.territories)
            if before != after:
                changes["territories"] = [before, after]
        changed = bool(changes) or (
            not created
            and (
                any(self._phone_match("organisation", record, p) is None for p in plan.phones)
                or any(self._location_match(record, loc) is None for loc in plan.locations)
            )
        )
        self._save(record, plan, values, created=created, changed=changed)
        plan.instance = record
        if plan.territories is not None:
            if created:
                through = Organisation.territories.through
                self.new_through["organisation_territories"] += [
                    through(organisation_id=record.pk, territory_id=t.pk) for t in plan.territories
                ]
            elif "territories" in changes:
                record.territories.set(plan.territories)
        self._phones(plan.phones, owner="organisation", record=record)
        for location in plan.locations:
            self._location(location, record)
        self._count("organisations", created=created, changed=changed)
        if created or changed:
            self._history(organisation=record, created=created, changes=changes, label=record.name)

    def service(self, plan: ServicePlan) -> None:
        organisation = plan.organisation.instance
        record = plan.instance
        created = record is None
        values = dict(plan.values)
        if not values.get("name"):
            values.pop("name", None)
        if created:
            base = f"{organisation.slug}-{plan.name[:60]}"
            record = Service(
                organisation=organisation, slug=self._slug(base, self.service_slugs, 140)
            )
            if plan.uuid:
                record.uuid = plan.uuid
        changes = {} if created else self._diff(record, values)
        for name in SERVICE_RELATIONS:
            wanted = getattr(plan, name)
            if wanted is None or created:
                continue
            before = sorted(self.relations_before[name][record.pk])
            after = sorted(obj.code for obj in wanted)
            if before != after:
                changes[name] = [before, after]
        changed = bool(changes) or (
            not created
            and (
                any(self._phone_match("service", record, p) is None for p in plan.phones)
                or any(not self._linked(record, organisation, loc) for loc in plan.locations)
            )
        )
        self._save(record, plan, values, created=created, changed=changed)
        plan.instance = record
        for name, (target, _code) in SERVICE_RELATIONS.items():
            wanted = getattr(plan, name)
            if wanted is None:
                continue
            if created:
                through = getattr(Service, name).through
                self.new_through[name] += [
                    through(**{"service_id": record.pk, f"{target}_id": obj.pk}) for obj in wanted
                ]
                self.touched_services.add(record.pk)
            elif name in changes:
                getattr(record, name).set(wanted)
        self._phones(plan.phones, owner="service", record=record)
        for location_plan in plan.locations:
            location = self._location(location_plan, organisation)
            self._link(record, location, location_plan)
        self._count("services", created=created, changed=changed)
        if created or changed:
            self._history(
                organisation=organisation,
                service=record,
                created=created,
                changes=changes,
                label=record.name,
            )

    def finish(self) -> None:
        """The batched rows, the history, and the search documents of the services touched."""
        for rows in self.new_through.values():
            if rows:
                rows[0].__class__.objects.bulk_create(rows, batch_size=1000)
        Phone.objects.bulk_create(self.new_phones, batch_size=1000)
        ServiceAtLocation.objects.bulk_create(self.new_links, batch_size=1000)
        RecordHistory.objects.bulk_create(self.history, batch_size=1000)
        if self.touched_services:
            search_vectors_refresh(services=sorted(self.touched_services))
        if any(self.new_through.values()) or self.new_links or self.new_phones:
            data_version_bump()

    # -- helpers

    def _save(self, record, plan, values: dict, *, created: bool, changed: bool) -> None:
        """Sets the values and the state; saves only what is new or different."""
        before = (record.state, record.source, record.verified_at)
        for name, value in values.items():
            setattr(record, name, value)
        self._state(record, plan, created=created, changed=changed)
        if created or changed or before != (record.state, record.source, record.verified_at):
            # An unchanged record is not saved: its last_modified stays true.
            record.full_clean(validate_unique=False)
            record.save()

    @staticmethod
    def _slug(base: str, taken: set[str], max_length: int) -> str:
        slug = slugify(base)[: max_length - 6].strip("-") or "fiche"
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate)
        return candidate

    def _state(self, record, plan, *, created: bool, changed: bool) -> None:
        """New or changed: pending (or the file's state, for staff); unchanged: as it was."""
        if plan.state and self.honour_state:
            if plan.state == PublicationState.PUBLISHED and (
                created or changed or record.state != plan.state
            ):
                record.verified_at = self.now
                record.verified_by = self.user
            record.state = plan.state
        elif created or changed:
            record.state = PublicationState.PENDING
        if created or changed:
            record.source = plan.source or self.default_source

    @staticmethod
    def _diff(record, values: dict) -> dict:
        return {
            name: [jsonable(getattr(record, name)), jsonable(value)]
            for name, value in values.items()
            if getattr(record, name) != value
        }

    def _history(
        self, *, organisation, service=None, created: bool, changes: dict, label: str
    ) -> None:
        self.history.append(
            RecordHistory(
                organisation=organisation,
                target_kind=RecordKind.SERVICE if service else RecordKind.ORGANISATION,
                service=service,
                target_label=label[:250],
                action=RecordHistory.Action.CREATED if created else RecordHistory.Action.UPDATED,
                channel=RecordHistory.Channel.ADMIN,
                changes=changes,
                actor=self.user,
                note=self.note,
            )
        )

    def _count(self, kind: str, *, created: bool, changed: bool) -> None:
        if created:
            self.report.created[kind] += 1
        elif changed:
            self.report.updated[kind] += 1
        else:
            self.report.unchanged[kind] += 1

    # -- phones

    def _phone_match(self, owner: str, record, plan: PhonePlan) -> Phone | None:
        if plan.uuid:
            return self.phones_by_uuid.get(plan.uuid)
        if record.pk is None:
            return None
        key = phone_key(plan.number)
        return next(
            (
                phone
                for phone in self.phones[(owner, record.pk)]
                if phone_key(phone.number) == key and phone.extension == plan.extension
            ),
            None,
        )

    def _phones(self, plans: list[PhonePlan], *, owner: str, record) -> None:
        """Adds or updates the phones; never removes one."""
        for plan in plans:
            phone = self._phone_match(owner, record, plan)
            if phone is None:
                phone = Phone(**{owner: record})
                if plan.uuid:
                    phone.uuid = plan.uuid
                    self.phones_by_uuid[plan.uuid] = phone
                self._phone_values(phone, plan)
                self.new_phones.append(phone)
                self.phones[(owner, record.pk)].append(phone)
                self.report.created["phones"] += 1
                continue
            before = (phone.number, phone.extension, phone.kind, phone.description)
            before_owner = getattr(phone, f"{owner}_id")
            setattr(phone, owner, record)
            self._phone_values(phone, plan)
            after = (phone.number, phone.extension, phone.kind, phone.description)
            if phone.pk and (before != after or before_owner != record.pk):
                phone.full_clean(validate_unique=False, validate_constraints=False)
                phone.save()

    @staticmethod
    def _phone_values(phone: Phone, plan: PhonePlan) -> None:
        phone.number, phone.extension, phone.kind = plan.number, plan.extension, plan.kind
        if plan.description:
            phone.description = plan.description

    # -- locations and links

    def _location_match(self, organisation, plan: LocationPlan) -> Location | None:
        """HSDS: by id. CSV: by address and municipality, or by name when there is no address."""
        if plan.instance is not None:
            return plan.instance
        if plan.uuid:
            return self.locations_by_uuid.get(plan.uuid)
        if organisation is None or organisation.pk is None:
            return None
        address = fold(plan.values.get("address", ""))
        town = fold(plan.values.get("municipality", ""))
        name = fold(plan.values.get("name", ""))
        for location in self.locations[organisation.pk]:
            if address or town:
                if (fold(location.address), fold(location.municipality)) == (address, town):
                    return location
            elif name and fold(location.name) == name:
                return location
        return None

    def _linked(self, service: Service, organisation, plan: LocationPlan) -> bool:
        location = self._location_match(organisation, plan)
        return location is not None and (service.pk, location.pk) in self.links

    def _location(self, plan: LocationPlan, organisation) -> Location:
        """HSDS locations are written whole; a CSV location only gains the values it gives."""
        location = self._location_match(organisation, plan)
        created = location is None
        if created:
            location = Location(organisation=organisation)
            if plan.uuid:
                location.uuid = plan.uuid
            self.report.created["locations"] += 1
        before = {name: getattr(location, name) for name in plan.values} | {
            "territory_id": location.territory_id
        }
        for name, value in plan.values.items():
            if plan.authoritative or value not in (None, ""):
                setattr(location, name, value)
        if plan.territory is not MISSING:
            location.territory = plan.territory
        after = {name: getattr(location, name) for name in plan.values} | {
            "territory_id": location.territory_id
        }
        if created or before != after:
            location.full_clean(validate_unique=False, validate_constraints=False)
            location.save()
        if created:
            self.locations[organisation.pk].append(location)
            self.locations_by_uuid[location.uuid] = location
        plan.instance = location
        self._phones(plan.phones, owner="location", record=location)
        return location

    def _link(self, service: Service, location: Location, plan: LocationPlan) -> None:
        key = (service.pk, location.pk)
        link = self.links.get(key)
        if link is None:
            link = ServiceAtLocation(
                service=service, location=location, description=plan.link_description
            )
            if plan.link_uuid:
                link.uuid = plan.link_uuid
            self.links[key] = link
            self.new_links.append(link)
            self.touched_services.add(service.pk)
        elif plan.authoritative and link.description != plan.link_description:
            link.description = plan.link_description
            if link.pk:
                link.save(update_fields=["description"])
