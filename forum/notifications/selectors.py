"""Reads of notifications and watching levels, through the forum's reading rule."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from forum.models import Notification, NotificationSettings, Watch, WatchLevel
from forum.notifications import rights


def notifications_of(user) -> QuerySet:
    """The member's notifications they may still read, newest first."""
    return rights.readable(Notification.objects.filter(recipient=user), user).select_related(
        "actor", "thread", "post", "question"
    )


UNREAD_CACHE_SECONDS = 300


def _unread_key(user) -> str:
    return f"forum:unread:{user.uuid}"


def unread_count(user) -> int:
    """The header's count, on every page: from the cache, else one query.

    The cache (Redis in production, shared by every process) is cleared after
    each change of the member's notifications (``unread_forget``), and lives
    five minutes at most. It counts rows, not what they point at, so it asks
    no reading rule: a number reveals nothing of a thread. Notifications that
    became unreadable are marked read when the member leaves a group and when
    the centre is opened, so the count and the centre agree.
    """
    if not (user and user.is_authenticated):
        return 0
    count = cache.get(_unread_key(user))
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(_unread_key(user), count, UNREAD_CACHE_SECONDS)
    return count


def unread_forget(users) -> None:
    """Clear the cached counts of these members, once the current transaction commits."""
    keys = [_unread_key(user) for user in users]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


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


def thread_extras(user, thread) -> dict:
    """What the thread page adds for notifications and polls, in one query: the member's
    own level on the thread and whether it has polls (the thread page's query budget)."""
    from django.db.models import Exists, IntegerField, OuterRef, Subquery, Value

    from forum.models import Poll, Thread

    signed_in = bool(user and user.is_authenticated)
    level = (
        Subquery(Watch.objects.filter(user=user, thread=OuterRef("pk")).values("level")[:1])
        if signed_in
        else Value(None, output_field=IntegerField())
    )
    row = (
        Thread.objects.filter(pk=thread.pk)
        .annotate(
            extra_has_polls=Exists(Poll.objects.filter(thread=OuterRef("pk"))),
            extra_level=level,
        )
        .values_list("extra_has_polls", "extra_level")
        .first()
    )
    has_polls, own = row if row else (False, None)
    return {"has_polls": has_polls, "level": WatchLevel.NORMAL if own is None else own}
