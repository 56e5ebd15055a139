"""Reads of the recensement, each applying the access policy (``directory.manage_campaigns``).

Campaigns, invitations and answers are staff data: nobody without the
permission reads them, on any surface (admin pages, exports, e-mails).
The organisations' own view of a campaign is the private link's form.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from directory import access
from directory.models import (
    Campaign,
    CampaignAnswer,
    CampaignInvitation,
    DocumentFinding,
    Need,
)


def _require_manager(user) -> None:
    if user is None or not user.has_perm(access.MANAGE_CAMPAIGNS):
        raise PermissionDenied


def campaigns_for(*, user):
    _require_manager(user)
    return Campaign.objects.annotate(
        invited=Count("invitations", distinct=True),
        answered=Count(
            "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
        ),
    ).order_by("-starts_on", "-pk")


def campaign_get(*, user, pk: int) -> Campaign:
    _require_manager(user)
    return get_object_or_404(Campaign, pk=pk)


def campaign_progress(*, user, campaign: Campaign) -> dict:
    """What staff follow: invited, opened, answered, reminders sent, and each invitation."""
    _require_manager(user)
    invitations = list(
        campaign.invitations.select_related("organisation")
        .annotate(answer_count=Count("answers"))
        .order_by("organisation__name")
    )
    return {
        "invitations": invitations,
        "invited": sum(1 for i in invitations if i.invited_at),
        "opened": sum(1 for i in invitations if i.opened_at),
        "answered": sum(1 for i in invitations if i.answered_at),
        "reminders": sum(i.reminders_sent for i in invitations),
    }


def campaign_answers(*, user, campaign: Campaign):
    """Every answer of the campaign, with what the export shows, in a bounded number of
    queries."""
    _require_manager(user)
    return (
        CampaignAnswer.objects.filter(invitation__campaign=campaign)
        .select_related("invitation__organisation")
        .prefetch_related(
            "change_requests",
            "confirmed_services",
            Prefetch(
                "needs",
                queryset=Need.objects.select_related("category", "territory").order_by("pk"),
            ),
        )
        .order_by("invitation__organisation__name", "sequence")
    )


def invitation_get(*, user, campaign: Campaign, pk: int) -> CampaignInvitation:
    _require_manager(user)
    return get_object_or_404(campaign.invitations.select_related("organisation"), pk=pk)


def document_findings(*, user):
    _require_manager(user)
    return DocumentFinding.objects.select_related(
        "service", "service__organisation", "recorded_by"
    ).order_by("-recorded_at")
