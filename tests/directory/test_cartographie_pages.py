"""The portrait's pages, exports and open data: same numbers everywhere, policy applied."""

import csv
import io
from collections import defaultdict

import pytest
from openpyxl import load_workbook

from django.contrib.auth.models import Group

from directory import access
from directory.models import ClientStatus, Membership, Need, Partnership, ServiceCategory, Territory
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory, UserFactory

from .portrait_data import E, M, R, S, portrait_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reference_data):
    return portrait_data()


@pytest.fixture
def animation(roles):
    """A member of the Animation role (not the directory team, not a superuser)."""
    user = UserFactory(display_name="Nadia Animatrice")
    user.groups.add(roles[access.ANIMATION.key])
    return user


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


# --- /directory/coverage.csv -------------------------------------------------------------


def test_coverage_csv_has_one_row_per_territory_and_top_level_category_with_zeros(client, data):
    rows = csv_rows(client.get("/directory/coverage.csv"))
    assert list(rows[0]) == ["territory", "category", "services", "organisations"]
    tops = list(
        ServiceCategory.objects.filter(parent=None)
        .order_by("position")
        .values_list("code", flat=True)
    )
    territories = list(
        Territory.objects.order_by("position", "name").values_list("code", flat=True)
    )
    assert [(r["territory"], r["category"]) for r in rows] == [
        (t, c) for t in territories for c in tops
    ]
    by_key = {(r["territory"], r["category"]): (r["services"], r["organisations"]) for r in rows}
    assert by_key[(S, "FRA")] == ("3", "3")
    assert by_key[(M, "LOG")] == ("0", "0")  # the draft organisation's service is not public


def test_coverage_csv_equals_the_matrix_page(client, data):
    page = client.get("/fr/directory/portrait/")
    matrix = page.context["matrix"]
    from_page = {
        (cell.territory.code, cell.category.code): (str(cell.services), str(cell.organisations))
        for cell in matrix.top_cells()
    }
    rows = csv_rows(client.get("/directory/coverage.csv"))
    assert {(r["territory"], r["category"]): (r["services"], r["organisations"]) for r in rows} == (
        from_page
    )


def _hsds_all(client, path, **params):
    items, page = [], 1
    while True:
        data = client.get(path, {"page": page, "per_page": 200, **params}).json()
        items += data["contents"]
        if data["last_page"] or data["empty"]:
            return items
        page += 1


def test_coverage_csv_equals_counts_recomputed_from_the_hsds_api(client, data):
    terms = _hsds_all(client, "/api/hsds/taxonomy_terms")
    code_of = {term["id"]: term["code"] for term in terms}
    services, organisations = defaultdict(set), defaultdict(set)
    for service in _hsds_all(client, "/api/hsds/services", full="true"):
        if service["status"] not in ("active", "temporarily closed"):
            continue
        tops = {
            code_of.get(a["taxonomy_term"].get("parent_id"), a["taxonomy_term"]["code"])
            for a in service["attributes"]
            if a["link_type"] == "service_category"
        }
        for area in service["service_areas"]:
            for top in tops:
                services[(area["uri"], top)].add(service["id"])
                organisations[(area["uri"], top)].add(service["organization_id"])
    for row in csv_rows(client.get("/directory/coverage.csv")):
        key = (row["territory"], row["category"])
        assert int(row["services"]) == len(services[key]), key
        assert int(row["organisations"]) == len(organisations[key]), key


