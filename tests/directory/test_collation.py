"""Names sort as a French reader expects, on PostgreSQL and on SQLite, wherever lists
of them are shown: accents and case do not decide the order, letters do."""

import re
import sqlite3
from html import unescape

import pytest

from django.db import connection
from django.urls import reverse

from directory.collation import FRENCH_COLLATION, french_sort_key, sqlite_collation_install
from directory.models import Language, Organisation, Service
from tests.factories import (
    InitiativeFactory,
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Bytes order (the databases' C.UTF-8) gives CIUSSS, Carrefour, Comité, Cégep.
NAMES = ["Comité d'accueil", "CIUSSS de l'Estrie", "Cégep de Sherbrooke", "Carrefour jeunesse"]
FRENCH_ORDER = [
    "Carrefour jeunesse",
    "Cégep de Sherbrooke",
    "CIUSSS de l'Estrie",
    "Comité d'accueil",
]

# Ties only accents, case, ligatures or punctuation break.
HARD_NAMES = [
    "côté", "coté", "Côte", "cote", "Centre", "centre", "École", "Ecole", "ecole", "Éducation",
    "Œuvre", "Oeuvre", "L'Escale", "L’Accueil", "La Ruche", "Lac", "10 ans", "9 vies",
    "Saint-Michel", "Saint Michel", "Sainte-Anne", "MRC du Granit", "Mrc", "Âge d'or", "Azur",
    "Élan", "Émergence", "Ève", "Être", "ÉTÉ", "été", "Étienne", "Zoé", "zèbre",
]  # fmt: skip


def _ordered_names(html: str, pattern: str) -> list[str]:
    """The names of NAMES, in the order the page shows them."""
    found = [unescape(m.group(1)) for m in re.finditer(pattern, html)]
    return list(dict.fromkeys(name for name in found if name in NAMES))


def test_organisations_sort_by_letters_not_by_accents_or_case():
    for name in NAMES:
        OrganisationFactory(name=name)
    assert list(Organisation.objects.values_list("name", flat=True)) == FRENCH_ORDER


def test_postgresql_and_sqlite_agree_on_hard_names():
    """SQLite's collation (make run) follows PostgreSQL's ICU fr-CA one (production)."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        values = ", ".join(["(%s)"] * len(HARD_NAMES))
        cursor.execute(
            f'SELECT n FROM (VALUES {values}) AS v(n) ORDER BY n COLLATE "{FRENCH_COLLATION}"',  # noqa: S608
            HARD_NAMES,
        )
        postgresql = [row[0] for row in cursor.fetchall()]
    sqlite = sqlite3.connect(":memory:")
    sqlite_collation_install(sqlite)
    sqlite.execute(f"CREATE TABLE t (n TEXT COLLATE {FRENCH_COLLATION})")
    sqlite.executemany("INSERT INTO t VALUES (?)", [(name,) for name in HARD_NAMES])
    in_sqlite = [row[0] for row in sqlite.execute("SELECT n FROM t ORDER BY n")]

    assert in_sqlite == postgresql
    assert sorted(HARD_NAMES, key=french_sort_key) == postgresql


def test_the_collation_keeps_different_names_different():
    """Deterministic: "Cégep" and "cegep" sort together but are not equal (unique, =)."""
    OrganisationFactory(name="Cégep de Sherbrooke")
    OrganisationFactory(name="cegep de sherbrooke")
    assert Organisation.objects.filter(name="Cégep de Sherbrooke").count() == 1
    assert Organisation.objects.filter(name__iexact="CÉGEP DE SHERBROOKE").count() == 1


def test_search_results_list_organisations_and_services_in_french_order(client, reference_data):
    for name in NAMES:
        ServiceFactory(name=name, organisation=OrganisationFactory(name=name))

    services = client.get(reverse("directory:search"))
    organisations = client.get(reverse("directory:search"), {"show": "organisations"})

    assert [s.name for s in services.context["result"].page.object_list] == FRENCH_ORDER
    assert [o.name for o in organisations.context["result"].page.object_list] == FRENCH_ORDER


def test_search_results_stay_in_french_order_with_a_filter(client, reference_data):
    """The facet index's bit positions follow the same order as the query."""
    french = Language.objects.get(code="fr")
    for name in [*NAMES, "Zone franche"]:
        service = ServiceFactory(name=name)
        if name != "Zone franche":
            service.languages.set([french])

    response = client.get(reverse("directory:search"), {"language": "fr"})

    assert [s.name for s in response.context["result"].page.object_list] == FRENCH_ORDER


def test_organisation_page_lists_services_locations_and_partners_in_french_order(client):
    organisation = OrganisationFactory(name="Service d'aide aux Néo-Canadiens", slug="sanc")
    for name in NAMES:
        ServiceFactory(organisation=organisation, name=name)
        LocationFactory(organisation=organisation, name=name)
        PartnershipFactory(source=organisation, target=OrganisationFactory(name=name))

    html = client.get(reverse("directory:organisation_detail", args=["sanc"])).text

    services = html[html.index('id="services-heading"') :]
    assert _ordered_names(services, r'<h3 id="service-\d+"><a [^>]*>([^<]+)</a>')[:4] == (
        FRENCH_ORDER
    )
    partners = html[html.index('id="partners-heading"') :]
    assert _ordered_names(partners, r"<a [^>]*>([^<]+)</a>")[:4] == FRENCH_ORDER
    locations = html[html.index('id="locations-heading"') :]
    assert _ordered_names(locations, r"<h3[^>]*>([^<]+)</h3>")[:4] == FRENCH_ORDER


def test_manage_pages_list_services_and_locations_in_french_order(
    client, organisation, organisation_admin
):
    for name in NAMES:
        ServiceFactory(organisation=organisation, name=name)
        LocationFactory(organisation=organisation, name=name)
    client.force_login(organisation_admin)

    services = client.get(reverse("directory:manage_services", args=[organisation.slug])).text
    locations = client.get(reverse("directory:manage_locations", args=[organisation.slug])).text

    assert _ordered_names(services, r">([^<>]+)</a>") == FRENCH_ORDER
    assert _ordered_names(locations, r">([^<>]+)</") == FRENCH_ORDER


def test_membership_form_offers_organisations_in_french_order(client, member):
    for name in NAMES:
        OrganisationFactory(name=name)
    client.force_login(member)

    html = client.get(reverse("directory:my_account")).text

    assert _ordered_names(html, r"<option [^>]*>([^<]+)</option>") == FRENCH_ORDER


def test_organisation_members_are_listed_in_french_order(client, organisation, organisation_admin):
    for name in NAMES:
        MembershipFactory(organisation=organisation, user=UserFactory(display_name=name))
    client.force_login(organisation_admin)

    url = reverse("directory:organisation_members", args=[organisation.slug])
    html = client.get(url).text

    assert _ordered_names(html, r">([^<>]+)</") == FRENCH_ORDER


@pytest.mark.parametrize(
    ("viewset", "factory"),
    [
        ("directory_organisations", lambda name: OrganisationFactory(name=name)),
        ("directory_services", lambda name: ServiceFactory(name=name)),
        ("directory_initiatives", lambda name: InitiativeFactory(name=name)),
    ],
)
def test_admin_listings_sort_names_in_french_order_both_ways(client, staff, viewset, factory):
    for name in NAMES:
        factory(name)
    client.force_login(staff)
    url = reverse(f"{viewset}:index")

    ascending = _ordered_names(client.get(url).text, r">\s*([^<>]+?)\s*</a>")
    descending = _ordered_names(
        client.get(url, {"ordering": "-name"}).text, r">\s*([^<>]+?)\s*</a>"
    )

    assert ascending == FRENCH_ORDER
    assert descending == FRENCH_ORDER[::-1]


def test_services_api_lists_in_french_order(client):
    for name in NAMES:
        ServiceFactory(name=name)
    assert Service.objects.count() == 4
    response = client.get("/api/hsds/services")
    names = [item["name"] for item in response.json()["contents"]]
    assert names == FRENCH_ORDER
