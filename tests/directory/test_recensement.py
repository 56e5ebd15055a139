"""Recensement: the private link, the answer and its validation, reminders, exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from directory.editing import services as editing
from directory.editing.review import change_request_review
from directory.models import (
    Campaign,
    CampaignAnswer,
    ChangeRequest,
    Need,
    PublicationState,
    RecordSource,
    Service,
    ServiceCategory,
    Territory,
)
from directory.recensement import export, selectors, services, tasks, tokens
from tests.factories import OrganisationFactory, ServiceFactory

from .recensement_helpers import answer_data, campaign_make, invitation_make, link

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return campaign_make()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(
        name="Actions interculturelles", slug="actions-interculturelles", email="info@aide.example"
    )


@pytest.fixture
def service(organisation):
    return ServiceFactory(
        organisation=organisation,
        name="Jumelage interculturel",
        slug="jumelage-interculturel",
        description="Jumelage avec des familles d'ici.",
        verified_at=timezone.now() - timedelta(days=500),
    )


@pytest.fixture
def invitation(campaign, organisation, service):
    return invitation_make(campaign, organisation)


# --- The private link ------------------------------------------------------------------------


def test_a_token_stands_for_its_invitation(invitation):
    token = tokens.invitation_token(invitation)
    assert tokens.invitation_from_token(token) == invitation


def test_a_tampered_token_is_refused_with_a_page_in_both_languages(client, invitation):
    token = tokens.invitation_token(invitation)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.get(f"/fr/directory/recensement/{tampered}/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Ce lien ne fonctionne pas" in content
    assert "This link does not work" in content
    invitation.refresh_from_db()
    assert invitation.opened_at is None


def test_a_token_for_another_invitation_id_is_refused(invitation):
    from django.core import signing

    forged = signing.dumps({"i": invitation.pk + 1000, "k": invitation.token_key}, salt="x")
    with pytest.raises(tokens.LinkError) as error:
        tokens.invitation_from_token(forged)
    assert error.value.reason == "invalid"


def test_a_link_past_the_campaign_period_is_expired_in_both_languages(client, organisation):
    campaign = campaign_make(
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    invitation = invitation_make(campaign, organisation)
    response = client.get(link(invitation, "en"))
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    assert "This link has expired" in response.content.decode()


@override_settings(RECENSEMENT_LINK_MAX_AGE_DAYS=-1)
def test_a_token_older_than_the_maximum_age_is_expired(invitation):
    with pytest.raises(tokens.LinkError) as error:
        tokens.invitation_from_token(tokens.invitation_token(invitation))
    assert error.value.reason == "expired"


def test_a_closed_campaign_link_is_expired(client, invitation, campaign):
    campaign.state = Campaign.State.CLOSED
    campaign.save()
    assert client.get(link(invitation)).status_code == 410


def test_a_renewed_link_replaces_the_old_one(invitation, staff):
    old = tokens.invitation_token(invitation)
    services.invitation_link_renew(user=staff, invitation=invitation)
    with pytest.raises(tokens.LinkError):
        tokens.invitation_from_token(old)
    assert tokens.invitation_from_token(tokens.invitation_token(invitation)) == invitation


def test_opening_the_link_marks_the_invitation_opened_once(client, invitation):
    response = client.get(link(invitation))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    invitation.refresh_from_db()
    first = invitation.opened_at
    assert first is not None
    client.get(link(invitation))
    invitation.refresh_from_db()
    assert invitation.opened_at == first


def test_the_form_is_prefilled_with_the_current_record(client, invitation, service):
    content = client.get(link(invitation)).content.decode()
    assert "Jumelage avec des familles d&#x27;ici." in content
    assert "Actions interculturelles" in content


# --- The answer and its validation -----------------------------------------------------------


def test_a_corrected_service_becomes_a_change_request_and_the_public_record_waits(
    client, invitation, service
):
    data = answer_data(invitation, **{f"s{service.pk}-description": "Jumelage et cuisine."})
    response = client.post(link(invitation), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert service.description == "Jumelage avec des familles d'ici."
    answer = CampaignAnswer.objects.get()
    change_request = answer.change_requests.get()
    assert change_request.is_pending
    assert change_request.proposed == {"description": "Jumelage et cuisine."}
    assert change_request.submitted_by is None


def test_approving_an_answers_request_marks_the_record_verified_on_the_answer_date(
    client, invitation, service, staff
):
    data = answer_data(invitation, **{f"s{service.pk}-description": "Jumelage et cuisine."})
    client.post(link(invitation), data)
    answer = CampaignAnswer.objects.get()
    answered_at = timezone.now() - timedelta(days=3)
    CampaignAnswer.objects.filter(pk=answer.pk).update(submitted_at=answered_at)
    change_request = answer.change_requests.get()
    editing.change_request_approve(
        change_request=change_request,
        reviewer=staff,
        seen=change_request_review(change_request).fingerprint,
    )
    service.refresh_from_db()
    assert service.description == "Jumelage et cuisine."
    assert service.verified_at == answered_at
    assert service.verified_by == staff
    assert service.assured_date == timezone.localdate(answered_at)


def test_a_service_left_as_it_is_is_confirmed_verified_on_the_answer_date(
    client, invitation, service
):
    client.post(link(invitation), answer_data(invitation))
    answer = CampaignAnswer.objects.get()
    service.refresh_from_db()
    assert service.verified_at == answer.submitted_at
    assert service.assured_date == timezone.localdate(answer.submitted_at)
    assert list(answer.confirmed_services.all()) == [service]
    assert not answer.change_requests.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at == answer.submitted_at


def test_a_service_no_longer_offered_becomes_a_request_to_archive_it(client, invitation, service):
    client.post(link(invitation), answer_data(invitation, **{f"d{service.pk}-decision": "gone"}))
    change_request = CampaignAnswer.objects.get().change_requests.get()
    assert change_request.kind == ChangeRequest.Kind.ARCHIVE
    service.refresh_from_db()
    assert service.state == PublicationState.PUBLISHED


def test_a_missing_service_is_added_awaiting_verification(client, invitation, organisation):
    client.post(
        link(invitation),
        answer_data(invitation, **{"new-name": "Ateliers de francisation en soirée"}),
    )
    added = Service.objects.get(name="Ateliers de francisation en soirée")
    assert added.organisation == organisation
    assert added.state == PublicationState.PENDING
    assert added.source == RecordSource.SURVEY
    assert CampaignAnswer.objects.get().change_requests.get().kind == ChangeRequest.Kind.CREATE


def test_needs_are_recorded_with_their_category_and_territory(client, invitation, reference_data):
    category = ServiceCategory.objects.filter(parent__isnull=False).first()
    territory = Territory.objects.in_estrie().first()
    question = invitation.campaign.questions.get(position=1)
    data = answer_data(
        invitation,
        **{
            "needs-0-category": str(category.pk),
            "needs-0-territory": str(territory.pk),
            "needs-0-text": "Interprètes pour les rendez-vous médicaux",
            f"q-q{question.pk}": "yes",
        },
    )
    assert client.post(link(invitation), data).status_code == 302
    need = Need.objects.get()
    assert (need.category, need.territory, need.source) == (category, territory, "survey")
    assert need.campaign_answer.answers == {str(question.pk): "yes"}


def test_an_answer_without_a_name_is_refused_and_changes_nothing(client, invitation, service):
    data = answer_data(invitation, **{f"s{service.pk}-description": "Autre chose"})
    data["respondent_name"] = ""
    response = client.post(link(invitation), data)
    assert response.status_code == 400
    assert "Autre chose" in response.content.decode()  # what was typed is kept
    assert not CampaignAnswer.objects.exists()
    assert not ChangeRequest.objects.exists()


def test_an_answer_in_english_gets_english_messages(client, invitation):
    data = answer_data(invitation)
    data["respondent_name"] = ""
    response = client.post(link(invitation, "en"), data)
    assert "This field is required." in response.content.decode()


# --- Two tabs ----------------------------------------------------------------------------------


def test_two_tabs_changing_different_fields_keep_both_changes(client, invitation, service):
    first = answer_data(invitation, **{f"s{service.pk}-description": "Jumelage et cuisine."})
    second = answer_data(invitation, **{f"s{service.pk}-schedule": "Le samedi matin"})
    assert client.post(link(invitation), first).status_code == 302
    response = client.post(link(invitation), second, follow=True)
    assert "Both answers were kept" in response.content.decode() or "deux réponses" in (
        response.content.decode()
    )
    pending = ChangeRequest.objects.pending().get()
    assert pending.proposed == {
        "description": "Jumelage et cuisine.",
        "schedule": "Le samedi matin",
    }
    assert list(CampaignAnswer.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
    ]


def test_two_tabs_changing_the_same_field_refuse_the_second_with_a_message(
    client, invitation, service
):
    first = answer_data(invitation, **{f"s{service.pk}-description": "Version A"})
    second = answer_data(invitation, **{f"s{service.pk}-description": "Version B"})
    client.post(link(invitation), first)
    response = client.post(link(invitation), second)
    assert response.status_code == 409
    assert "Version B" in response.content.decode()
    assert CampaignAnswer.objects.count() == 1
    assert ChangeRequest.objects.pending().get().proposed == {"description": "Version A"}
    # Sending again, having read the message, replaces the other value on that field.
    proposal = ChangeRequest.objects.pending().get()
    second[f"replace_s{service.pk}"] = str(proposal.uuid)
    assert client.post(link(invitation), second).status_code == 302
    assert ChangeRequest.objects.pending().get().proposed == {"description": "Version B"}


# --- Reminders ----------------------------------------------------------------------------------


def test_a_reminder_request_sends_one_email_per_organisation_with_the_link(
    invitation, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = services.campaign_reminders_request(user=staff, campaign=invitation.campaign)
    assert count == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["info@aide.example"]
    assert "/fr/directory/recensement/" in message.body
    assert "/en/directory/recensement/" in message.body
    assert message.body.index("Bonjour") < message.body.index("Hello")
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 1


def test_a_reminder_is_sent_once_however_often_its_task_runs(
    invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_remind(invitation_id=invitation.pk, reminders_before=0)
        assert not services.invitation_remind(invitation_id=invitation.pk, reminders_before=0)
    assert len(mail.outbox) == 1


def test_an_answered_invitation_gets_no_reminder(
    client, invitation, staff, django_capture_on_commit_callbacks
):
    client.post(link(invitation), answer_data(invitation))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_reminders_request(user=staff, campaign=invitation.campaign) == 0
    assert mail.outbox == []


def test_automatic_reminders_follow_the_interval_and_the_maximum(
    invitation, campaign, django_capture_on_commit_callbacks
):
    campaign.auto_reminders = True
    campaign.reminder_interval_days = 7
    campaign.max_reminders = 2
    campaign.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.campaign_reminders_automatic.call() == 1  # invited 8 days ago
        assert tasks.campaign_reminders_automatic.call() == 0  # reminded just now
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 1
    later = timezone.now() + timedelta(days=8)
    assert services.reminders_due(later) == {invitation.pk: 1}
    invitation.reminders_sent = 2
    invitation.save()
    assert services.reminders_due(later + timedelta(days=8)) == {}
    assert len(mail.outbox) == 1


def test_campaigns_without_automatic_reminders_are_left_alone(invitation):
    assert services.reminders_due() == {}


def test_inviting_emails_each_organisation_once(
    campaign, staff, django_capture_on_commit_callbacks
):
    first = OrganisationFactory(email="a@example.org")
    second = OrganisationFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.campaign_invite(
            user=staff, campaign=campaign, organisations=[first, second]
        )
        again = services.campaign_invite(user=staff, campaign=campaign, organisations=[first])
    assert len(created) == 2 and again == []
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


# --- Exports --------------------------------------------------------------------------------------


def test_exports_list_every_answer_and_neutralise_formulas(client, invitation, staff):
    data = answer_data(invitation, **{"needs-0-text": '=HYPERLINK("x")'})
    data["respondent_name"] = "@Josée"
    client.post(link(invitation), data)
    answers = selectors.campaign_answers(user=staff, campaign=invitation.campaign)
    header, rows = export.answers_table(invitation.campaign, answers)

    text = export.answers_csv(header, rows).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Organisation"
    assert table[1][0] == "Actions interculturelles"
    assert table[1][3] == "'@Josée"
    assert "'Non classé" in table[1][header.index("Besoins")] or table[1][
        header.index("Besoins")
    ].startswith("Non classé")

    workbook = openpyxl.load_workbook(io.BytesIO(export.answers_xlsx(header, rows, title="T")))
    sheet = workbook.active
    assert sheet.cell(row=2, column=1).value == "Actions interculturelles"
    assert sheet.cell(row=2, column=4).value == "@Josée"
    assert sheet.cell(row=2, column=4).data_type == "s"


def test_an_xlsx_cell_that_looks_like_a_formula_stays_text():
    content = export.answers_xlsx(["a"], [["=1+1"]], title="T")
    cell = openpyxl.load_workbook(io.BytesIO(content)).active.cell(row=2, column=1)
    assert cell.value == "=1+1"
    assert cell.data_type == "s"


# --- Document review ------------------------------------------------------------------------------


def test_a_service_found_in_a_document_is_a_draft_awaiting_verification(
    staff, organisation, reference_data
):
    finding = services.document_finding_record(
        user=staff,
        organisation=organisation,
        name="Halte-garderie pendant la francisation",
        reference="Rapport annuel 2025, p. 12",
        document_date=timezone.localdate() - timedelta(days=90),
        territories=list(Territory.objects.filter(code="sherbrooke")),
    )
    service = finding.service
    assert service.state == PublicationState.PENDING
    assert service.source == RecordSource.DOCUMENT
    assert "Rapport annuel 2025" in service.source_notes
    assert not Service.objects.visible_to(None).filter(pk=service.pk).exists()


def test_validators_are_told_of_an_answers_request_and_find_it_in_the_queue(
    client, invitation, service, staff, django_capture_on_commit_callbacks
):
    data = answer_data(invitation, **{f"s{service.pk}-description": "Jumelage et cuisine."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link(invitation), data)
    message = next(m for m in mail.outbox if staff.email in m.to)
    assert "Une réponse à un sondage (Actions interculturelles)" in message.body
    client.force_login(staff)
    queue = client.get("/admin/directory/validation/").content.decode()
    assert "Jumelage interculturel" in queue
    assert "Josée Gagnon, dans une réponse à un sondage" in queue
    review = client.get(
        f"/admin/directory/validation/{ChangeRequest.objects.get().pk}/"
    ).content.decode()
    assert "Josée Gagnon" in review
