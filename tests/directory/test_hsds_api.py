"""The HSDS 3.0 API: valid objects, published records only, HSDS paging, stable costs."""

import uuid

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.demo import demo_seed
from directory.models import (
    ClientStatus,
    Language,
    Location,
    PublicationState,
    Service,
    ServiceAtLocation,
    ServiceCategory,
    Territory,
)
from directory.opendata import hsds
from tests.factories import LocationFactory, OrganisationFactory, PhoneFactory, ServiceFactory

from .hsds_schemas import assert_valid

pytestmark = pytest.mark.django_db

TRICKY_FRENCH = (
    'L\'accueil « personnalisé » des nouveaux arrivants, dit "clé en main" ;\n'
    "deuxième ligne : démarches à l'arrivée (RAMQ, NAS), été comme hiver."
)


@pytest.fixture
def demo(reference_data):
    demo_seed()


def _json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _all_pages(client, url, **params):
    contents, page = [], 1
    while True:
        data = _json(client, url, page=page, per_page=200, **params)
        contents += data["contents"]
        if data["last_page"] or data["empty"]:
            return contents
        page += 1


def rich_service(**overrides) -> Service:
    """A published service with every relation we export, and both languages."""
    organisation = overrides.pop("organisation", None) or OrganisationFactory(
        name="Service d'aide aux Néo-Canadiens",
        name_en="Newcomer Aid Service",
        acronym="SANC",
        mission=TRICKY_FRENCH,
        mission_en="Welcome and support.",
        website="https://www.sanc-sherbrooke.ca",
        email="info@sanc.example.org",
    )
    location = LocationFactory(
        organisation=organisation,
        name="Bureau principal",
        name_en="Main office",
        territory=Territory.objects.get(name="Sherbrooke"),
        accessibility="Rampe d'accès à l'entrée « B ».",
        accessibility_en="Ramp at entrance B.",
    )
    PhoneFactory(organisation=None, location=location, number="819 555-0101", extension="12")
    PhoneFactory(organisation=organisation, number="819 555-0100", extension="3 ou 4")
    service = ServiceFactory(
        organisation=organisation,
        name="Accueil à l'arrivée",
        name_en="Arrival reception",
        description=TRICKY_FRENCH,
        description_en="Personalised welcome.",
        eligibility="Personnes réfugiées prises en charge par l'État.",
        eligibility_en="Government-assisted refugees.",
        fees="Gratuit, sauf « frais de dossier » de 10 $.",
        fees_en="Free.",
        how_to_access="Sur rendez-vous.",
        how_to_access_en="By appointment.",
        required_documents="Pièce d'identité",
        required_documents_en="Identity document",
        schedule="Du lundi au vendredi,\n8 h 30 à 16 h 30",
        schedule_en="Monday to Friday",
        email="accueil@sanc.example.org",
        url="https://www.sanc-sherbrooke.ca/accueil",
        assured_date="2025-03-14",
        **overrides,
    )
    service.categories.set(ServiceCategory.objects.filter(code__in=["ACC", "ACC.ARRIVEE"]))
    service.client_statuses.set(ClientStatus.objects.filter(code__in=["REFUGIE_RPCE", "TET"]))
    service.languages.set(Language.objects.all())
    service.territories.set(Territory.objects.filter(name__in=["Sherbrooke", "MRC de Coaticook"]))
    ServiceAtLocation.objects.create(service=service, location=location, description="Au 2e étage")
    PhoneFactory(organisation=None, service=service, number="+1 819 555-0199")
    return service


def _translation(obj: dict, field: str) -> str | None:
    values = [
        attribute["value"]
        for attribute in obj.get("attributes", [])
        if attribute["link_type"] == hsds.LINK_TRANSLATION
        and attribute["taxonomy_term"]["code"] == f"en:{field}"
    ]
    return values[0] if values else None


# --- Root, profile, OpenAPI ---------------------------------------------------------------


def test_api_root_gives_the_hsds_version_and_a_profile_that_exists(client):
    root = _json(client, "/api/hsds/")
    assert root["version"] == "3.0"
    profile = client.get(root["profile"])
    assert profile.status_code == 200
    assert profile["Content-Type"].startswith("text/markdown")
    assert "translation" in profile.content.decode()


