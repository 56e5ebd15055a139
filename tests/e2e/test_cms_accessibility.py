"""The site's pages in Chromium: WCAG 2.1 AA (axe-core) on the home page, the news, the
toolkit and the search, in French and English, with the demo's hand-written pages."""

import pytest
from playwright.sync_api import expect

from cms.demo_pages import demo_pages_seed

from .conftest import axe_violations, format_violations

pytestmark = pytest.mark.e2e

PAGES = {
    "fr": [
        "/fr/",
        "/fr/nouvelles/",
        "/fr/nouvelles/atelier-accueillir-dans-les-mrc/",
        "/fr/trousse/",
        "/fr/trousse/accueillir/",
        "/fr/trousse/accueillir/premier-contact/",
        "/fr/ateliers/accueillir-dans-les-mrc/",
        "/fr/search/?q=accueil",
        "/fr/nous-joindre/",
    ],
    "en": [
        "/en/",
        "/en/news/",
        "/en/news/workshop-welcoming-in-the-mrcs/",
        "/en/toolkit/",
        "/en/toolkit/welcoming/",
        "/en/toolkit/welcoming/first-contact/",
        "/en/toolkit/glossaire/",
        "/en/search/?q=welcome",
        "/en/contact-us/",
    ],
}


@pytest.fixture
def demo_pages(roles, site):
    demo_pages_seed()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_sites_pages_have_no_accessibility_violations(
    new_page, live_server, demo_pages, language
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    failures = []
    for path in PAGES[language]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}\n{format_violations(violations)}")
    assert not failures, "\n\n".join(failures)


def test_the_home_page_is_usable_at_390_pixels(new_page, live_server, demo_pages):
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/fr/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.get_by_role("heading", name="Cinq chantiers").is_visible()