def test_coverage_csv_filters_by_status_and_language(client, data):
    rows = csv_rows(client.get("/directory/coverage.csv", {"status": R, "language": "es"}))
    by_key = {(r["territory"], r["category"]): int(r["services"]) for r in rows}
    assert by_key[(S, "LOG")] == 1
    assert by_key[(S, "EMP")] == 0  # b2 is in Spanish, but for temporary workers
    assert by_key[(S, "FRA")] == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=NOPE", "is not a client status code"),
        ("language=xx", "is not a language code"),
        ("status=TET&status=REFUGIE_RPCE", "at most one"),
        ("territory=sherbrooke", "Unknown parameter"),
    ],
)
def test_coverage_csv_answers_400_with_a_clear_message_to_bad_parameters(
    client, reference_data, query, message
):
    response = client.get(f"/directory/coverage.csv?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_coverage_csv_speaks_french_to_a_french_client(client, reference_data):
    response = client.get("/directory/coverage.csv?status=NOPE", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "statut" in response.content.decode()


def test_coverage_csv_is_published_data_even_for_staff(client, data, staff):
    client.force_login(staff)
    rows = csv_rows(client.get("/directory/coverage.csv"))
    assert {(r["territory"], r["category"]): r["services"] for r in rows}[(M, "LOG")] == "0"


def test_an_unknown_csv_without_a_language_prefix_is_a_404_not_a_redirect(client, site):
    assert client.get("/directory/nothing.csv").status_code == 404


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/fr/directory/portrait/",
        "/en/directory/portrait/?expand=all&status=REFUGIE_RPCE&language=fr",
        "/fr/directory/portrait/gaps/",
        "/en/directory/portrait/network/?territory=sherbrooke",
        "/fr/directory/portrait/suggestions/?organisation=carrefour-c",
        "/en/directory/portrait/continuum/?status=REFUGIE_RPCE",
    ],
)
def test_every_public_portrait_page_answers(client, data, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'role="img"' in response.content or b"suggestion" in response.content


def test_a_bad_filter_on_a_page_answers_400_with_the_message_and_unfiltered_figures(client, data):
    response = client.get("/en/directory/portrait/?status=NOPE")
    assert response.status_code == 400
    assert "is not a client status code" in response.content.decode()
    assert response.context["filters"].status == ""


def test_the_matrix_cells_link_to_the_search_of_their_services(client, data):
    response = client.get("/fr/directory/portrait/")
    assert b'href="/fr/directory/?category=FRA&amp;territory=sherbrooke"' in response.content


def test_staff_only_records_and_needs_are_absent_from_the_public_portrait(client, data):
    Need.objects.create(
        organisation=data["A"], text="Besoin confidentiel de logement", source="staff"
    )
    for path in (
        "/fr/directory/portrait/network/",
        "/fr/directory/portrait/suggestions/?organisation=accueil-a",
        "/fr/directory/portrait/gaps/",
    ):
        body = client.get(path).content.decode()
        assert "Dépôt D" not in body and "depot-d" not in body
    assert client.get("/fr/directory/portrait/needs/").status_code == 403
    workbook = load_workbook(io.BytesIO(client.get("/fr/directory/portrait/portrait.xlsx").content))
    assert "Besoins" not in workbook.sheetnames
    text = " ".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
    )
    assert "Dépôt D" not in text


def test_a_member_without_the_permission_gets_the_public_portrait(client, data, member):
    client.force_login(member)
    response = client.get("/fr/directory/portrait/network/")
    assert not response.context["scope"].is_full
    assert client.get("/fr/directory/portrait/needs/").status_code == 403


def test_animation_sees_the_staff_version_with_unpublished_records(client, data, animation):
    client.force_login(animation)
    response = client.get("/fr/directory/portrait/network/")
    assert response.context["scope"].is_full
    assert "Dépôt D" in response.content.decode()
    public = client.get("/fr/directory/portrait/network/?version=public")
    assert "Dépôt D" not in public.content.decode()


def test_the_needs_page_puts_needs_beside_the_offer(client, data, staff):
    sherbrooke = Territory.objects.get(code=S)
    log = ServiceCategory.objects.get(code="LOG.RECHERCHE")
    for text in ("Logements trop chers", "Logements pour grandes familles"):
        Need.objects.create(
            organisation=data["B"], category=log, territory=sherbrooke, text=text, source="staff"
        )
    unplaced = Need.objects.create(organisation=data["C"], text="Transport", source="staff")
    unplaced.client_statuses.set([])
    client.force_login(staff)
    response = client.get("/fr/directory/portrait/needs/")
    assert response.status_code == 200
    table = response.context["needs"]
    first = table.rows[0]
    assert (first.category.code, first.territory.code, first.needs, first.organisations) == (
        "LOG",
        S,
        2,
        1,
    )
    assert (first.offer.services, first.offer.organisations) == (1, 1)
    assert table.total == 3


def test_needs_follow_the_status_filter(client, data, staff):
    need = Need.objects.create(organisation=data["A"], text="Accueil des étudiants", source="staff")
    need.client_statuses.set(ClientStatus.objects.filter(code=E))
    Need.objects.create(organisation=data["A"], text="Autre besoin", source="staff")
    client.force_login(staff)
    assert client.get(f"/fr/directory/portrait/needs/?status={E}").context["needs"].total == 1
    assert client.get("/fr/directory/portrait/needs/").context["needs"].total == 2


# --- Exports ------------------------------------------------------------------------------


