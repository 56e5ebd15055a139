"""The recensement's staff pages in the Wagtail admin, as the Animation role uses them."""

from __future__ import annotations

import csv
import io

import pytest

from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from directory import access
from directory.models import Campaign, CampaignInvitation, DocumentFinding, Service
from tests.factories import OrganisationFactory, UserFactory

from .recensement_helpers import campaign_make, invitation_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def animator(roles, client):
    user = UserFactory(display_name="Marie-Ève Côté")
    user.groups.add(roles[access.ANIMATION.key])
    client.force_login(user)
    return user


def test_a_campaign_is_created_given_questions_opened_and_organisations_invited(
    client, animator, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    response = client.post(
        "/admin/recensement/new/",
        {
            "title": "Recensement 2027",
            "starts_on": today.isoformat(),
            "ends_on": (today + timezone.timedelta(days=30)).isoformat(),
            "reminder_interval_days": "7",
            "max_reminders": "2",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.created_by == animator
    url = f"/admin/recensement/{campaign.pk}/"
    client.post(
        url,
        {
            "action": "question",
            "kind": "choice",
            "label": "À quelle fréquence?",
            "choices_text": "Souvent | Often\nRarement | Rarely",
        },
    )
    question = campaign.questions.get()
    assert question.choices == [
        {"fr": "Souvent", "en": "Often"},
        {"fr": "Rarement", "en": "Rarely"},
    ]

    invited = OrganisationFactory(email="info@cab-granby.example.org")
    # Not open yet: the invitation is refused with a message, nothing is sent.
    client.post(url, {"action": "invite", "organisations": [invited.pk]})
    assert not CampaignInvitation.objects.exists()
    client.post(url, {"action": "open"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "invite", "organisations": [invited.pk]})
    invitation = CampaignInvitation.objects.get()
    assert invitation.invited_by == animator
    assert [m.to for m in mail.outbox] == [["info@cab-granby.example.org"]]

    page = client.get(url).content.decode()
    assert escape(invited.name) in page
    assert "/fr/directory/recensement/" in page  # the link, for staff to pass on


def test_reminders_from_the_campaign_page_are_counted(
    client, animator, django_capture_on_commit_callbacks
):
    campaign = campaign_make()
    invitation = invitation_make(campaign, OrganisationFactory(email="a@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/recensement/{campaign.pk}/", {"action": "remind"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 1
    assert len(mail.outbox) == 1
    page = client.get(f"/admin/recensement/{campaign.pk}/").content.decode()
    assert "Rappels envoyés" in page


def test_the_csv_download_has_a_row_per_answer(client, animator):
    from .recensement_helpers import answer_data, link

    campaign = campaign_make()
    organisation = OrganisationFactory(name="Solidarité ethnique régionale de la Yamaska")
    invitation = invitation_make(campaign, organisation)
    client.post(link(invitation), answer_data(invitation))
    page = client.get(f"/admin/recensement/{campaign.pk}/").content.decode()
    assert "Josée Gagnon" in page and "Offrez-vous des services" in page
    response = client.get(f"/admin/recensement/{campaign.pk}/answers.csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "Solidarité ethnique régionale de la Yamaska"


def test_a_service_found_in_a_document_is_recorded_from_the_admin(client, animator):
    organisation = OrganisationFactory()
    response = client.post(
        "/admin/recensement/documents/",
        {
            "organisation": organisation.pk,
            "name": "Cuisine collective interculturelle",
            "reference": "Bulletin municipal de Magog, automne 2026",
            "document_date": "2026-09-15",
        },
    )
    assert response.status_code == 302
    finding = DocumentFinding.objects.get()
    assert finding.service.state == "pending"
    assert str(finding.document_date) == "2026-09-15"
    assert not Service.objects.visible_to(None).filter(pk=finding.service.pk).exists()


def test_a_document_without_a_reference_is_refused(client, animator):
    response = client.post(
        "/admin/recensement/documents/",
        {"organisation": OrganisationFactory().pk, "name": "Un service", "reference": ""},
    )
    assert response.status_code == 400
    assert not Service.objects.filter(name="Un service").exists()
