"""Defects found by probing every public parameter with bad values (each was a 500)."""

import html

import pytest

from django.core.exceptions import ValidationError

from directory.editing.forms import form_class_for
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

OVER_64_BITS = "9" * 30


@pytest.mark.parametrize(
    "field", ["categories", "client_statuses", "languages", "territories", "locations"]
)
def test_a_service_form_refuses_an_id_over_64_bits_without_asking_the_database(
    field, organisation, django_assert_num_queries
):
    # SQLite raised OverflowError in "id IN (…)": a 500 on `make run`.
    service = ServiceFactory(organisation=organisation)
    form = form_class_for(service)(instance=service, organisation=organisation)
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        form.fields[field].clean([OVER_64_BITS])
    assert refused.value.code == "invalid_pk_value"


def test_an_organisation_form_refuses_a_territory_id_over_64_bits(
    organisation, django_assert_num_queries
):
    form = form_class_for(organisation)(instance=organisation, organisation=organisation)
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        form.fields["territories"].clean(["1", OVER_64_BITS])
    assert refused.value.code == "invalid_pk_value"


def test_ordinary_ids_are_still_checked_against_the_rows(organisation):
    form = form_class_for(organisation)(instance=organisation, organisation=organisation)
    with pytest.raises(ValidationError) as refused:
        form.fields["territories"].clean([str(2**62)])
    assert refused.value.code == "invalid_choice"


def test_posting_an_id_over_64_bits_to_the_service_form_explains_it(
    client, organisation, organisation_admin
):
    client.force_login(organisation_admin)
    response = client.post(
        f"/fr/directory/manage/{organisation.slug}/services/new/",
        {"name": "Aide", "territories": [OVER_64_BITS]},
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"«\xa0{OVER_64_BITS}\xa0» n’est pas une valeur correcte." in page


@pytest.mark.parametrize(
    "path",
    ["/fr/directory/", "/fr/directory/map/", "/fr/directory/map/locations.geojson"],
)
def test_public_pages_answer_head_like_get(client, path):
    # Link checkers and uptime monitors ask with HEAD: it was a 405.
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_profiles_answer_head_like_get(client, organisation):
    service = ServiceFactory(organisation=organisation)
    for path in (organisation.get_absolute_url(), service.get_absolute_url()):
        assert client.head(path).status_code == 200
