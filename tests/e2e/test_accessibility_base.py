import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, format_violations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["fr", "en"])
def test_home_page_has_no_wcag_aa_violations(page, site, language):
    page.goto(f"/{language}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_skip_link_is_the_first_focusable_element_and_moves_to_main(page, site):
    page.goto("/fr/")
    page.keyboard.press("Tab")
    expect(page.locator('a[href="#main"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_axe_check_reports_a_page_that_breaks_the_rules(page, live_server):
    # The checker itself must be able to fail: an image without text alternative.
    page.goto("/healthz")
    page.set_content("<html><body><main><img src='/static/img/favicon.svg'></main></body></html>")
    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "html-has-lang"} <= ids
