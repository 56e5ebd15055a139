"""The portrait in Chromium: WCAG 2.1 AA (axe-core) in French and English, public and staff
versions, usable at 390 px wide and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import Need, ServiceCategory, Territory
from tests.directory.portrait_data import S, portrait_data

from .conftest import axe_violations, format_violations, sign_in_with_a_session

pytestmark = pytest.mark.e2e

LANGUAGES = ["fr", "en"]
PUBLIC_PAGES = [
    "/{lang}/directory/portrait/?expand=FRA",
    "/{lang}/directory/portrait/gaps/",
    "/{lang}/directory/portrait/network/",
    "/{lang}/directory/portrait/suggestions/?organisation=carrefour-c",
    "/{lang}/directory/portrait/continuum/?status=REFUGIE_RPCE",
]


@pytest.fixture
def portrait(reference_data, site):
    data = portrait_data()
    Need.objects.create(
        organisation=data["B"],
        category=ServiceCategory.objects.get(code="LOG.RECHERCHE"),
        territory=Territory.objects.get(code=S),
        text="Logements pour les grandes familles",
        source="staff",
    )
    return data


def assert_no_violations(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_portrait_pages_have_no_wcag_violations(new_page, portrait, language):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    for path in PUBLIC_PAGES:
        page.goto(path.format(lang=language))
        expect(page.locator("h1")).to_be_visible()
        assert_no_violations(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_portrait_pages_have_no_wcag_violations(
    new_page, live_server, portrait, staff, language
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, staff)
    for path in [*PUBLIC_PAGES, "/{lang}/directory/portrait/needs/"]:
        page.goto(path.format(lang=language))
        expect(page.locator(".portrait__version--full")).to_be_visible()
        assert_no_violations(page, language)
    expect(page.locator(".data-table tbody tr")).to_have_count(1)


def test_the_matrix_is_usable_at_390_px_without_javascript(new_page, portrait):
    page = new_page(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page.goto("/fr/directory/portrait/")
    # The page itself does not scroll sideways: the matrix scrolls in its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_text("Filtrer par statut ou langue").click()  # a disclosure, closed at first
    page.select_option("#portrait-status", "REFUGIE_RPCE")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"/fr/directory/portrait/\?status=REFUGIE_RPCE"))
    cell = page.locator(".coverage-matrix a[href*='category=FRA&territory=sherbrooke']").first
    expect(cell).to_contain_text("3/3")
    cell.click()
    expect(page.locator(".results-list > li")).to_have_count(3)
