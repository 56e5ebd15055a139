"""A believable demo data set for ``make run``: accounts, organisations, services.

What the demo says about each organisation is written by hand in
``demo_data/services.json`` (format in ``demo_data/README.md``): its mission,
locations and real services, as the people of the region would write them.
Which organisations are public comes from the reference list
``directory/data/organisations.csv``: rows whose verification note says they
were checked are published; the others stay awaiting verification, hidden
from the public, as staff would find them.

Idempotent: a record the demo already made is left as it is (someone may be
trying the site with it), so a second run changes nothing. Organisations made
by the former generator, which copied the reference list's research notes into
the mission, are rebuilt from the file. Later apps (events, forum, pages) add
their part here.
"""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cms import demo_recensement
from directory import access
from directory.catalogue.reference import DATA_DIR
from directory.models import (
    ClientStatus,
    Language,
    Location,
    Membership,
    Organisation,
    Partnership,
    Phone,
    PublicationState,
    RecordSource,
    Service,
    ServiceCategory,
    Territory,
)
from directory.search.text import search_vectors_refresh

from .demo_cartographie import demo_cartographie_seed
from .demo_events import demo_events_seed
from .demo_forum import demo_forum_seed
from .demo_pages import demo_pages_seed
from .demo_password import demo_password_hash
from .site_setup import site_ensure

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
#: The hand-written organisations and services of the demo.
SERVICES_FILE = DEMO_DIR / "services.json"
#: Local time of day given to the demo's verification dates.
VERIFIED_AT_TIME = time(10, 0)


class DemoDataError(ValueError):
    """``services.json`` does not match the reference data; the message says where."""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    display_name: str
    #: Roles of the access policy (Wagtail groups) the account holds; none is a superuser.
    groups: tuple[str, ...] = ()
    #: May open the Wagtail admin.
    is_staff: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        "editrice@demo.continuum.local",
        "staff editor",
        "Élise Tremblay",
        groups=(access.DIRECTORY_TEAM.name, access.EDITORS.name, access.ANIMATION.name),
        is_staff=True,
    ),
    DemoAccount("admin-org@demo.continuum.local", "organisation admin", "Karim Haddad"),
    DemoAccount("membre@demo.continuum.local", "member", "Ana Rodríguez"),
)


def _accounts() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=account.email, defaults={"display_name": account.display_name}
        )
        if created:
            user.password = demo_password_hash()
            EmailAddress.objects.get_or_create(
                user=user, email=account.email, defaults={"verified": True, "primary": True}
            )
        # Roles, not superuser rights, also on a database seeded by an older demo.
        user.is_staff, user.is_superuser = account.is_staff, False
        user.save()
        user.groups.set(Group.objects.filter(name__in=account.groups))
        users[account.role] = user
    return users


#: The keys ``services.json`` may use (anything else is a typo worth an error).
_ORGANISATION_KEYS = {
    "reference",
    "name",
    "name_en",
    "acronym",
    "slug",
    "kind",
    "verified_days_ago",
    "website",
    "mission",
    "mission_en",
    "territories",
    "locations",
    "phones",
    "partners",
    "services",
}
_LOCATION_KEYS = {
    "name",
    "name_en",
    "address",
    "municipality",
    "postal_code",
    "latitude",
    "longitude",
}
_SERVICE_RELATIONS = {"categories", "client_statuses", "languages", "territories", "locations"}
#: Fields copied as they are onto the service.
_SERVICE_FIELDS = {
    "description",
    "description_en",
    "name_en",
    "status",
    "url",
    "eligibility",
    "eligibility_en",
    "how_to_access",
    "how_to_access_en",
    "fees",
    "fees_en",
    "required_documents",
    "required_documents_en",
    "schedule",
    "schedule_en",
}
_SERVICE_KEYS = _SERVICE_FIELDS | _SERVICE_RELATIONS | {"name", "slug"}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def verified_on(days_ago: int) -> datetime:
    """An aware datetime ``days_ago`` days before today, at 10:00 in the site's time zone.

    Days are counted on the local calendar (``timezone.localdate``) so that the
    day a page shows for a verification and the service's confirmation date
    derived from it are the same day, whatever the hour of the run.
    """
    zone = timezone.get_default_timezone()
    day = timezone.localdate(timezone=zone) - timedelta(days=days_ago)
    return datetime.combine(day, VERIFIED_AT_TIME, tzinfo=zone)


def _is_verified(row: dict[str, str]) -> bool:
    """The reference list's rule: only rows whose note starts with « vérifié » are public."""
    return row["verification"].lower().startswith("vérifié")


