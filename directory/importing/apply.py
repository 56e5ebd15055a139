"""Writing validated plans, inside the import's transaction."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import slugify

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
from directory.search import fold

from .common import (
    MISSING,
    ImportReport,
    LocationPlan,
    OrganisationPlan,
    PhonePlan,
    ServicePlan,
    digits,
)

# --- Applying ----------------------------------------------------------------------------


class Applier:
    """Writes the validated plans. Runs inside the import's transaction."""

    def __init__(
        self, *, user, default_source: str, honour_state: bool, note: str, report: ImportReport
    ):
        self.user = user if user is not None and getattr(user, "is_authenticated", False) else None
        self.default_source = default_source
        self.honour_state = honour_state
        self.note = note
        self.report = report
        self.history: list[RecordHistory] = []
        self.organisation_slugs = set(Organisation.objects.values_list("slug", flat=True))
        self.service_slugs = set(Service.objects.values_list("slug", flat=True))
        self.now = timezone.now()

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
            before = sorted(record.territories.values_list("code", flat=True))
            after = sorted(t.code for t in plan.territories)
            if before != after:
                changes["territories"] = [before, after]
        changed = bool(changes) or (
            not created
            and (
                any(not self._phone_exists(record, "organisation", p) for p in plan.phones)
                or any(self._location_match(record, loc) is None for loc in plan.locations)
            )
        )
        before = (record.state, record.source, record.verified_at)
        for name, value in values.items():
            setattr(record, name, value)
        self._state(record, plan, created=created, changed=changed)
        if created or changed or before != (record.state, record.source, record.verified_at):
            # An unchanged record is not saved: its last_modified stays true.
            record.full_clean(validate_unique=False)
            record.save()
        plan.instance = record
        if plan.territories is not None:
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
        relations = {
            "categories": plan.categories,
            "client_statuses": plan.client_statuses,
            "languages": plan.languages,
            "territories": plan.territories,
        }
        for name, wanted in relations.items():
            if wanted is None or created:
                continue
            before = sorted(obj.code for obj in getattr(record, name).all())
            after = sorted(obj.code for obj in wanted)
            if before != after:
                changes[name] = [before, after]
        changed = bool(changes) or (
            not created
            and (
                any(not self._phone_exists(record, "service", p) for p in plan.phones)
                or any(not self._linked(record, organisation, loc) for loc in plan.locations)
            )
        )
        before = (record.state, record.source, record.verified_at)
        for name, value in values.items():
            setattr(record, name, value)
        self._state(record, plan, created=created, changed=changed)
        if created or changed or before != (record.state, record.source, record.verified_at):
            # An unchanged record is not saved: its last_modified stays true.
            record.full_clean(validate_unique=False)
            record.save()
        plan.instance = record
        for name, wanted in relations.items():
            if wanted is not None:
                getattr(record, name).set(wanted)
        self._phones(plan.phones, owner="service", record=record)
        for location_plan in plan.locations:
            location = self._location(location_plan, organisation)
            link = ServiceAtLocation.objects.filter(service=record, location=location).first()
            if link is None:
                link = ServiceAtLocation(service=record, location=location)
                if location_plan.link_uuid:
                    link.uuid = location_plan.link_uuid
            if location_plan.authoritative:
                link.description = location_plan.link_description
            link.save()
        self._count("services", created=created, changed=changed)
        if created or changed:
            self._history(
                organisation=organisation,
                service=record,
                created=created,
                changes=changes,
                label=record.name,
            )

    # -- helpers

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

    @staticmethod
    def _same_phone(phone: Phone, plan: PhonePlan) -> bool:
        if plan.uuid:
            return phone.uuid == plan.uuid
        return digits(phone.number) == digits(plan.number) and phone.extension == plan.extension

    def _phone_exists(self, record, owner: str, plan: PhonePlan) -> bool:
        return any(self._same_phone(p, plan) for p in Phone.objects.filter(**{owner: record}))

    def _phones(self, plans: list[PhonePlan], *, owner: str, record) -> None:
        """Adds or updates the phones; never removes one."""
        for plan in plans:
            phone = Phone.objects.filter(uuid=plan.uuid).first() if plan.uuid else None
            if phone is None:
                phone = next(
                    (
                        p
                        for p in Phone.objects.filter(**{owner: record})
                        if self._same_phone(p, plan)
                    ),
                    None,
                )
            if phone is None:
                phone = Phone()
                if plan.uuid:
                    phone.uuid = plan.uuid
                self.report.created["phones"] += 1
            setattr(phone, owner, record)
            phone.number, phone.extension, phone.kind = plan.number, plan.extension, plan.kind
            if plan.description:
                phone.description = plan.description
            phone.full_clean(validate_unique=False)
            phone.save()

    @staticmethod
    def _location_match(organisation, plan: LocationPlan) -> Location | None:
        """HSDS: by id. CSV: by address and municipality, or by name when there is no address."""
        if plan.instance is not None:
            return plan.instance
        if plan.uuid:
            return Location.objects.filter(uuid=plan.uuid).first()
        if organisation is None or organisation.pk is None:
            return None
        address = fold(plan.values.get("address", ""))
        town = fold(plan.values.get("municipality", ""))
        name = fold(plan.values.get("name", ""))
        for location in Location.objects.filter(organisation=organisation).order_by("pk"):
            if address or town:
                if (fold(location.address), fold(location.municipality)) == (address, town):
                    return location
            elif name and fold(location.name) == name:
                return location
        return None

    def _linked(self, service: Service, organisation, plan: LocationPlan) -> bool:
        location = self._location_match(organisation, plan)
        return (
            location is not None
            and service.serviceatlocation_set.filter(location=location).exists()
        )

    def _location(self, plan: LocationPlan, organisation) -> Location:
        """HSDS locations are written whole; a CSV location only gains the values it gives."""
        location = self._location_match(organisation, plan)
        if location is None:
            location = Location(organisation=organisation)
            if plan.uuid:
                location.uuid = plan.uuid
            self.report.created["locations"] += 1
        for name, value in plan.values.items():
            if plan.authoritative or value not in (None, ""):
                setattr(location, name, value)
        if plan.territory is not MISSING:
            location.territory = plan.territory
        location.full_clean(validate_unique=False)
        location.save()
        plan.instance = location
        self._phones(plan.phones, owner="location", record=location)
        return location


def jsonable(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
