"""An organisation's admin edits its record; staff validate; the public sees it (Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import ChangeRequest, Organisation
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, ServiceFactory

from .conftest import (
    axe_violations,
    format_violations,
    sign_in_with_a_session,
    undescribed_errors,
)

pytestmark = pytest.mark.e2e

NEW_MISSION = "Accueillir les familles nouvellement arrivées et les accompagner vers l'emploi."


@pytest.fixture
def published_organisation(db):
    return OrganisationFactory(
        name="Carrefour d'accueil de l'Estrie",
        slug="carrefour-accueil",
        mission="Accueillir les personnes immigrantes.",
    )


@pytest.fixture
def admin_of_it(published_organisation):
    return MembershipFactory(
        organisation=published_organisation,
        role="admin",
        user__email="direction@carrefour.example.org",
        user__display_name="Nadia Haddad",
    ).user


def sign_in_through_the_login_page(page, email: str, next_url: str) -> None:
    """allauth's login page, as a person would use it (the admin's login goes through it too)."""
    page.goto(next_url)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    form = page.locator("form.account-form")
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(re.escape(next_url.split("?")[0]) + "$"))


def test_admin_edit_is_validated_by_staff_then_public(
    new_page, published_organisation, admin_of_it, staff
):
    slug = published_organisation.slug
    old_mission = published_organisation.mission

    # The organisation's admin edits the mission of its published record.
    editor = new_page()
    sign_in_through_the_login_page(editor, admin_of_it.email, f"/fr/directory/manage/{slug}/")
    editor.locator(".manage-nav a").nth(1).click()  # Profile
    editor.locator("#id_mission").fill(NEW_MISSION)
    editor.locator("form.edit-form button[type=submit]").click()

    editor.wait_for_url(re.compile(rf"/fr/directory/manage/{slug}/requests/[0-9a-f-]+/$"))
    expect(editor.locator(".messages")).to_be_visible()  # "sent for validation"
    diff = editor.locator("table.change-diff")
    expect(diff.locator(".change-diff__before")).to_contain_text(old_mission)
    expect(diff.locator(".change-diff__after")).to_contain_text(NEW_MISSION)
    change_request = ChangeRequest.objects.get()
    assert change_request.is_pending

    # The public still sees the published mission.
    public = new_page()
    public.goto(f"/fr/directory/organisations/{slug}/")
    expect(public.get_by_role("main")).to_contain_text(old_mission)
    expect(public.get_by_role("main")).not_to_contain_text(NEW_MISSION)

    # Staff, in their own browser context, find it in the validation queue and approve.
    reviewer = new_page()
    sign_in_through_the_login_page(reviewer, staff.email, "/admin/directory/validation/")
    reviewer.get_by_role("link", name=published_organisation.name).first.click()
    reviewer.wait_for_url(re.compile(rf"/admin/directory/validation/{change_request.pk}/$"))
    expect(reviewer.locator("table.directory-diff")).to_contain_text(NEW_MISSION)
    expect(reviewer.locator("table.directory-diff")).to_contain_text(old_mission)
    reviewer.locator('button[name="action"][value="approve"]').click()
    reviewer.wait_for_url(re.compile(r"/admin/directory/validation/$"))

    # The public now sees the new mission; the editor sees the decision.
    public.goto(f"/fr/directory/organisations/{slug}/")
    expect(public.get_by_role("main")).to_contain_text(NEW_MISSION)
    assert Organisation.objects.published().get(slug=slug).mission == NEW_MISSION
    editor.reload()
    expect(editor.locator(".request-status .badge--success")).to_be_visible()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_manage_page_has_no_wcag_aa_violations(
    new_page, live_server, published_organisation, admin_of_it, language
):
    ChangeRequest.objects.create(
        organisation=published_organisation,
        target_kind="organisation",
        kind="update",
        proposed={"mission": NEW_MISSION},
        previous={"mission": published_organisation.mission},
        submitted_by=admin_of_it,
    )
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, admin_of_it)

    page.goto(f"/{language}/directory/manage/{published_organisation.slug}/")

    expect(page.locator("h1")).to_have_count(1)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_edit_form_with_errors_has_no_wcag_aa_violations(
    new_page, live_server, published_organisation, admin_of_it, language
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, admin_of_it)
    page.goto(f"/{language}/directory/manage/{published_organisation.slug}/profile/")

    page.locator("#id_name").fill("")
    page.locator("#id_email").fill("pas-une-adresse")
    page.locator("#id_phones-0-extension").fill("12")
    page.locator("form.edit-form button[type=submit]").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#id_email")).to_have_value("pas-une-adresse")
    assert undescribed_errors(page) == []
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_service_form_has_no_wcag_aa_violations(
    new_page, live_server, published_organisation, admin_of_it, reference_data, language
):
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    sign_in_with_a_session(page, live_server, admin_of_it)

    page.goto(f"/{language}/directory/manage/{published_organisation.slug}/services/new/")
    page.locator("form.edit-form button[type=submit]").click()  # name is required

    # A waiting assertion: right after the click, the old page may still be the one shown.
    expect(page.locator("#form-errors")).to_be_visible()
    assert undescribed_errors(page) == []
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize(
    "path",
    [
        "/fr/directory/account/",
        "/fr/directory/manage/{slug}/",
        "/en/directory/manage/{slug}/services/",
    ],
)
def test_account_and_manage_pages_fit_a_phone_without_wcag_aa_violations(
    new_page, live_server, published_organisation, admin_of_it, path
):
    ServiceFactory(
        organisation=published_organisation,
        name="Accompagnement des personnes réfugiées prises en charge par l'État",
    )
    page = new_page(viewport={"width": 390, "height": 844})
    sign_in_with_a_session(page, live_server, admin_of_it)
    page.goto(path.format(slug=published_organisation.slug))

    expect(page.locator("h1")).to_have_count(1)
    # Reflow (WCAG 1.4.10): a wide table scrolls in its own box, the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
