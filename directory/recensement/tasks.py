"""The recensement's background work: invitation e-mails, reminders, automatic reminders.

Tasks take ids and read the database again when they run. Each e-mail goes
out through ``directory/mail.py`` (its own retrying task).
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from directory.background import periodic, retrying
from directory.models import CampaignInvitation


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def invitation_send(*, invitation_id: int) -> bool:
    """E-mail an invited organisation its private link (once it is still worth it)."""
    from directory.recensement import emails

    invitation = (
        CampaignInvitation.objects.select_related("campaign", "organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.email or invitation.is_expired:
        return False
    emails.invitation_email_send(invitation, reminder=False)
    return True


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def invitation_remind(*, invitation_id: int, reminders_before: int) -> bool:
    """One reminder, sent once however often this runs (see ``services.invitation_remind``)."""
    from directory.recensement import services

    return services.invitation_remind(
        invitation_id=invitation_id, reminders_before=reminders_before
    )


@periodic(every=timedelta(hours=1))
@task()
def campaign_reminders_automatic() -> int:
    """Every hour: the automatic reminders that are due, each sent once."""
    from directory.recensement import services

    due = services.reminders_due()
    sent = 0
    for invitation_id, before in due.items():
        sent += services.invitation_remind(invitation_id=invitation_id, reminders_before=before)
    return sent
