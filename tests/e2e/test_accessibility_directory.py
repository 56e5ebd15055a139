"""The public directory in Chromium: WCAG 2.1 AA (axe-core) in French and English, and the
filters applying without a page load. Map tiles cannot load offline; the map still works."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import ClientStatus, Language, ServiceCategory, Territory
from tests.factories import LocationFactory, OrganisationFactory, PhoneFactory, ServiceFactory

from .conftest import accessibility_node, axe_violations, format_violations

pytestmark = pytest.mark.e2e

LANGUAGES = ["fr", "en"]


@pytest.fixture
def directory(reference_data):
    """A few published organisations with services, locations and phones; one draft."""
    sanc = OrganisationFactory(
        name="Service d'aide aux Néo-Canadiens",
        acronym="SANC",
        slug="sanc",
        kind="community",
        mission="Accueillir et accompagner les personnes immigrantes.",
        website="https://www.sanc-sherbrooke.ca/",
    )
    sanc.territories.set(Territory.objects.filter(code="sherbrooke"))
    PhoneFactory(organisation=sanc, number="819 566-5373")
    cegep = OrganisationFactory(name="Cégep de Sherbrooke", slug="cegep", kind="education")
    for number, (organisation, name, category, at) in enumerate(
        [
            (sanc, "Accueil des nouveaux arrivants", "ACC.ARRIVEE", (45.404, -71.893)),
            (sanc, "Aide à la recherche de logement", "LOG.RECHERCHE", (45.405, -71.890)),
            (cegep, "Francisation à temps complet", "FRA.TEMPS_PLEIN", (45.39, -71.92)),
            (cegep, "Francisation du soir", "FRA.TEMPS_PARTIEL", (45.27, -72.15)),
        ]
    ):
        service = ServiceFactory(organisation=organisation, name=name, slug=f"service-e2e-{number}")
        service.categories.set(ServiceCategory.objects.filter(code=category))
        service.client_statuses.set(ClientStatus.objects.filter(code__in=["DEMANDEUR_ASILE"]))
        service.languages.set(Language.objects.filter(code__in=["fr", "es"]))
        service.territories.set(Territory.objects.filter(code="sherbrooke"))
        location = LocationFactory(
            organisation=organisation,
            name=f"Point de service {number}",
            address=f"{100 + number}, rue King Ouest",
            accessibility="Entrée de plain-pied.",
            latitude=at[0],
            longitude=at[1],
        )
        service.locations.add(location)
    ServiceFactory(organisation=sanc, name="Service en brouillon", state="draft")
    return sanc


def assert_no_violations(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_with_results_and_facets_has_no_wcag_violations(new_page, directory, language):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    page.goto(f"/{language}/directory/?category=FRA&status=DEMANDEUR_ASILE")
    expect(page.locator(".results-list > li")).to_have_count(2)
    expect(page.locator("#f-category-FRA\\.TEMPS_PLEIN")).to_have_count(1)  # sub-categories
    assert_no_violations(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_page_has_no_wcag_violations(new_page, directory, language):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    page.goto(f"/{language}/directory/map/")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.locator(".map-locations .location")).to_have_count(4)
    assert_no_violations(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_organisation_page_has_no_wcag_violations(new_page, directory, language):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    page.goto(f"/{language}/directory/organisations/sanc/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Service d'aide aux Néo-Canadiens"))
    expect(page.locator("body")).not_to_contain_text("Service en brouillon")
    assert_no_violations(page, language)


def test_ticking_a_filter_updates_the_results_and_announces_the_count(page, directory):
    page.goto("/fr/directory/")
    expect(page.locator(".results-list > li")).to_have_count(4)
    page.locator("#f-category-FRA").check()
    expect(page).to_have_url(re.compile(r"/directory/\?.*category=FRA"))
    expect(page.locator(".results-list > li")).to_have_count(2)
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^2 "))
    # The same page, updated in place: the focus stays on the box just ticked.
    expect(page.locator("#f-category-FRA")).to_be_focused()
    expect(page.locator("#f-category-FRA\\.TEMPS_PARTIEL")).to_have_count(1)


def test_map_markers_open_a_popup_that_links_to_the_organisation(page, directory):
    page.goto("/fr/directory/map/")
    # At the first zoom, the three places in Sherbrooke are one cluster; Magog's is alone.
    cluster = page.locator(".map-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_attribute("aria-label", re.compile(r": 3\."))  # "Group of places: 3. …"
    page.locator(".leaflet-marker-icon:not(.map-cluster)").first.click()
    popup = page.locator(".map-popup")
    expect(popup).to_be_visible()
    expect(popup.locator("a").first).to_have_attribute("href", "/fr/directory/organisations/cegep/")
    expect(popup).to_contain_text("Francisation du soir")


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("path", ["/fr/directory/", "/fr/directory/map/"])
def test_on_a_phone_the_count_and_first_results_come_before_the_filters(new_page, directory, path):
    page = new_page(viewport=PHONE)
    page.goto(path)

    toggle = page.locator(".facets-panel > summary")
    expect(toggle).to_be_visible()
    expect(page.locator(".facets-panel")).not_to_have_attribute("open", "")
    expect(page.locator("#f-category-FRA")).to_be_hidden()
    expect(page.locator("#search-status")).to_have_text("4 services trouvés")
    expect(page.locator("#search-status")).to_be_in_viewport(ratio=1)
    if path == "/fr/directory/":
        first = page.locator(".results-list > li").first
        expect(first.get_by_role("heading", level=3)).to_be_in_viewport(ratio=1)
        expect(first.locator(".result-card__organisation")).to_be_in_viewport()


def test_on_a_phone_the_filters_open_from_the_keyboard_and_apply(new_page, directory):
    page = new_page(viewport=PHONE)
    page.goto("/fr/directory/")
    toggle = page.locator(".facets-panel > summary")
    # A native disclosure: a control whose collapsed or expanded state is announced.
    node = accessibility_node(page, "Affiner les résultats")
    assert node["focusable"] is True and node["expanded"] is False, node

    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".facets-panel")).to_have_attribute("open", "")
    assert accessibility_node(page, "Affiner les résultats")["expanded"] is True
    page.locator("#f-category-FRA").focus()
    page.keyboard.press("Space")
    expect(page.locator("#search-status")).to_have_text("2 services trouvés")
    page.get_by_role("button", name="Appliquer les filtres").click()

    # Applied: the filters close, the focus stays on their summary, which counts the choice.
    expect(page.locator(".facets-panel")).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_text("Affiner les résultats (1 choix)")
    expect(page).to_have_url(re.compile(r"category=FRA"))
    expect(page.locator(".results-list > li")).to_have_count(2)
    expect(page.locator(".results-list > li").first).to_be_in_viewport()


def test_on_a_phone_without_javascript_the_filters_open_and_apply(new_page, directory):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/fr/directory/")
    page.locator(".facets-panel > summary").click()
    page.locator("#f-category-FRA").check()
    page.get_by_role("button", name="Appliquer les filtres").click()

    expect(page).to_have_url(re.compile(r"category=FRA"))
    expect(page.locator("#search-status")).to_have_text("2 services trouvés")
    expect(page.locator(".facets-panel > summary")).to_have_text("Affiner les résultats (1 choix)")
    expect(page.locator("#f-category-FRA")).to_be_hidden()


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_wide_screen_the_filters_stay_beside_the_results(new_page, directory, javascript):
    page = new_page(viewport=DESKTOP, java_script_enabled=javascript)
    page.goto("/fr/directory/")

    expect(page.locator(".facets-panel > summary")).to_be_hidden()
    expect(page.locator("#f-category-FRA")).to_be_visible()
    facets = page.locator("#search-facets").bounding_box()
    results = page.locator(".directory__results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]  # side by side, filters first


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_on_a_phone_has_no_wcag_violations_filters_closed_or_open(
    new_page, directory, language
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA", viewport=PHONE)
    page.goto(f"/{language}/directory/?category=FRA")
    assert_no_violations(page, language)
    page.locator(".facets-panel > summary").click()
    expect(page.locator("#f-category-FRA")).to_be_visible()
    assert_no_violations(page, language)