def test_the_workbook_has_every_table_and_neutralises_formulas(client, reference_data, staff):
    organisation = OrganisationFactory(name='=HYPERLINK("https://example.org","x")')
    service = ServiceFactory(organisation=organisation)
    service.categories.set(ServiceCategory.objects.filter(code="FRA"))
    service.territories.set(Territory.objects.filter(code=S))
    client.force_login(staff)
    response = client.get("/en/directory/portrait/portrait.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Coverage",
        "Gaps",
        "Overlaps",
        "Partnerships",
        "Continuum",
        "Needs",
    ]
    cells = [c for row in workbook["Partnerships"].iter_rows() for c in row]
    named = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)


def test_a_csv_table_neutralises_formulas_and_unknown_tables_are_404(client, reference_data):
    OrganisationFactory(name="=cmd|' /C calc'!A0")
    response = client.get("/fr/directory/portrait/network.csv")
    assert response.status_code == 200
    assert "'=cmd" in response.content.decode()
    assert client.get("/fr/directory/portrait/nothing.csv").status_code == 404


# --- Maillage: introductions and partnerships --------------------------------------------


def test_staff_introduce_two_organisations_to_their_admins_each_in_their_language(
    client, data, staff, mailoutbox, django_capture_on_commit_callbacks
):
    MembershipFactory(
        organisation=data["C"],
        role=Membership.Role.ADMIN,
        user=UserFactory(email="c@example.org", preferred_language="fr"),
    )
    MembershipFactory(
        organisation=data["A"],
        role=Membership.Role.ADMIN,
        user=UserFactory(email="a@example.org", preferred_language="en"),
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/directory/portrait/suggestions/introduce/",
            {"organisation": data["C"].pk, "partner": data["A"].pk, "note": "Bonne rencontre !"},
        )
    assert response.status_code == 302
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {"c@example.org", "a@example.org"}
    assert "Présentation" in by_address["c@example.org"].subject
    assert "Introduction" in by_address["a@example.org"].subject
    assert "Bonne rencontre !" in by_address["a@example.org"].body
    assert "/en/directory/organisations/carrefour-c/" in by_address["a@example.org"].body


def test_an_introduction_without_any_admin_sends_nothing_and_says_so(
    client, data, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/directory/portrait/suggestions/introduce/",
            {"organisation": data["C"].pk, "partner": data["A"].pk},
            follow=True,
        )
    assert mailoutbox == []
    assert "no e-mail was sent" in response.content.decode()


def test_staff_record_a_suggested_partnership_once(client, data, staff):
    client.force_login(staff)
    post = {"organisation": data["C"].pk, "partner": data["A"].pk, "kind": "referral"}
    client.post("/fr/directory/portrait/suggestions/partnership/", post)
    again = client.post("/en/directory/portrait/suggestions/partnership/", post, follow=True)
    assert Partnership.objects.filter(source=data["C"], target=data["A"]).count() == 1
    assert "already recorded" in again.content.decode()


def test_members_without_the_permission_cannot_introduce_or_record(client, data, member):
    client.force_login(member)
    post = {"organisation": data["C"].pk, "partner": data["A"].pk, "kind": "referral"}
    assert client.post("/fr/directory/portrait/suggestions/partnership/", post).status_code == 403
    assert client.post("/fr/directory/portrait/suggestions/introduce/", post).status_code == 403
    assert not Partnership.objects.filter(source=data["C"], target=data["A"]).exists()


def test_roles_hold_the_portrait_permissions(roles):
    for role in (access.DIRECTORY_TEAM, access.ANIMATION):
        codenames = set(
            Group.objects.get(name=role.name).permissions.values_list("codename", flat=True)
        )
        assert {"view_full_portrait", "connect_organisations"} <= codenames
    editors = set(
        Group.objects.get(name=access.EDITORS.name).permissions.values_list("codename", flat=True)
    )
    assert "view_full_portrait" not in editors


# --- The cache of aggregates ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_cached_portrait_follows_every_committed_write(client, reference_data):
    """Committed writes move the data version: the next request never serves old figures."""

    def sherbrooke_french() -> str:
        rows = csv_rows(client.get("/directory/coverage.csv"))
        return {(r["territory"], r["category"]): r["services"] for r in rows}[(S, "FRA")]

    def french_service(slug: str):
        service = ServiceFactory(slug=slug)
        service.categories.set(ServiceCategory.objects.filter(code="FRA"))
        service.territories.set(Territory.objects.filter(code=S))
        return service

    french_service("premier")
    assert sherbrooke_french() == "1"
    assert sherbrooke_french() == "1"  # from the cache
    second = french_service("deuxieme")
    assert sherbrooke_french() == "2"
    second.territories.clear()
    assert sherbrooke_french() == "1"
