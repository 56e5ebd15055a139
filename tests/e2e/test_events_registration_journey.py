"""Registering in Chromium: a visitor registers with name and e-mail and confirms from the
e-mail; a member registers in one click, sees the meeting link, and cancels, which gives
the place to the first person waiting."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from events.models import Registration, RegistrationState
from tests.events.conftest import animator, event_make, host  # noqa: F401  (fixtures)
from tests.factories import UserFactory

from .conftest import sign_in_with_a_session

pytestmark = pytest.mark.e2e

MEETING_LINK = "https://meet.example.org/atelier-accueil"


@pytest.fixture
def workshop(event_make):  # noqa: F811
    return event_make(
        title="Atelier : l’accueil interculturel au quotidien",
        capacity=1,
        mode="hybrid",
        online_url=MEETING_LINK,
        start=timezone.now() + timedelta(days=6),
    )


def test_a_visitor_registers_with_name_and_e_mail_and_confirms_from_the_e_mail(
    page, workshop, mailoutbox
):
    page.goto("/fr/events/")
    page.get_by_role("link", name=workshop.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    expect(page.locator("body")).not_to_contain_text(MEETING_LINK)

    page.get_by_label("Votre nom").fill("Aïcha Diallo")
    page.get_by_label("Votre adresse courriel").fill("aicha.diallo@example.org")
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.locator(".messages")).to_contain_text("aicha.diallo@example.org")

    mail = next(m for m in mailoutbox if m.to == ["aicha.diallo@example.org"])
    assert mail.subject.startswith("[Continuum] Confirmez votre inscription")
    link = re.search(r"https?://\S+/registrations/\S+/confirm/", mail.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))  # on the live server
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est confirmée")
    assert Registration.objects.get().state == RegistrationState.CONFIRMED
    confirmed = [m for m in mailoutbox if m.to == ["aicha.diallo@example.org"]][-1]
    assert MEETING_LINK in confirmed.body


def test_a_member_registers_in_one_click_sees_the_link_and_cancels_for_the_next_in_line(
    page, live_server, workshop, mailoutbox
):
    member = UserFactory(display_name="Ana Rodríguez")
    occurrence = workshop.occurrences.get()
    sign_in_with_a_session(page, live_server, member)
    page.goto(f"/fr/events/{workshop.slug}/{occurrence.pk}/")
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.locator(".messages")).to_contain_text("Vous êtes inscrit")
    expect(page.get_by_role("link", name="Rejoindre la rencontre en ligne")).to_have_attribute(
        "href", MEETING_LINK
    )

    # Someone else joins the waiting list meanwhile.
    waiting = UserFactory(display_name="Thi Lan Nguyen")
    other = page.context.browser.new_context(base_url=live_server.url, locale="fr-CA")
    other_page = other.new_page()
    sign_in_with_a_session(other_page, live_server, waiting)
    other_page.goto(f"/fr/events/{workshop.slug}/{occurrence.pk}/")
    other_page.get_by_role("button", name="M’inscrire sur la liste d’attente").click()
    expect(other_page.locator(".messages")).to_contain_text("liste d’attente")
    expect(other_page.locator("body")).not_to_contain_text(MEETING_LINK)

    page.goto("/fr/events/my/")
    expect(page.get_by_role("heading", name=workshop.title)).to_be_visible()
    page.get_by_role("button", name=re.compile("^Annuler mon inscription")).click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est annulée")

    assert Registration.objects.get(user=waiting).state == RegistrationState.CONFIRMED
    promoted = [m for m in mailoutbox if m.to == [waiting.email]][-1]
    assert "Une place s’est libérée" in promoted.subject
    other_page.reload()
    expect(other_page.get_by_role("link", name="Rejoindre la rencontre en ligne")).to_be_visible()
    other.close()
