"""Reads of notifications and watching levels, through the forum's reading rule."""

from __future__ import annotations

from django.db.models import QuerySet

from forum.models import Notification, NotificationSettings, Watch, WatchLevel
from forum.notifications import rights


def notifications_of(user) -> QuerySet:
    """The member's notifications they may still read, newest first."""
    return rights.readable(Notification.objects.filter(recipient=user), user).select_related(
        "actor", "thread", "post", "question"
    )


def unread_count(user) -> int:
    """The header's count: one cheap query on every page.

    It counts rows, not what they point at, so it asks no reading rule: a
    number reveals nothing of a thread. Notifications that became unreadable
    are marked read when the member leaves a group and when the centre is
    opened (:func:`unreadable_mark_read`), so the count and the centre agree.
    """
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_readable_count(user) -> int:
    return rights.readable(
        Notification.objects.filter(recipient=user, read_at__isnull=True), user
    ).count()


def settings_for(user) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def own_level(user, **target) -> int:
    """The level the member chose on this one target (normal when none)."""
    if not (user and user.is_authenticated):
        return WatchLevel.NORMAL
    watch = Watch.objects.filter(user=user, **target).values_list("level", flat=True).first()
    return WatchLevel.NORMAL if watch is None else watch


def watches_of(user) -> QuerySet:
    """Everything the member set a level on, for their preferences page."""
    return (
        Watch.objects.filter(user=user)
        .exclude(level=WatchLevel.NORMAL)
        .select_related("thread", "category", "group", "tag")
        .order_by("-updated_at")
    )


def own_levels(user, target: str) -> dict[int, int]:
    """``{target id: level}`` of the member's own choices on one kind of target."""
    rows = Watch.objects.filter(user=user, **{f"{target}__isnull": False})
    return dict(rows.values_list(f"{target}_id", "level"))
