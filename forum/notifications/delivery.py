"""Creating notifications and deciding how each is e-mailed.

Called by the receivers of the forum's signals (``receivers.py``) and by the
peers' questions, inside the transaction of their cause. Each notification
gets its e-mail mode from the member's choices when it is created:

- the kind's notice turned off (one-click unsubscribe, or *Mon compte*), the
  frequency "never", or no address: not e-mailed (still in the centre);
- frequency "immediate": one :func:`~forum.notifications.tasks.notification_email_send`
  task, enqueued after commit, which checks the right to read again;
- "daily" / "weekly": waits for the digest (``digests.py``).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from directory.members import notices
from forum import realtime_notifications
from forum.models import Notification, NotificationSettings
from forum.notifications import selectors

Kind = Notification.Kind

#: The notice (``directory/members/notices.py``) that governs e-mails of each kind.
NOTICE_OF_KIND = {
    Kind.REPLY: "forum.reply",
    Kind.MENTION: "forum.mention",
    Kind.QUOTE: "forum.quote",
    Kind.REACTION: "forum.reaction",
    Kind.ACCEPTED: "forum.accepted",
    Kind.MODERATION: "forum.moderation",
    Kind.QUESTION: "forum.question",
}
DIGEST_NOTICE = "forum.digest"


def notices_register() -> None:
    """The forum's kinds of e-mail notice, offered on every member's account page."""
    for key, label in (
        (NOTICE_OF_KIND[Kind.MENTION], _("Forum: someone mentions me")),
        (NOTICE_OF_KIND[Kind.QUOTE], _("Forum: someone quotes or answers one of my posts")),
        (NOTICE_OF_KIND[Kind.REPLY], _("Forum: new posts in what I watch")),
        (NOTICE_OF_KIND[Kind.REACTION], _("Forum: reactions to my posts")),
        (NOTICE_OF_KIND[Kind.ACCEPTED], _("Forum: my answer is accepted")),
        (NOTICE_OF_KIND[Kind.MODERATION], _("Forum: moderators' decisions about my posts")),
        (NOTICE_OF_KIND[Kind.QUESTION], _("Questions other members send me")),
        (DIGEST_NOTICE, _("Forum: the daily or weekly summary")),
    ):
        notices.register(notices.NoticeKind(key=key, label=label))


def settings_of(users) -> dict[int, NotificationSettings]:
    """Each member's settings, defaults (unsaved) for those without a row."""
    users = list(users)
    saved = {s.user_id: s for s in NotificationSettings.objects.filter(user__in=users)}
    return {u.pk: saved.get(u.pk) or NotificationSettings(user=u) for u in users}


def email_mode(user, kind: str, member_settings: NotificationSettings) -> str:
    Frequency = NotificationSettings.Frequency
    if (
        not user.email
        or not user.is_active
        or not notices.member_wants(user, NOTICE_OF_KIND[kind])
        or member_settings.frequency == Frequency.NEVER
    ):
        return Notification.Email.NONE
    if member_settings.frequency == Frequency.IMMEDIATE:
        return Notification.Email.IMMEDIATE
    if not notices.member_wants(user, DIGEST_NOTICE):
        return Notification.Email.NONE
    return Notification.Email.DIGEST


def notify(
    recipients,
    *,
    kind: str,
    actor=None,
    thread=None,
    post=None,
    question=None,
    data: dict | None = None,
) -> list[Notification]:
    """One notification of ``kind`` per recipient (the actor excluded); the new ones.

    Idempotent per (recipient, kind, post, actor): a signal delivered twice
    notifies once. E-mails of immediate members are enqueued after commit.
    """
    recipients = [r for r in recipients if actor is None or r.pk != actor.pk]
    if not recipients:
        return []
    member_settings = settings_of(recipients)
    created = []
    for recipient in recipients:
        values = {
            "recipient": recipient,
            "kind": kind,
            "actor": actor,
            "thread": thread,
            "post": post,
            "question": question,
            "data": data or {},
            "email": email_mode(recipient, kind, member_settings[recipient.pk]),
        }
        if post is not None:
            notification, new = Notification.objects.get_or_create(
                recipient=recipient, kind=kind, post=post, actor=actor, defaults=values
            )
            if not new:
                continue
        else:
            notification = Notification.objects.create(**values)
        created.append(notification)
    selectors.unread_refresh([n.recipient for n in created])
    immediate = [n.pk for n in created if n.email == Notification.Email.IMMEDIATE]
    if immediate:
        transaction.on_commit(partial(_enqueue, immediate), robust=True)
    # Open notification sockets get them live, after commit (forum/realtime_notifications.py).
    realtime_notifications.notifications_broadcast([n.pk for n in created])
    return created


def _enqueue(notification_ids: list[int]) -> None:
    from forum.notifications.tasks import notification_email_send

    with transaction.atomic():
        for notification_id in notification_ids:
            notification_email_send.enqueue(notification_id=notification_id)
