"""The private link of a campaign invitation: a signed, expiring token, no account needed.

``signing.dumps({"i": <invitation id>, "k": <invitation.token_key>})`` with
a salt of its own and a timestamp (``TimestampSigner``): a changed character
breaks the signature (*tampered*); a token older than
``RECENSEMENT_LINK_MAX_AGE_DAYS`` or an invitation past its ``expires_at``
(the end of the campaign's period) or a closed campaign is *expired*;
renewing the invitation's ``token_key`` withdraws every link sent before.
Only the signature protects the link: the database keeps no token.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare

from directory.models import Campaign, CampaignInvitation

SALT = "directory.recensement.invitation"


class LinkError(Exception):
    """The link cannot be used. ``reason``: ``invalid`` (tampered, unknown, withdrawn) or
    ``expired`` (too old, past the campaign's period, campaign closed)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def invitation_token(invitation: CampaignInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "k": invitation.token_key}, salt=SALT)


def invitation_path(invitation: CampaignInvitation, language: str | None = None) -> str:
    """The link's path, under the language prefix (``language``, else the active one)."""
    with translation.override(language or translation.get_language() or "fr"):
        return reverse("directory:campaign_answer", kwargs={"token": invitation_token(invitation)})


def invitation_from_token(token: str) -> CampaignInvitation:
    """The invitation the link stands for; :class:`LinkError` when it cannot be used."""
    try:
        data = signing.loads(
            token,
            salt=SALT,
            max_age=timedelta(days=settings.RECENSEMENT_LINK_MAX_AGE_DAYS),
        )
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise LinkError("invalid")
    invitation = (
        CampaignInvitation.objects.select_related("campaign", "organisation")
        .filter(pk=data["i"])
        .first()
    )
    if invitation is None or not constant_time_compare(
        invitation.token_key, str(data.get("k", ""))
    ):
        raise LinkError("invalid")
    if invitation.campaign.state == Campaign.State.DRAFT:
        raise LinkError("invalid")
    if invitation.is_expired or invitation.campaign.state == Campaign.State.CLOSED:
        raise LinkError("expired")
    return invitation
