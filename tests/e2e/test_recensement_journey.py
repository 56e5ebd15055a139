"""An invited organisation answers the survey through its private link (Chromium).

Open the link, correct a service, add a need, send; an expired link and a
tampered one get a clear page. axe-core finds no WCAG 2.1 AA violation on
any of these pages, in French and in English.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from directory.models import CampaignAnswer, ChangeRequest, Need, Territory
from tests.directory.recensement_helpers import campaign_make, invitation_make, link
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

from .conftest import axe_violations, format_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def invited(reference_data):
    organisation = OrganisationFactory(
        name="Comité d'accueil de Lambton",
        slug="comite-accueil-lambton",
        email="accueil@lambton.example.org",
    )
    organisation.territories.set(Territory.objects.filter(code="mrc-du-granit"))
    location = LocationFactory(organisation=organisation, municipality="Lambton")
    service = ServiceFactory(
        organisation=organisation,
        name="Accueil des nouveaux résidents",
        slug="accueil-nouveaux-residents-lambton",
        description="Visite de la municipalité et trousse d'accueil.",
    )
    service.locations.set([location])
    invitation = invitation_make(campaign_make(), organisation)
    return invitation, service


def _no_violations(page):
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_organisation_opens_its_link_corrects_a_service_and_sends(new_page, invited, language):
    invitation, service = invited
    page = new_page(locale="fr-CA" if language == "fr" else "en-CA")
    page.goto(link(invitation, language))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _no_violations(page)
    invitation.refresh_from_db()
    assert invitation.opened_at is not None

    page.locator(f"#service-{service.pk} ~ details summary").click()
    page.locator(f"#id_s{service.pk}-description").fill(
        "Visite de la municipalité, trousse d'accueil et souper communautaire."
    )
    page.locator("#id_needs-0-text").fill("Un service d'interprétariat, même au téléphone.")
    page.locator("#id_respondent_name").fill("Gilles Poulin")
    page.locator("form.edit-form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/recensement/.+/merci/1/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _no_violations(page)

    answer = CampaignAnswer.objects.get()
    assert answer.respondent_name == "Gilles Poulin"
    assert answer.language == language
    assert ChangeRequest.objects.pending().get().proposed == {
        "description": "Visite de la municipalité, trousse d'accueil et souper communautaire."
    }
    assert Need.objects.get().text == "Un service d'interprétariat, même au téléphone."


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_form_sent_without_a_name_shows_the_error_and_keeps_what_was_typed(
    new_page, invited, language
):
    invitation, _service = invited
    page = new_page()
    page.goto(link(invitation, language))
    page.locator("#id_needs-0-text").fill("Transport vers Sherbrooke pour les rendez-vous.")
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_needs-0-text")).to_have_value(
        "Transport vers Sherbrooke pour les rendez-vous."
    )
    _no_violations(page)
    assert not CampaignAnswer.objects.exists()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_expired_link_gets_a_clear_page_in_both_languages(new_page, reference_data, language):
    organisation = OrganisationFactory(name="Carrefour jeunesse-emploi du Granit")
    campaign = campaign_make(
        starts_on=timezone.localdate() - timedelta(days=90),
        ends_on=timezone.localdate() - timedelta(days=30),
    )
    invitation = invitation_make(campaign, organisation)
    page = new_page()
    response = page.goto(link(invitation, language))
    assert response.status == 410
    expect(page.locator("section[lang=fr]")).to_contain_text("Ce lien a expiré")
    expect(page.locator("section[lang=en]")).to_contain_text("This link has expired")
    _no_violations(page)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_tampered_link_gets_a_clear_page_in_both_languages(new_page, invited, language):
    invitation, _service = invited
    url = link(invitation, language)
    tampered = url[:-6] + ("xxxxx/" if not url.endswith("xxxxx/") else "yyyyy/")
    page = new_page()
    response = page.goto(tampered)
    assert response.status == 404
    expect(page.locator("section[lang=fr]")).to_contain_text("Ce lien ne fonctionne pas")
    expect(page.locator("section[lang=en]")).to_contain_text("This link does not work")
    _no_violations(page)
    invitation.refresh_from_db()
    assert invitation.opened_at is None


def test_on_a_phone_without_javascript_the_form_fits_and_sends(new_page, invited):
    invitation, service = invited
    page = new_page(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page.goto(link(invitation))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(f"#service-{service.pk} ~ details summary").click()
    page.locator(f"#id_s{service.pk}-schedule").fill("Sur rendez-vous, en semaine")
    page.locator("#id_respondent_name").fill("Gilles Poulin")
    page.locator("form.edit-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/recensement/.+/merci/1/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert ChangeRequest.objects.pending().get().proposed == {
        "schedule": "Sur rendez-vous, en semaine"
    }
