"""A believable demo data set for ``make run``: accounts, organisations, services.

Organisations come from the reference file ``organisations.csv``: rows whose
verification note says they were checked are published; the others stay
awaiting verification, hidden from the public, as staff would find them.
Later apps (events, forum, pages) add their part here.
"""

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from directory import access
from directory.catalogue.reference import DATA_DIR
from directory.models import (
    ClientStatus,
    Language,
    Location,
    Membership,
    Organisation,
    OrganisationKind,
    PublicationState,
    RecordSource,
    Service,
    ServiceCategory,
    Territory,
)

from .site_setup import site_ensure

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_PASSWORD = "demo-continuum"  # noqa: S105 - demo accounts on a local SQLite file


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

# Words of an organisation's type (as the reference file writes it) → kind.
_KIND_HINTS = (
    ("mrc", OrganisationKind.MRC),
    ("municipal", OrganisationKind.MUNICIPALITY),
    ("cégep", OrganisationKind.EDUCATION),
    ("université", OrganisationKind.EDUCATION),
    ("éducation", OrganisationKind.EDUCATION),
    ("santé", OrganisationKind.HEALTH),
    ("gouvernement", OrganisationKind.GOVERNMENT),
    ("bailleur", OrganisationKind.FUNDER),
    ("regroupement", OrganisationKind.NETWORK),
    ("emploi", OrganisationKind.SOCIOECONOMIC),
    ("attractivité", OrganisationKind.SOCIOECONOMIC),
)

# Words in a service description → the taxonomy codes it most likely belongs to.
_CATEGORY_HINTS = (
    ("accueil", "ACC.ARRIVEE"),
    ("accompagnement", "ACC.ACCOMP"),
    ("interpr", "ACC.INTERP"),
    ("asile", "ACC.ASILE"),
    ("francisation", "FRA.TEMPS_PLEIN"),
    ("français", "FRA.PRATIQUE"),
    ("emploi", "EMP.RECHERCHE"),
    ("employeur", "EMP.EMPLOYEURS"),
    ("stage", "EMP.STAGE"),
    ("entrepren", "EMP.ENTREPRENEURIAT"),
    ("logement", "LOG.RECHERCHE"),
    ("santé", "SAN.ACCES"),
    ("réfugi", "SAN.REFUGIES"),
    ("scolaire", "EDU.SCOLAIRE"),
    ("étudiant", "EDU.POSTSEC"),
    ("adultes", "EDU.ADULTES"),
    ("famille", "FAM.PARENT"),
    ("jeunes", "FAM.JEUNES"),
    ("interculturel", "VIE.JUMELAGE"),
    ("jumelage", "VIE.JUMELAGE"),
    ("bénévol", "VIE.BENEVOLAT"),
    ("attraction", "REG.ATTRACTION"),
    ("régionalisation", "REG.ATTRACTION"),
    ("rétention", "REG.RETENTION"),
    ("alimentaire", "BES.ALIM"),
    ("formation", "ORG.FORMATION"),
    ("concertation", "ORG.CONCERTATION"),
)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _kind_for(label: str) -> str:
    lowered = label.lower()
    for word, kind in _KIND_HINTS:
        if word in lowered:
            return kind
    return OrganisationKind.COMMUNITY


def _unique_slug(model, base: str) -> str:
    slug = slugify(base)[:100] or "fiche"
    candidate, n = slug, 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _accounts() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=account.email, defaults={"display_name": account.display_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            EmailAddress.objects.get_or_create(
                user=user, email=account.email, defaults={"verified": True, "primary": True}
            )
        # Roles, not superuser rights, also on a database seeded by an older demo.
        user.is_staff, user.is_superuser = account.is_staff, False
        user.save()
        user.groups.set(Group.objects.filter(name__in=account.groups))
        users[account.role] = user
    return users


def _organisations(editor) -> list[Organisation]:
    places = {row["municipality"]: row for row in _csv(DEMO_DIR / "places.csv")}
    territories = {t.name: t for t in Territory.objects.all()}
    organisations = []
    for row in _csv(DATA_DIR / "organisations.csv"):
        verified = row["verification"].lower().startswith("vérifié")
        organisation = Organisation.objects.filter(name=row["nom"]).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                name=row["nom"],
                slug=_unique_slug(Organisation, row["sigle"] or row["nom"]),
                acronym=row["sigle"],
                kind=_kind_for(row["type"]),
                mission=row["services_confirmes"],
                website=row["site_web"] if row["site_web"].startswith("http") else "",
                state=PublicationState.PUBLISHED if verified else PublicationState.PENDING,
                source=RecordSource.DOCUMENT,
                source_notes=f"{row['sources']}\n\nVérification : {row['verification']}",
                verified_at=timezone.now() if verified else None,
                verified_by=editor if verified else None,
            )
        territory = territories.get(row["territoire"])
        if territory:
            organisation.territories.add(territory)
        town = row["ville"].split("(")[0].strip()
        place = places.get(town) or (
            places.get(territory.seat.split("(")[0].strip()) if territory else None
        )
        if place and not organisation.locations.exists():
            jitter = random.Random(organisation.slug)  # noqa: S311 - demo coordinates only
            Location.objects.create(
                organisation=organisation,
                name=organisation.acronym or organisation.name,
                municipality=town or place["municipality"],
                territory=territory,
                latitude=float(place["latitude"]) + jitter.uniform(-0.01, 0.01),
                longitude=float(place["longitude"]) + jitter.uniform(-0.01, 0.01),
            )
        organisations.append(organisation)
    return organisations


def _services(organisations: list[Organisation]) -> int:
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    statuses = list(ClientStatus.objects.exclude(group="organisation"))
    french = Language.objects.filter(code__in=["fr", "en", "es", "ar"])
    created = 0
    for organisation in organisations:
        if organisation.services.exists():
            continue
        rng = random.Random(organisation.slug)  # noqa: S311 - demo data only
        phrases = [p.strip(" .") for p in organisation.mission.split(";") if len(p.strip()) > 8]
        for phrase in phrases[:4]:
            name = phrase[:1].upper() + phrase[1:120]
            service = Service.objects.create(
                organisation=organisation,
                name=name,
                slug=_unique_slug(Service, f"{organisation.slug}-{name[:60]}"),
                description=phrase,
                state=organisation.state,
                source=RecordSource.DOCUMENT,
                verified_at=organisation.verified_at,
                verified_by=organisation.verified_by,
                assured_date=organisation.verified_at.date() if organisation.verified_at else None,
            )
            lowered = phrase.lower()
            codes = {code for word, code in _CATEGORY_HINTS if word in lowered} or {"ACC.ACCOMP"}
            service.categories.set([categories[c] for c in codes if c in categories])
            service.client_statuses.set(
                rng.sample(statuses, k=min(len(statuses), rng.randint(3, 8)))
            )
            service.languages.set(french)
            service.territories.set(organisation.territories.all())
            service.locations.set(organisation.locations.all())
            created += 1
    return created


@transaction.atomic
def demo_seed() -> dict[str, object]:
    """Build the demo once; a second run finds it and changes nothing."""
    site_ensure()
    users = _accounts()
    organisations = _organisations(users["staff editor"])
    services = _services(organisations)
    sanc = next((o for o in organisations if o.acronym == "SANC"), organisations[0])
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
    return {"users": users, "organisations": len(organisations), "services_created": services}
