"""The map: GeoJSON of a search's locations (clustered by zoom) and the list beside the map."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import PublicationState, ServiceCategory
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SHERBROOKE = (45.4042, -71.8929)
MAGOG = (45.2667, -72.1500)


def place(service, *, at=SHERBROOKE, address="123, rue King Ouest", organisation=None):
    location = LocationFactory(
        organisation=organisation or service.organisation,
        address=address,
        latitude=at[0],
        longitude=at[1],
    )
    service.locations.add(location)
    return location


def features(client, **params):
    response = client.get(reverse("directory:map_data"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return response.json()["features"]


def points(client, **params) -> list[dict]:
    return [f for f in features(client, **params) if f["properties"]["kind"] == "location"]


def test_map_data_has_the_published_locations_with_their_popup(client, reference_data):
    service = ServiceFactory(name="Accueil des nouveaux arrivants")
    place(service)
    [point] = points(client, zoom=16)
    assert point["geometry"]["coordinates"] == [SHERBROOKE[1], SHERBROOKE[0]]
    properties = point["properties"]
    assert properties["url"] == service.organisation.get_absolute_url()
    assert properties["services"] == [
        {"name": "Accueil des nouveaux arrivants", "url": service.get_absolute_url()}
    ]
    assert properties["address"].startswith("123, rue King Ouest")


@pytest.mark.parametrize(
    "state", [PublicationState.DRAFT, PublicationState.PENDING, PublicationState.ARCHIVED]
)
def test_unpublished_records_are_not_on_the_map(client, reference_data, state):
    place(ServiceFactory(), address="1, rue Publique")
    place(ServiceFactory(state=state), address="2, rue du Brouillon")
    place(ServiceFactory(organisation=OrganisationFactory(state=state)), address="3, rue Cachée")
    assert {p["properties"]["address"].split(",")[1].strip() for p in points(client, zoom=16)} == {
        "rue Publique"
    }
    organisation_points = points(client, zoom=16, show="organisations")
    assert all("Cachée" not in p["properties"]["address"] for p in organisation_points)


def test_organisation_admin_sees_their_unpublished_locations(
    client, reference_data, organisation, organisation_admin
):
    organisation.state = PublicationState.PENDING
    organisation.save()
    place(ServiceFactory(organisation=organisation), address="535, rue King Est")
    assert points(client, zoom=16) == []
    client.force_login(organisation_admin)
    assert len(points(client, zoom=16)) == 1


def test_map_data_follows_the_search_filters(client, reference_data):
    french = ServiceFactory(name="Cours de français")
    french.categories.set(ServiceCategory.objects.filter(code="FRA.TEMPS_PLEIN"))
    place(french, address="1, rue du Cours")
    place(ServiceFactory(name="Aide au logement"), address="2, rue du Logis", at=MAGOG)
    found = points(client, zoom=16, category="FRA")
    assert [p["properties"]["address"].split(",")[1].strip() for p in found] == ["rue du Cours"]
    found = points(client, zoom=16, q="logements")
    assert [p["properties"]["address"].split(",")[1].strip() for p in found] == ["rue du Logis"]


def test_nearby_locations_are_clustered_at_low_zoom_and_apart_when_zoomed_in(
    client, reference_data
):
    for offset in (0.0, 0.001, 0.002):
        place(ServiceFactory(), at=(SHERBROOKE[0] + offset, SHERBROOKE[1]))
    place(ServiceFactory(), at=MAGOG)
    low = features(client, zoom=9)
    clusters = [f for f in low if f["properties"]["kind"] == "cluster"]
    assert [c["properties"]["count"] for c in clusters] == [3]
    assert len([f for f in low if f["properties"]["kind"] == "location"]) == 1
    high = features(client, zoom=16)
    assert len(high) == 4
    assert {f["properties"]["kind"] for f in high} == {"location"}


def test_bounding_box_keeps_only_the_window(client, reference_data):
    place(ServiceFactory(), at=SHERBROOKE)
    place(ServiceFactory(), at=MAGOG)
    window = "-72.0,45.3,-71.8,45.5"  # around Sherbrooke
    assert len(features(client, zoom=16, bbox=window)) == 1


@pytest.mark.parametrize(
    "params", [{"zoom": "x"}, {"zoom": "25"}, {"bbox": "1,2,3"}, {"bbox": "0,60,1,50"}]
)
def test_bad_map_position_is_refused_with_a_clear_error(client, reference_data, params):
    response = client.get(reverse("directory:map_data"), params)
    assert response.status_code == 400
    assert "zoom" in response.json()["error"]


def test_map_page_lists_the_same_places_beside_the_map(client, reference_data):
    place(ServiceFactory(name="Accueil"), address="535, rue King Est")
    place(ServiceFactory(name="Francisation", state="draft"), address="9, rue Cachée")
    response = client.get(reverse("directory:map"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "535, rue King Est" in body
    assert "rue Cachée" not in body
    assert 'data-geojson-url="/fr/directory/map/locations.geojson"' in body
    assert "<script>" not in body and "style=" not in body


def test_map_page_keeps_the_filters_in_its_links(client, reference_data):
    place(ServiceFactory())
    body = client.get(reverse("directory:map"), {"status": "TET", "q": "accueil"}).content.decode()
    assert 'href="/fr/directory/?status=TET&amp;q=accueil"' in body


def _spread(size: int):
    """Locations close together (clusters at low zoom), and one far from all (a point)."""
    for number in range(size):
        service = ServiceFactory()
        place(service, at=(45.0 + number * 0.05, -72.5 + (number % 5) * 0.2))
    place(ServiceFactory(), at=(47.0, -60.0 - size))


@pytest.mark.parametrize("zoom", [8, 16])
def test_map_data_makes_the_same_number_of_queries_at_two_sizes(
    client, reference_data, django_assert_num_queries, zoom
):
    url = reverse("directory:map_data")
    _spread(3)
    client.get(url, {"zoom": zoom})
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"zoom": zoom})
    queries = len(small.captured_queries)  # read now: the next request clears the log
    _spread(20)
    client.get(url, {"zoom": zoom})
    with django_assert_num_queries(queries):
        client.get(url, {"zoom": zoom})


def test_map_page_makes_the_same_number_of_queries_at_two_sizes(
    client, reference_data, django_assert_num_queries
):
    url = reverse("directory:map")
    _spread(3)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    queries = len(small.captured_queries)
    _spread(25)
    client.get(url)
    with django_assert_num_queries(queries):
        client.get(url)