def test_openapi_describes_only_the_paths_we_serve(client):
    spec = _json(client, "/api/hsds/openapi.json")
    assert set(spec["paths"]) == {
        "/",
        "/services",
        "/services/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
    }
    assert "REQUIRED" not in spec["info"]["title"]
    assert spec["info"]["license"]["url"].startswith("https://creativecommons.org/")


# --- Schema validation ---------------------------------------------------------------------


def test_every_published_demo_service_validates_against_the_compiled_schema(client, demo):
    services = _all_pages(client, "/api/hsds/services", full="true")
    assert len(services) == Service.objects.published().count() > 0
    for service in services:
        assert_valid("service", service)
    for service in services[:5]:
        detail = _json(client, f"/api/hsds/services/{service['id']}")
        assert_valid("service", detail)
        assert detail["organization"]["id"] == service["organization_id"]


def test_every_published_demo_organisation_validates_with_its_services(client, demo):
    organisations = _all_pages(client, "/api/hsds/organizations", full_service="true")
    assert organisations
    for organisation in organisations:
        assert_valid("organization", organisation)
        detail = _json(client, f"/api/hsds/organizations/{organisation['id']}")
        assert_valid("organization", detail)
        assert {s["id"] for s in detail["services"]} == {s["id"] for s in organisation["services"]}


def test_services_at_a_location_validate_against_their_compiled_schema(client, demo):
    services = _all_pages(client, "/api/hsds/services", full="true")
    links = [link for service in services for link in service["service_at_locations"]]
    assert links
    for link in links:
        assert_valid("service_at_location", link)


def test_taxonomies_and_terms_validate_and_keep_the_two_levels(client, reference_data):
    taxonomies = _all_pages(client, "/api/hsds/taxonomies")
    for taxonomy in taxonomies:
        assert_valid("taxonomy", taxonomy)
    terms = _all_pages(client, "/api/hsds/taxonomy_terms")
    for term in terms:
        assert_valid("taxonomy_term", term)
    categories = [t for t in terms if t["taxonomy_id"] == hsds.SERVICE_CATEGORIES.id]
    assert len(categories) == ServiceCategory.objects.count()
    by_code = {term["code"]: term for term in categories}
    assert by_code["FRA.TEMPS_PLEIN"]["parent_id"] == by_code["FRA"]["id"]
    assert "parent_id" not in by_code["FRA"]
    assert _translation(by_code["FRA"], "name") == "French-language learning"
    statuses = [t for t in terms if t["taxonomy_id"] == hsds.CLIENT_STATUSES.id]
    assert len(statuses) == ClientStatus.objects.count()


def test_term_ids_are_stable_uuid5_of_the_code(client, reference_data):
    term = _json(client, "/api/hsds/taxonomy_terms", search="FRA.TEMPS_PLEIN")["contents"][0]
    assert term["id"] == str(
        uuid.uuid5(hsds.NAMESPACE, "taxonomy_term:service-categories:FRA.TEMPS_PLEIN")
    )
    assert _json(client, f"/api/hsds/taxonomy_terms/{term['id']}") == term


def test_a_rich_service_validates_and_keeps_every_value(client, reference_data):
    service = rich_service()
    data = _json(client, f"/api/hsds/services/{service.uuid}")
    assert_valid("service", data)
    assert data["description"] == TRICKY_FRENCH
    assert data["fees_description"] == service.fees
    assert data["application_process"] == "Sur rendez-vous."
    assert data["assured_date"] == "2025-03-14"
    assert [d["document"] for d in data["required_documents"]] == ["Pièce d'identité"]
    assert [s["description"] for s in data["schedules"]] == [
        "Du lundi au vendredi,\n8 h 30 à 16 h 30"
    ]
    assert {area["name"] for area in data["service_areas"]} == {"Sherbrooke", "MRC de Coaticook"}
    assert {lang["code"] for lang in data["languages"]} == set(
        Language.objects.values_list("code", flat=True)
    )
    assert len(data["languages"]) > 20
    links = {
        a["taxonomy_term"]["code"] for a in data["attributes"] if a["link_type"] != "translation"
    }
    assert links == {"ACC", "ACC.ARRIVEE", "REFUGIE_RPCE", "TET"}
    location = data["service_at_locations"][0]["location"]
    assert location["latitude"] == pytest.approx(45.4042)
    address = location["addresses"][0]
    assert (address["city"], address["state_province"], address["country"]) == (
        "Sherbrooke",
        "QC",
        "CA",
    )
    assert location["phones"][0]["extension"] == 12
    organisation = _json(client, f"/api/hsds/organizations/{service.organisation.uuid}")
    assert organisation["phones"][0]["description"] == "(poste 3 ou 4)"
    assert organisation["alternate_name"] == "SANC"


