"""The demo's recensement and tournée: a finished campaign, visits, needs, follow-ups."""

import pytest

from django.core.management import call_command

from directory.models import (
    Campaign,
    CampaignAnswer,
    CampaignInvitation,
    FollowUp,
    Need,
    Service,
    Visit,
)

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Campaign.objects.count(),
        CampaignInvitation.objects.count(),
        CampaignAnswer.objects.count(),
        Visit.objects.count(),
        FollowUp.objects.count(),
        Need.objects.count(),
        Service.objects.count(),
    )


def test_the_demo_has_a_finished_campaign_some_answered_some_not(reference_data):
    call_command("seed_demo")
    campaign = Campaign.objects.get()
    assert campaign.state == Campaign.State.CLOSED
    invitations = campaign.invitations.all()
    assert invitations.answered().count() >= 3
    assert invitations.unanswered().filter(opened_at__isnull=True).exists()
    assert invitations.unanswered().filter(reminders_sent__gt=0).exists()
    assert Need.objects.filter(source="survey").exists()
    assert Need.objects.filter(source="visit", visit__isnull=False).exists()
    assert FollowUp.objects.open().exists()
    texts = " ".join(Need.objects.values_list("text", flat=True))
    assert "Granby" in texts and "familles nombreuses" in texts


def test_seeding_the_demo_twice_adds_no_campaign_visit_or_need(reference_data):
    call_command("seed_demo")
    before = _counts()
    call_command("seed_demo")
    assert _counts() == before
