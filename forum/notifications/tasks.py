"""E-mails of notifications: one task per immediate notification, and the digests.

Both decide at delivery time: the member's choices then (a kind turned off
since is not sent), and their right to read then (a member removed from a
private group receives nothing more from it: the notification is marked
dropped). Rendering and sending go through ``directory/mail.py``, whose
``mail_send`` task retries with backoff.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from django.db import transaction
from django.utils import timezone

from directory.background import periodic
from forum.models import Notification
from forum.notifications import digests, emails, rights


@task()
def notification_email_send(*, notification_id: int) -> None:
    """E-mail one notification now, if it is still due and readable (run twice: sent once)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "actor", "thread", "post", "question")
            .filter(pk=notification_id, email=Notification.Email.IMMEDIATE)
            .first()
        )
        if notification is None:
            return
        recipient = notification.recipient
        readable = notification.kind == Notification.Kind.MODERATION or rights.may_read(
            recipient, thread=notification.thread, post=notification.post
        )
        if not readable:
            notification.email = Notification.Email.DROPPED
        else:
            emails.notification_send(notification)
            notification.email = Notification.Email.SENT
            notification.emailed_at = timezone.now()
        notification.save(update_fields=["email", "emailed_at"])


@periodic(every=timedelta(hours=1))
@task()
def notification_digests_send() -> None:
    """Every hour: send the daily and weekly digests that are due (each once per period)."""
    digests.digests_send()
