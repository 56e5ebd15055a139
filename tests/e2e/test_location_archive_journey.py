"""An organisation's admin archives a location, in Chromium: confirmation page, accessibility."""

import re

import pytest
from playwright.sync_api import expect

from directory.editing import services as editing
from tests.factories import LocationFactory, MembershipFactory, OrganisationFactory, ServiceFactory

from .conftest import axe_violations, format_violations
from .test_self_service_journey import sign_in_with_a_session

pytestmark = pytest.mark.e2e


@pytest.fixture
def published_organisation(db):
    return OrganisationFactory(name="Carrefour d'accueil de l'Estrie", slug="carrefour-accueil")


@pytest.fixture
def admin_of_it(published_organisation):
    return MembershipFactory(organisation=published_organisation, role="admin").user


@pytest.fixture
def location(published_organisation):
    location = LocationFactory(
        organisation=published_organisation, name="Bibliothèque Frontenac", municipality="Magog"
    )
    ServiceFactory(organisation=published_organisation, name="Jumelage").locations.add(location)
    return location


@pytest.mark.parametrize("language", ["fr", "en"])
def test_admin_asks_to_archive_a_location_through_an_accessible_confirmation(
    new_page, live_server, published_organisation, admin_of_it, location, language
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_with_a_session(page, live_server, admin_of_it)
    page.goto(f"/{language}/directory/manage/{published_organisation.slug}/locations/")

    page.locator(f"a[href$='/locations/{location.uuid}/archive/']").click()

    expect(page).to_have_url(re.compile(rf"/locations/{location.uuid}/archive/$"))
    expect(page.locator("h1")).to_contain_text("Bibliothèque Frontenac")
    expect(page.locator("main li", has_text="Jumelage")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("form button[type=submit].button--danger").click()

    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]+/$"))
    location.refresh_from_db()
    assert not location.is_archived  # public organisation: staff decide


@pytest.mark.parametrize("language", ["fr", "en"])
def test_locations_page_with_archived_locations_has_no_wcag_aa_violations(
    new_page, live_server, published_organisation, admin_of_it, location, staff, language
):
    LocationFactory(organisation=published_organisation, name="Point de service Coaticook")
    editing.location_archive(user=staff, location=location)
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, admin_of_it)

    page.goto(f"/{language}/directory/manage/{published_organisation.slug}/locations/")

    expect(page.locator("#archived-locations-heading")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
