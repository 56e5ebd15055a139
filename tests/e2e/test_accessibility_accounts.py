"""WCAG 2.0/2.1 A and AA on the account pages, in French and English, errors included."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import axe_violations, format_violations, undescribed_errors

pytestmark = pytest.mark.e2e

LANGUAGES = ["fr", "en"]
HEADINGS = {
    "login": {"fr": "Se connecter", "en": "Sign in"},
    "signup": {"fr": "Créer un compte", "en": "Create an account"},
    "account": {"fr": "Mon compte", "en": "My account"},
}


def _assert_accessible(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_page_has_no_wcag_aa_violations(page, language):
    page.goto(f"/{language}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["login"][language])
    _assert_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_page_has_no_wcag_aa_violations(page, language):
    page.goto(f"/{language}/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["signup"][language])
    _assert_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_up_page_showing_errors_has_no_wcag_aa_violations(page, language):
    page.goto(f"/{language}/accounts/signup/")
    page.locator("#id_email").fill("not-an-address")
    page.locator("#id_password1").fill("123")
    page.locator("form.account-form button[type=submit]").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    # The summary takes the focus, and each error is tied to its field.
    expect(summary).to_be_focused()
    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", re.compile("id_email_error"))
    assert undescribed_errors(page) == []
    _assert_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_account_with_memberships_and_requests_has_no_wcag_aa_violations(page, language):
    organisation = OrganisationFactory(name="Carrefour d'accueil", name_en="Welcome Centre")
    admin = UserFactory(display_name="Élise Gagnon")
    MembershipFactory(user=admin, organisation=organisation, role="admin", state="active")
    MembershipFactory(user=admin, organisation=OrganisationFactory(), state="requested")
    MembershipFactory(
        user=admin, organisation=OrganisationFactory(), state="refused", decision_note="Non."
    )
    MembershipFactory(organisation=organisation, state="requested", message="Bonjour!")
    OrganisationFactory(name="Organisme à joindre")

    page.goto(f"/{language}/accounts/login/")
    page.locator("#id_login").fill(admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["account"][language])
    expect(page.locator(".request")).to_have_count(1)
    _assert_accessible(page, language)

    # With an error on the profile form too.
    page.locator("#id_profile-display_name").fill("")
    page.locator("#profile button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert undescribed_errors(page) == []
    _assert_accessible(page, language)