def test_english_versions_travel_as_translation_attributes(client, reference_data):
    service = rich_service()
    data = _json(client, f"/api/hsds/services/{service.uuid}")
    assert data["name"] == "Accueil à l'arrivée"
    assert _translation(data, "name") == "Arrival reception"
    assert _translation(data, "eligibility_description") == "Government-assisted refugees."
    assert _translation(data["schedules"][0], "description") == "Monday to Friday"
    assert _translation(data["required_documents"][0], "document") == "Identity document"
    location = data["service_at_locations"][0]["location"]
    assert _translation(location, "name") == "Main office"
    assert _translation(location["accessibility"][0], "description") == "Ramp at entrance B."
    organisation = _json(client, f"/api/hsds/organizations/{service.organisation.uuid}")
    assert _translation(organisation, "name") == "Newcomer Aid Service"
    assert _translation(organisation, "description") == "Welcome and support."


def test_a_bare_service_validates_without_english_location_or_optional_fields(
    client, reference_data
):
    organisation = OrganisationFactory(mission="", website="", email="")
    service = ServiceFactory(organisation=organisation, description="", email="", url="")
    data = _json(client, f"/api/hsds/services/{service.uuid}")
    assert_valid("service", data)
    assert data["service_at_locations"] == []
    assert data["phones"] == data["languages"] == data["schedules"] == []
    assert _translation(data, "name") is None
    assert "url" not in data and "email" not in data and "assured_date" not in data
    organisation_data = _json(client, f"/api/hsds/organizations/{organisation.uuid}")
    assert_valid("organization", organisation_data)
    assert organisation_data["description"] == ""


