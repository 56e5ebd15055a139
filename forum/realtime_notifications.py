"""Live notifications: what ``/ws/notifications/`` sends (``forum.consumers.NotificationConsumer``).

The notifications concern (``forum/notifications/``) writes ``Notification``
rows in the transaction of their cause; its ``delivery.notify`` calls
:func:`notifications_broadcast` with the new rows' ids, which sends each to its
recipient's sockets on every process once the transaction commits. A socket
that was away, or a Redis outage, loses nothing: the socket replays the
member's notifications newer than the last id it sent (``?after=<id>``, and
after every outage), through the same reading rule as the notification
centre (``notifications_of``: a notification about a thread the member may
no longer read is never sent).

Messages: ``{"type": "notification", "id", "kind", "text", "url", "thread",
"post", "created_at", "unread"}`` and ``{"type": "unread", "unread": n}``.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import translation

from forum import realtime

#: Notifications replayed at most on connect (the centre lists the rest).
REPLAY_LIMIT = 50


def notification_message(notification, language: str) -> dict:
    from forum.notifications import texts

    with translation.override(realtime.reader_language(language)):
        return {
            "id": notification.pk,
            "kind": notification.kind,
            "text": texts.sentence(notification),
            "url": texts.link(notification),
            "thread": notification.thread_id,
            "post": notification.post_id,
            "created_at": notification.created_at.isoformat(),
        }


def notifications_after(user, after_id: int, language: str | None = None) -> list[dict]:
    """The member's readable notifications newer than ``after_id``, oldest first."""
    from forum.notifications.selectors import notifications_of

    language = language or getattr(user, "preferred_language", None)
    newest = list(notifications_of(user).filter(pk__gt=after_id).order_by("-pk")[:REPLAY_LIMIT])
    return [notification_message(n, language) for n in reversed(newest)]


def unread_count(user) -> int:
    from forum.notifications.selectors import unread_count as count

    return count(user)


def notifications_broadcast(notification_ids: list[int]) -> None:
    """Send these new notifications to their recipients' sockets after commit."""
    if notification_ids:
        transaction.on_commit(partial(_send, list(notification_ids)), robust=True)


def _send(notification_ids: list[int]) -> None:
    from forum.models import Notification
    from forum.notifications.selectors import notifications_of

    rows = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    for notification in rows.order_by("pk"):
        recipient = notification.recipient
        if not notifications_of(recipient).filter(pk=notification.pk).exists():
            continue
        message = notification_message(notification, recipient.preferred_language)
        realtime.layer_send(
            realtime.user_group(recipient.pk),
            {"type": "notification", "notification": message, "unread": unread_count(recipient)},
        )
