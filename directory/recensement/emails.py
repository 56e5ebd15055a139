"""The campaign's e-mails: the invitation and its reminders, French first, English below.

Sent to the organisation's address (not a member's account), so rendered
here in both languages and sent through ``directory/mail.py`` (one retrying
task per message, after commit).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import formats, translation

from directory import mail
from directory.models import CampaignInvitation
from directory.recensement.tokens import invitation_path

TEMPLATES = "directory/recensement/emails/"


def invitation_message(invitation: CampaignInvitation, *, reminder: bool) -> EmailMessage:
    campaign = invitation.campaign
    parts = {}
    for language in ("fr", "en"):
        with translation.override(language):
            parts[language] = {
                "title": campaign.localized("title", language),
                "organisation": invitation.organisation.localized("name", language),
                "url": mail.absolute_url(invitation_path(invitation, language)),
                "ends_on": formats.date_format(campaign.ends_on, "DATE_FORMAT"),
                "reminder": reminder,
            }
    context = {"fr": parts["fr"], "en": parts["en"], "reminder": reminder}
    with translation.override("fr"):
        subject = render_to_string(f"{TEMPLATES}invitation_subject.txt", context)
        body = render_to_string(f"{TEMPLATES}invitation.txt", context)
    return EmailMessage(subject=mail.subject_line(subject), body=body, to=[invitation.email])


def invitation_email_send(invitation: CampaignInvitation, *, reminder: bool) -> None:
    mail.messages_send([invitation_message(invitation, reminder=reminder)])