def test_a_location_without_any_address_has_no_address_object(client, reference_data):
    service = ServiceFactory()
    location = LocationFactory(
        organisation=service.organisation, address="", municipality="", postal_code=""
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    data = _json(client, f"/api/hsds/services/{service.uuid}")
    assert_valid("service", data)
    assert data["service_at_locations"][0]["location"]["addresses"] == []


def test_a_virtual_location_validates(client, reference_data):
    service = ServiceFactory()
    location = LocationFactory(
        organisation=service.organisation,
        kind=Location.Kind.VIRTUAL,
        url="https://rencontres.example.org",
        latitude=None,
        longitude=None,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    data = _json(client, f"/api/hsds/services/{service.uuid}")
    assert_valid("service", data)
    assert data["service_at_locations"][0]["location"]["location_type"] == "virtual"


# --- Published records only -------------------------------------------------------------------


@pytest.fixture
def mixed(reference_data):
    published = ServiceFactory(name="Service publié")
    pending_service = ServiceFactory(name="Service en attente", state=PublicationState.PENDING)
    pending_organisation = OrganisationFactory(state=PublicationState.PENDING)
    hidden_by_organisation = ServiceFactory(
        name="Service d'un organisme en attente", organisation=pending_organisation
    )
    category = ServiceCategory.objects.get(code="ACC.ARRIVEE")
    for service in (published, pending_service, hidden_by_organisation):
        service.categories.add(category)
    return published, pending_service, hidden_by_organisation


def test_lists_show_only_published_services_of_published_organisations(client, mixed):
    published, *_hidden = mixed
    names = {s["name"] for s in _json(client, "/api/hsds/services")["contents"]}
    assert names == {published.name}


def test_an_unpublished_service_is_a_json_404(client, mixed):
    _published, pending_service, hidden_by_organisation = mixed
    for service in (pending_service, hidden_by_organisation):
        response = client.get(f"/api/hsds/services/{service.uuid}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
    assert client.get("/api/hsds/services/not-a-uuid").status_code == 404


def test_an_unpublished_organisation_is_a_404_and_absent_from_the_list(client, mixed):
    _published, _pending, hidden_by_organisation = mixed
    organisation = hidden_by_organisation.organisation
    assert client.get(f"/api/hsds/organizations/{organisation.uuid}").status_code == 404
    listed = {o["id"] for o in _json(client, "/api/hsds/organizations")["contents"]}
    assert str(organisation.uuid) not in listed


def test_an_organisation_lists_only_its_published_services(client, reference_data):
    organisation = OrganisationFactory()
    shown = ServiceFactory(organisation=organisation)
    ServiceFactory(organisation=organisation, state=PublicationState.DRAFT)
    data = _json(client, f"/api/hsds/organizations/{organisation.uuid}", full_service="true")
    assert [s["id"] for s in data["services"]] == [str(shown.uuid)]


def test_taxonomy_filter_returns_only_published_services(client, mixed):
    published, *_hidden = mixed
    term = hsds.SERVICE_CATEGORIES.term_id("ACC")  # the parent also finds its sub-categories
    found = _json(client, "/api/hsds/services", taxonomy_term_id=term)["contents"]
    assert [s["id"] for s in found] == [str(published.uuid)]
    terms = _all_pages(client, "/api/hsds/taxonomy_terms")
    assert all("Service en attente" not in str(term) for term in terms)


@pytest.fixture
def unpublished(reference_data):
    """A published service; a draft service of its (published) organisation; a published
    service of a draft organisation. Each service is given at a location."""
    shown = rich_service()
    draft_service = ServiceFactory(
        organisation=shown.organisation,
        name="Service en brouillon",
        state=PublicationState.DRAFT,
    )
    draft_organisation = OrganisationFactory(
        name="Organisme en brouillon", state=PublicationState.DRAFT
    )
    of_draft_organisation = ServiceFactory(
        organisation=draft_organisation, name="Service d'un organisme en brouillon"
    )
    links = [
        ServiceAtLocation.objects.create(
            service=service,
            location=LocationFactory(organisation=service.organisation),
            description="Lien caché",
        )
        for service in (draft_service, of_draft_organisation)
    ]
    hidden = [draft_service, of_draft_organisation, draft_organisation, *links]
    return shown, hidden


def _body(response) -> str:
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/hsds/services", {"full": "true"}),
        ("/api/hsds/services", {"format": "ndjson", "full": "true"}),
        ("/api/hsds/organizations", {"full_service": "true"}),
        ("/api/hsds/organizations", {"format": "ndjson", "full_service": "true"}),
        ("/api/hsds/service_at_locations", {"full": "true"}),
        ("/api/hsds/service_at_locations", {"format": "ndjson", "full": "true"}),
    ],
)
def test_unpublished_records_never_appear_in_a_list(client, unpublished, url, params):
    shown, hidden = unpublished
    body = _body(client.get(url, params))
    assert str(shown.uuid) in body
    for record in hidden:
        assert str(record.uuid) not in body
    assert "brouillon" not in body and "Lien caché" not in body


def test_unpublished_records_are_json_404s(client, unpublished):
    _shown, hidden = unpublished
    draft_service, of_draft_organisation, draft_organisation, *links = hidden
    urls = [
        f"/api/hsds/services/{draft_service.uuid}",
        f"/api/hsds/services/{of_draft_organisation.uuid}",
        f"/api/hsds/organizations/{draft_organisation.uuid}",
        *(f"/api/hsds/service_at_locations/{link.uuid}" for link in links),
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404, url
        assert response.json() == {"detail": "No published record has this identifier."}


def test_a_service_at_a_location_of_a_draft_organisation_is_not_shown(client, reference_data):
    service = ServiceFactory()
    hidden_place = LocationFactory(organisation=OrganisationFactory(state=PublicationState.DRAFT))
    link = ServiceAtLocation.objects.create(service=service, location=hidden_place)
    assert _json(client, "/api/hsds/service_at_locations")["total_items"] == 0
    assert client.get(f"/api/hsds/service_at_locations/{link.uuid}").status_code == 404
    assert _json(client, f"/api/hsds/services/{service.uuid}")["service_at_locations"] == []


# --- Paging ------------------------------------------------------------------------------------


def test_lists_have_the_hsds_page_shape(client, reference_data):
    for n in range(5):
        ServiceFactory(name=f"Service {n}")
    first = _json(client, "/api/hsds/services", per_page=2)
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    last = _json(client, "/api/hsds/services", per_page=2, page=3)
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    beyond = _json(client, "/api/hsds/services", per_page=2, page=4)
    assert beyond["empty"] is True and beyond["contents"] == []
    names = [
        s["name"]
        for p in (1, 2, 3)
        for s in _json(client, "/api/hsds/services", per_page=2, page=p)["contents"]
    ]
    assert sorted(names) == [f"Service {n}" for n in range(5)]


def _links(response) -> dict[str, str]:
    """rel → URL, from an RFC 8288 Link header."""
    links = {}
    for part in response["Link"].split(", "):
        url, rel = part.split("; ")
        links[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return links


def test_pages_link_to_the_first_previous_next_and_last_pages(client, reference_data):
    for n in range(5):
        ServiceFactory(name=f"Service {n}")
    middle = client.get("/api/hsds/services", {"per_page": 2, "page": 2, "search": "service"})
    links = _links(middle)
    assert set(links) == {"first", "prev", "next", "last"}
    assert links["next"].startswith("http://testserver/api/hsds/services?")
    assert "per_page=2" in links["next"] and "search=service" in links["next"]
    assert client.get(links["next"]).json()["page_number"] == 3
    assert client.get(links["prev"]).json()["first_page"] is True
    assert client.get(links["last"]).json()["last_page"] is True
    assert "Link" in middle["Access-Control-Expose-Headers"]
    first = _links(client.get("/api/hsds/services", {"per_page": 2}))
    assert set(first) == {"first", "next", "last"}
    assert "Link" not in client.get("/api/hsds/services", {"search": "aucun"})


def test_a_page_far_past_the_last_is_empty_not_an_error(client, reference_data):
    ServiceFactory()
    page = _json(client, "/api/hsds/services", page=1_000_000)
    assert (page["total_items"], page["empty"], page["last_page"]) == (1, True, True)
    assert set(_links(client.get("/api/hsds/services", {"page": 1_000_000}))) == {"first", "last"}


def test_taxonomies_and_terms_are_paged_like_every_list(client, reference_data):
    page = _json(client, "/api/hsds/taxonomy_terms", per_page=10, page=2)
    assert (page["size"], page["page_number"], page["first_page"]) == (10, 2, False)
    assert page["total_items"] > 60
    found = _json(client, "/api/hsds/taxonomies", search="traduits")["contents"]
    assert [taxonomy["id"] for taxonomy in found] == [hsds.TRANSLATED_FIELDS.id]


BAD_DATES = [
    "2025-02-30",
    "2025-13-45",
    "2025-01-01T25:00:00",
    "T25:00:00",
    "2025-01-01T12:00:00+99:00",
    "2025-01-01T12:00:00 99:00",  # "+" read as a space in a query string
    "9999-12-31T23:00:00-05:00",  # past year 9999 once in UTC
    "hier",
    "２０２５-01-01",
    "2025-01-01\x00",
    "\ufdfa" * 50,
]
BAD_WHOLE_NUMBERS = ["0", "-1", "x", "1.5", "1e3", "10" + "0" * 29, "9" * 5000, "٣", "１", "1\x00"]
BAD_FLAGS = ["peut-être", "2", "vrai", "ｔｒｕｅ", "true\x00", "\ufdfa"]
#: Each list endpoint with its date, whole number and true/false parameters.
LIST_PARAMETERS = {
    "/api/hsds/services": {
        "dates": ["modified_after"],
        "flags": ["full", "minimal"],
    },
    "/api/hsds/service_at_locations": {"dates": ["modified_after"], "flags": ["full"]},
    "/api/hsds/organizations": {"dates": [], "flags": ["full", "full_service"]},
    "/api/hsds/taxonomies": {"dates": [], "flags": []},
    "/api/hsds/taxonomy_terms": {"dates": [], "flags": ["top_only"]},
}


def _bad_requests():
    for url, kinds in LIST_PARAMETERS.items():
        for name in ("page", "per_page"):
            for value in BAD_WHOLE_NUMBERS:
                yield url, name, value
        yield url, "per_page", "201"
        yield url, "page", "1000001"
        yield url, "format", "xml"
        yield url, "search", "accueil\x00"
        for name in kinds["dates"]:
            for value in BAD_DATES:
                yield url, name, value
        for name in kinds["flags"]:
            for value in BAD_FLAGS:
                yield url, name, value
    for value in BAD_FLAGS:
        yield "/api/hsds/organizations/1f0a8c2e-4b7d-4e51-9a3c-6d2b8e9f0a17", "full_service", value


@pytest.mark.parametrize(("url", "name", "value"), list(_bad_requests()))
def test_every_bad_parameter_is_a_json_400_naming_it(client, url, name, value):
    response = client.get(url, {name: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "no-store"
    error = response.json()
    assert error["parameter"] == name
    assert error["detail"].startswith(f"{name} ")
    assert error["errors"] == {name: [error["detail"]]}


def test_a_parameter_error_speaks_the_requests_language(client):
    french = client.get("/api/hsds/services", {"modified_after": "2025-02-30"}).json()
    assert french["detail"].startswith("modified_after doit être une date")
    english = client.get(
        "/api/hsds/services", {"per_page": "10" + "0" * 29}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert english["detail"] == "per_page must be a whole number between 1 and 200."


@pytest.mark.parametrize(
    "value",
    ["2025-01-31", "2025-01-31T12:00:00Z", "2025-01-31T12:00:00+05:00", "2025-01-31T07:00:00"],
)
def test_dates_and_date_times_in_iso_8601_are_accepted(client, reference_data, value):
    assert _json(client, "/api/hsds/services", modified_after=value)["total_items"] == 0


def test_a_plus_read_as_a_space_still_gives_the_offset(client, reference_data):
    service = ServiceFactory()
    Service.objects.filter(pk=service.pk).update(updated_at="2025-01-31T12:00:00Z")
    # 12:00Z is 17:00+05:00: found "after 16:59+05:00", not "after 17:01+05:00".
    found = client.get("/api/hsds/services?modified_after=2025-01-31T16:59:00+05:00").json()
    assert found["total_items"] == 1
    found = client.get("/api/hsds/services?modified_after=2025-01-31T17:01:00+05:00").json()
    assert found["total_items"] == 0


def test_blank_parameters_are_ignored(client, reference_data):
    ServiceFactory()
    data = _json(client, "/api/hsds/services", page="", per_page=" ", full="", modified_after="")
    assert (data["total_items"], data["page_number"]) == (1, 1)


def test_an_odd_identifier_in_the_path_is_a_json_404(client, reference_data):
    for url in (
        "/api/hsds/services/%00",
        "/api/hsds/organizations/%EF%B7%BA",
        "/api/hsds/service_at_locations/%F0%9F%98%80",
        "/api/hsds/taxonomies/x",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_only_get_and_head_are_served(client, reference_data):
    assert client.head("/api/hsds/services").status_code == 200
    for method in (client.post, client.put, client.delete, client.options):
        response = method("/api/hsds/services")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert "detail" in response.json()


def test_services_filtered_by_organisation_and_modification_date(client, reference_data):
    old = ServiceFactory()
    Service.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    recent = ServiceFactory()
    found = _json(client, "/api/hsds/services", modified_after="2024-01-01")["contents"]
    assert [s["id"] for s in found] == [str(recent.uuid)]
    found = _json(client, "/api/hsds/services", organization_id=str(old.organisation.uuid))
    assert [s["id"] for s in found["contents"]] == [str(old.uuid)]


def test_search_ignores_accents_and_case(client, reference_data):
    wanted = ServiceFactory(name="Intégration au marché du travail")
    ServiceFactory(name="Cuisine collective")
    found = _json(client, "/api/hsds/services", search="INTEGRATION")["contents"]
    assert [s["id"] for s in found] == [str(wanted.uuid)]


def test_ndjson_streams_every_published_service_without_paging(client, mixed):
    response = client.get("/api/hsds/services", {"format": "ndjson", "full": "true"})
    assert response["Content-Type"] == "application/x-ndjson"
    import json

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Service publié"]


# --- Caching and costs ---------------------------------------------------------------------------


def test_responses_carry_an_etag_and_answer_304_when_nothing_changed(client, reference_data):
    ServiceFactory()
    first = client.get("/api/hsds/services")
    assert "max-age" in first["Cache-Control"] and first["Access-Control-Allow-Origin"] == "*"
    again = client.get("/api/hsds/services", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"] and again["Access-Control-Allow-Origin"] == "*"
    assert again.content == b""
    ServiceFactory()
    changed = client.get("/api/hsds/services", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_service_list_costs_the_same_queries_for_3_or_30_services(
    client, reference_data, django_assert_num_queries
):
    for _n in range(3):
        rich_service(organisation=OrganisationFactory())
    few = _queries(client, "/api/hsds/services", full="true", per_page=50)
    for _n in range(27):
        rich_service(organisation=OrganisationFactory())
    with django_assert_num_queries(few):
        data = client.get("/api/hsds/services", {"full": "true", "per_page": 50}).json()
    assert data["size"] == 30


def test_organisation_list_costs_the_same_queries_for_3_or_30_organisations(
    client, reference_data, django_assert_num_queries
):
    for _n in range(3):
        rich_service(organisation=OrganisationFactory())
    few = _queries(client, "/api/hsds/organizations", full_service="true")
    for _n in range(27):
        rich_service(organisation=OrganisationFactory())
    with django_assert_num_queries(few):
        data = client.get("/api/hsds/organizations", {"full_service": "true"}).json()
    assert data["size"] == 30


def test_service_at_location_list_costs_the_same_queries_for_3_or_30_links(
    client, reference_data, django_assert_num_queries
):
    for _n in range(3):
        rich_service(organisation=OrganisationFactory())
    few = _queries(client, "/api/hsds/service_at_locations", full="true")
    for _n in range(27):
        rich_service(organisation=OrganisationFactory())
    with django_assert_num_queries(few):
        data = client.get("/api/hsds/service_at_locations", {"full": "true"}).json()
    assert data["size"] == 30


# --- Services at a location ---------------------------------------------------------------------


def test_services_at_a_location_are_listed_one_to_one_and_validate(client, reference_data):
    service = rich_service()
    page = _json(client, "/api/hsds/service_at_locations")
    assert page["total_items"] == 1
    link = page["contents"][0]
    assert_valid("service_at_location", link)
    assert (link["service_id"], link["service"]["id"]) == (str(service.uuid),) * 2
    assert link["description"] == "Au 2e étage"
    assert link["location"]["name"] == "Bureau principal"
    assert "addresses" not in link["location"] and "phones" not in link["service"]
    assert link["service"]["organization"]["id"] == str(service.organisation.uuid)


def test_a_service_at_a_location_in_full_validates_and_nests_location_and_service(
    client, reference_data
):
    service = rich_service()
    link_id = _json(client, "/api/hsds/service_at_locations")["contents"][0]["id"]
    detail = _json(client, f"/api/hsds/service_at_locations/{link_id}")
    assert_valid("service_at_location", detail)
    assert detail["location"]["addresses"][0]["city"] == "Sherbrooke"
    assert detail["location"]["phones"][0]["extension"] == 12
    assert _translation(detail["service"], "name") == "Arrival reception"
    assert {a["name"] for a in detail["service"]["service_areas"]} == {
        "Sherbrooke",
        "MRC de Coaticook",
    }
    assert "service_at_locations" not in detail["service"]
    assert detail["service"]["organization"]["id"] == str(service.organisation.uuid)
    listed = _json(client, "/api/hsds/service_at_locations", full="true")["contents"]
    assert listed == [detail]


def test_every_demo_service_at_a_location_validates_in_both_shapes(client, demo):
    short = _all_pages(client, "/api/hsds/service_at_locations")
    full = _all_pages(client, "/api/hsds/service_at_locations", full="true")
    assert (
        len(short)
        == len(full)
        == (ServiceAtLocation.objects.filter(service__in=Service.objects.published()).count())
    )
    for link in short + full:
        assert_valid("service_at_location", link)


def test_services_at_a_location_follow_the_service_filters(client, reference_data):
    wanted = rich_service()
    other = rich_service(organisation=OrganisationFactory())
    other.name = "Francisation à temps partiel"
    other.save()
    other.categories.set(ServiceCategory.objects.filter(code="FRA"))
    Service.objects.filter(pk=other.pk).update(updated_at="2020-01-01T00:00:00Z")

    def ids(**params):
        found = _json(client, "/api/hsds/service_at_locations", **params)["contents"]
        return [link["service_id"] for link in found]

    assert ids(organization_id=str(wanted.organisation.uuid)) == [str(wanted.uuid)]
    assert ids(taxonomy_term_id=hsds.SERVICE_CATEGORIES.term_id("ACC")) == [str(wanted.uuid)]
    assert ids(modified_after="2024-01-01") == [str(wanted.uuid)]
    assert ids(search="francisation") == [str(other.uuid)]
    assert len(ids()) == 2


def test_services_at_a_location_stream_as_ndjson(client, reference_data):
    rich_service()
    response = client.get("/api/hsds/service_at_locations", {"format": "ndjson"})
    assert response["Content-Type"] == "application/x-ndjson"
    import json

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["description"] for line in lines] == ["Au 2e étage"]


def test_postcode_and_proximity_are_refused_rather_than_ignored(client, reference_data):
    for name in ("postcode", "proximity"):
        response = client.get("/api/hsds/service_at_locations", {name: "J1H 1P1"})
        assert response.status_code == 400
        assert response.json()["parameter"] == name
    spec = _json(client, "/api/hsds/openapi.json")
    parameters = str(spec["paths"]["/service_at_locations"]["get"]["parameters"])
    assert "postcode" not in parameters and "proximity" not in parameters


# --- Throttling ----------------------------------------------------------------------------------


@pytest.fixture
def three_per_minute(settings):
    """The public API's rate lowered to 3 a minute, for one client address of its own."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    address = "203.0.113.7"
    cache.delete(f"throttle_anon_{address}")
    yield address
    cache.delete(f"throttle_anon_{address}")


def test_a_client_over_the_rate_gets_a_json_429(client, reference_data, three_per_minute):
    for url in ("/api/hsds/", "/api/hsds/services", "/api/hsds/taxonomies"):
        assert client.get(url, REMOTE_ADDR=three_per_minute).status_code == 200
    refused = client.get("/api/hsds/services", REMOTE_ADDR=three_per_minute)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert refused["Cache-Control"] == "no-store"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"] == (
        f"Trop de requêtes : réessayez dans {refused['Retry-After']} secondes."
    )
    assert client.get("/api/hsds/services", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_signing_in_does_not_escape_the_rate(client, member, reference_data, three_per_minute):
    client.force_login(member)
    statuses = [
        client.get("/api/hsds/services", REMOTE_ADDR=three_per_minute).status_code
        for _n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_forged_forwarded_for_header_does_not_escape_the_rate(
    client, reference_data, three_per_minute
):
    statuses = [
        client.get(
            "/api/hsds/services",
            REMOTE_ADDR=three_per_minute,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_the_export_is_throttled_too(client, reference_data, three_per_minute):
    statuses = [
        client.get("/api/hsds/export.zip", REMOTE_ADDR=three_per_minute).status_code
        for _n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