def _check_keys(item: dict, allowed: set[str], where: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise DemoDataError(f"{where}: unknown keys {sorted(unknown)}")


class _Reference:
    """The reference data the file's codes point to, loaded once per run."""

    def __init__(self):
        self.categories = {c.code: c for c in ServiceCategory.objects.all()}
        self.statuses = {s.code: s for s in ClientStatus.objects.all()}
        self.languages = {language.code: language for language in Language.objects.all()}
        self.territories = {t.code: t for t in Territory.objects.all()}
        territories_by_name = {t.name: t for t in self.territories.values()}
        self.places = {
            row["municipality"]: (row, territories_by_name.get(row["territory"]))
            for row in _csv(DEMO_DIR / "places.csv")
        }

    def pick(self, table: dict, codes: list[str], where: str) -> list:
        missing = [code for code in codes if code not in table]
        if missing or not codes:
            raise DemoDataError(f"{where}: unknown or missing codes {missing or codes}")
        return [table[code] for code in codes]


class _Links:
    """The many-to-many rows of the records a run creates, written one statement per table.

    ``bulk_create`` sends no signal, so :meth:`save` refreshes the search
    documents and the facet index of the new organisations itself (see
    ``directory/search/signals.py``): two statements instead of a few per row.
    """

    def __init__(self):
        self.rows: dict[type, list] = defaultdict(list)
        self.organisations: list[Organisation] = []

    def add(self, relation, instance, targets) -> None:
        field = relation.field
        self.rows[relation.through] += [
            relation.through(
                **{field.m2m_field_name(): instance, field.m2m_reverse_field_name(): target}
            )
            for target in targets
        ]

    def save(self) -> None:
        for through, rows in self.rows.items():
            through.objects.bulk_create(rows)
        if self.organisations:
            search_vectors_refresh(organisations=self.organisations)


def _entries(rows: dict[str, dict[str, str]]) -> list[dict]:
    """The file's organisations, one for each row of the reference list and no other."""
    with SERVICES_FILE.open(encoding="utf-8") as handle:
        entries = json.load(handle)["organisations"]
    references = [entry["reference"] for entry in entries]
    if sorted(references) != sorted(rows):
        missing = sorted(set(rows) - set(references))
        extra = sorted(set(references) - set(rows))
        raise DemoDataError(f"services.json vs organisations.csv: missing {missing}, extra {extra}")
    for entry in entries:
        where = entry["reference"]
        _check_keys(entry, _ORGANISATION_KEYS, where)
        if not 1 <= len(entry["services"]) <= 5:
            raise DemoDataError(f"{where}: give 1 to 5 services")
        if _is_verified(rows[where]) != ("verified_days_ago" in entry):
            raise DemoDataError(f"{where}: verified_days_ago is for verified organisations only")
    return entries


def _remove_generated(rows: dict[str, dict[str, str]]) -> None:
    """Delete what the former generator made, so that the file can rebuild it.

    It is recognised by its mission, the reference list's research note copied
    as is; an organisation whose mission someone has since written is kept.
    """
    for organisation in Organisation.objects.filter(name__in=rows):
        if organisation.mission == rows[organisation.name]["services_confirmes"]:
            organisation.delete()


def _locations_create(organisation, entry, reference) -> dict[str, Location]:
    locations = {}
    for item in entry["locations"]:
        where = f"{entry['slug']} location"
        _check_keys(item, _LOCATION_KEYS, where)
        if item["municipality"] not in reference.places:
            raise DemoDataError(f"{where}: {item['municipality']} is not in places.csv")
        place, territory = reference.places[item["municipality"]]
        location = Location(
            organisation=organisation,
            name=item.get("name", ""),
            name_en=item.get("name_en", ""),
            address=item.get("address", ""),
            municipality=item["municipality"],
            postal_code=item.get("postal_code", ""),
            territory=territory,
            # A known address has its own coordinates; otherwise the town centre.
            latitude=item.get("latitude", float(place["latitude"])),
            longitude=item.get("longitude", float(place["longitude"])),
        )
        location.full_clean(exclude=["uuid"])
        location.save()
        locations[location.name or location.municipality] = location
    return locations


def _service_create(organisation, entry, item, locations, reference, links) -> Service:
    where = f"{entry['slug']} service {item.get('name')!r}"
    _check_keys(item, _SERVICE_KEYS, where)
    slug = item.get("slug") or f"{organisation.slug}-{slugify(item['name'])}"
    if len(slug) > Service._meta.get_field("slug").max_length:
        raise DemoDataError(f"{where}: the slug is too long; give a shorter one")
    verified_at = organisation.verified_at
    service = Service(
        organisation=organisation,
        name=item["name"],
        slug=slug,
        state=organisation.state,
        source=RecordSource.DOCUMENT,
        verified_at=verified_at,
        verified_by=organisation.verified_by,
        assured_date=timezone.localdate(verified_at) if verified_at else None,
        **{key: item[key] for key in _SERVICE_FIELDS if key in item},
    )
    service.full_clean(exclude=["uuid"])
    service.save()
    territories = item.get("territories", entry["territories"])
    for relation, table, codes in (
        (Service.categories, reference.categories, item["categories"]),
        (Service.client_statuses, reference.statuses, item["client_statuses"]),
        (Service.languages, reference.languages, item["languages"]),
        (Service.territories, reference.territories, territories),
        (Service.locations, locations, item.get("locations", list(locations))),
    ):
        links.add(relation, service, reference.pick(table, codes, where))
    return service


def _organisation_create(entry, row, reference, links, editor) -> Organisation:
    """One organisation of the file with its locations, phones and services."""
    verified = _is_verified(row)
    verified_at = verified_on(entry["verified_days_ago"]) if verified else None
    organisation = Organisation(
        name=entry.get("name", row["nom"]),
        name_en=entry.get("name_en", ""),
        slug=entry["slug"],
        acronym=entry.get("acronym", row["sigle"]),
        kind=entry["kind"],
        mission=entry["mission"],
        mission_en=entry.get("mission_en", ""),
        website=entry.get("website")
        or (row["site_web"] if row["site_web"].startswith("http") else ""),
        state=PublicationState.PUBLISHED if verified else PublicationState.PENDING,
        source=RecordSource.DOCUMENT,
        source_notes=f"{row['sources']}\n\nVérification : {row['verification']}",
        verified_at=verified_at,
        verified_by=editor if verified else None,
    )
    organisation.full_clean(exclude=["uuid"])
    organisation.save()
    links.organisations.append(organisation)
    territories = reference.pick(reference.territories, entry["territories"], entry["slug"])
    links.add(Organisation.territories, organisation, territories)
    locations = _locations_create(organisation, entry, reference)
    for item in entry.get("phones", []):
        phone = Phone(organisation=organisation, **item)
        phone.full_clean(exclude=["uuid"])
        phone.save()
    for item in entry["services"]:
        _service_create(organisation, entry, item, locations, reference, links)
    return organisation


def _partnerships_create(entries, organisations, created) -> None:
    for entry in entries:
        if entry["slug"] not in created:
            continue
        for item in entry.get("partners", []):
            if item["kind"] not in Partnership.Kind.values:
                raise DemoDataError(f"{entry['slug']}: unknown partnership kind {item['kind']}")
            Partnership.objects.get_or_create(
                source=organisations[entry["slug"]],
                target=organisations[item["organisation"]],
                kind=item["kind"],
                defaults={"description": item.get("description", "")},
            )


def _organisations(editor) -> tuple[dict[str, Organisation], int]:
    """The file's organisations by slug, and how many services this run created."""
    rows = {row["nom"]: row for row in _csv(DATA_DIR / "organisations.csv")}
    entries = _entries(rows)
    _remove_generated(rows)
    reference, links = _Reference(), _Links()
    existing = Organisation.objects.in_bulk([e["slug"] for e in entries], field_name="slug")
    organisations, created, services = {}, set(), 0
    for entry in entries:
        organisation = existing.get(entry["slug"])
        if organisation is None:
            row = rows[entry["reference"]]
            organisation = _organisation_create(entry, row, reference, links, editor)
            created.add(entry["slug"])
            services += len(entry["services"])
        organisations[entry["slug"]] = organisation
    links.save()
    _partnerships_create(entries, organisations, created)
    return organisations, services


@transaction.atomic
def demo_seed() -> dict[str, object]:
    """Build the demo once; a second run finds it and changes nothing.

    Precondition: the reference data is loaded (``load_reference_data``), since
    the file's codes point to it. Raises :class:`DemoDataError`, and writes
    nothing, when ``services.json`` does not match it.
    """
    site_ensure()
    users = _accounts()
    organisations, services = _organisations(users["staff editor"])
    sanc = organisations["sanc"]
    Membership.objects.get_or_create(
        user=users["organisation admin"],
        organisation=sanc,
        defaults={"role": Membership.Role.ADMIN, "state": Membership.State.ACTIVE},
    )
    Membership.objects.get_or_create(
        user=users["member"],
        organisation=sanc,
        defaults={"role": Membership.Role.MEMBER, "state": Membership.State.ACTIVE},
    )
    demo_recensement.recensement_seed(users=users, organisations=organisations)
    demo_cartographie_seed()
    demo_events_seed(users=users)
    demo_forum_seed(users)
    demo_pages_seed()
    return {"users": users, "organisations": len(organisations), "services_created": services}
