"""Builders for the recensement's and the tournée's tests: campaigns, invitations, form data."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from directory.models import Campaign, CampaignInvitation, CampaignQuestion
from directory.recensement.forms import AnswerForm
from directory.recensement.tokens import invitation_path


def campaign_make(*, state=Campaign.State.OPEN, days_left=30, **fields) -> Campaign:
    today = timezone.localdate()
    values = {
        "title": "Recensement des services 2026",
        "title_en": "Service inventory 2026",
        "starts_on": today - timedelta(days=10),
        "ends_on": today + timedelta(days=days_left),
        "state": state,
    }
    values.update(fields)
    campaign = Campaign.objects.create(**values)
    CampaignQuestion.objects.create(
        campaign=campaign,
        position=1,
        kind=CampaignQuestion.Kind.YES_NO,
        label="Offrez-vous des services en dehors des heures de bureau?",
        label_en="Do you offer services outside office hours?",
    )
    CampaignQuestion.objects.create(
        campaign=campaign,
        position=2,
        kind=CampaignQuestion.Kind.NEEDS,
        label="Quels besoins observez-vous chez les personnes que vous accueillez?",
    )
    return campaign


def invitation_make(campaign: Campaign, organisation, **fields) -> CampaignInvitation:
    values = {
        "email": organisation.email or "direction@example.org",
        "expires_at": campaign.closes_at,
        "invited_at": timezone.now() - timedelta(days=8),
    }
    values.update(fields)
    return CampaignInvitation.objects.create(campaign=campaign, organisation=organisation, **values)


def link(invitation, language="fr") -> str:
    return invitation_path(invitation, language)


def _add(data: dict, form) -> None:
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = str(value)


def answer_data(invitation, **changes) -> dict:
    """What the answer form posts when nothing is touched, then ``changes`` (field names as
    posted, e.g. ``s12-description``)."""
    form = AnswerForm(invitation, answers_seen=invitation.answers.count())
    data: dict = {}
    _add(data, form.respondent)
    _add(data, form.organisation_form)
    _add(data, form.organisation_form.phones.management_form)
    for phone in form.organisation_form.phones.forms:
        _add(data, phone)
    for _service, decision, service_form in form.services:
        _add(data, decision)
        _add(data, service_form)
    _add(data, form.new_service)
    _add(data, form.questions)
    if form.needs is not None:
        _add(data, form.needs.management_form)
        for need in form.needs.forms:
            _add(data, need)
    data["respondent_name"] = "Josée Gagnon"
    data.update(changes)
    return data
