"""Writes of notifications: watching levels, reading, and e-mail preferences."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from forum.models import Notification, NotificationSettings, Watch, WatchLevel
from forum.models.notifications import WATCH_TARGETS
from forum.notifications import selectors


def _target(**targets) -> tuple[str, object]:
    given = [(name, value) for name, value in targets.items() if value is not None]
    if len(given) != 1 or given[0][0] not in WATCH_TARGETS:
        raise ValueError("Exactly one of thread, category, group or tag.")
    return given[0]


def watch_set(*, user, level: int, thread=None, category=None, group=None, tag=None) -> Watch:
    """Set ``user``'s level on one thread, category, group or tag.

    The caller has checked that the member may read the target (views use
    the forum's selectors). Two requests at once: the unique constraint keeps
    one row, and the second updates it.
    """
    name, target = _target(thread=thread, category=category, group=group, tag=tag)
    if level not in WatchLevel.values:
        raise ValidationError(gettext("Choose a level among those offered."))
    for _attempt in range(2):
        try:
            with transaction.atomic():
                watch, _ = Watch.objects.update_or_create(
                    user=user, **{name: target}, defaults={"level": level}
                )
            return watch
        except IntegrityError:
            continue  # another request created it between our read and our insert
    raise ValidationError(gettext("Your choice could not be saved. Please try again."))


def watch_default(*, user, thread, level: int) -> None:
    """Give ``user`` a level on ``thread`` unless they already chose one (authors, repliers)."""
    try:
        with transaction.atomic():
            Watch.objects.get_or_create(user=user, thread=thread, defaults={"level": level})
    except IntegrityError:
        pass  # created meanwhile: the member's own choice stays


def watches_drop_for_group(*, user, group) -> int:
    """A member who left a private group stops watching it and its threads."""
    deleted, _ = (
        Watch.objects.filter(user=user).filter(Q(group=group) | Q(thread__group=group)).delete()
    )
    return deleted


def unreadable_mark_read(*, user) -> int:
    """Mark read the member's unread notifications they may no longer read (the header's
    count then matches the centre)."""
    from forum.notifications import rights

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    readable = rights.readable(unread, user).values("pk")
    count = unread.exclude(pk__in=readable).update(read_at=timezone.now())
    if count:
        selectors.unread_refresh([user])
    return count


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the member's notifications read (all of them when ``ids`` is None); how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    count = unread.update(read_at=timezone.now())
    selectors.unread_refresh([user])
    return count


def notification_open(*, user, notification_id: int) -> Notification:
    """The member's notification, marked read (``Notification.DoesNotExist`` if not theirs)."""
    notification = Notification.objects.select_related("thread", "post", "question").get(
        pk=notification_id, recipient=user
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        selectors.unread_refresh([user])
    return notification


def notification_settings_update(
    *, user, frequency: str, include_content: bool
) -> NotificationSettings:
    """How the member receives the forum's e-mails.

    Notifications already waiting for a digest stay in it when the member
    switches to immediate e-mails (the next digest sends them), and are
    no longer e-mailed when they switch to "never".
    """
    if frequency not in NotificationSettings.Frequency.values:
        raise ValidationError({"frequency": gettext("Choose a frequency among those offered.")})
    with transaction.atomic():
        member_settings, _ = NotificationSettings.objects.select_for_update().get_or_create(
            user=user
        )
        member_settings.frequency = frequency
        member_settings.include_content = include_content
        member_settings.full_clean(exclude=["user"])
        member_settings.save()
        if frequency == NotificationSettings.Frequency.NEVER:
            Notification.objects.filter(
                recipient=user,
                email__in=[Notification.Email.DIGEST, Notification.Email.IMMEDIATE],
            ).update(email=Notification.Email.NONE)
    return member_settings
