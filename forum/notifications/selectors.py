"""Reads of notifications and watching levels, through the forum's reading rule."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet

from forum.models import Notification, NotificationSettings, Watch, WatchLevel
from forum.notifications import rights


def notifications_of(user) -> QuerySet:
    """The member's notifications they may still read, newest first."""
    return rights.readable(Notification.objects.filter(recipient=user), user).select_related(
        "actor", "thread", "post", "question"
    )


def _unread_key(user) -> str:
    return f"forum:unread:{user.uuid}"


def unread_count(user) -> int:
    """The header's count, on every page, without a query: kept in the cache.

    The cache (Redis in production, shared by every process; files under
    ``make run``) holds each member's exact count, written after every change
    of their notifications (:func:`unread_refresh`), at sign-in and when the
    centre is opened. Read-only and query-free, so pages cost the same number
    of queries whatever the cache holds; a member whose entry was lost (the
    cache emptied) sees no count until one of those moments. It counts rows,
    not what they point at: notifications that became unreadable are marked
    read when the member leaves a group and when the centre is opened.
    """
    if not (user and user.is_authenticated):
        return 0
    return cache.get(_unread_key(user)) or 0


def unread_store(user, count: int) -> None:
    cache.set(_unread_key(user), count, None)


def unread_refresh(users) -> None:
    """Recount these members' unread notifications once the current transaction commits."""
    users = list(users)
    if users:
        transaction.on_commit(lambda: _recount(users), robust=True)


def _recount(users) -> None:
    """One query for all of them, one write to the cache."""
    counts = dict(
        Notification.objects.filter(recipient__in=users, read_at__isnull=True)
        .values("recipient")
        .annotate(n=Count("pk"))
        .values_list("recipient", "n")
    )
    cache.set_many({_unread_key(user): counts.get(user.pk, 0) for user in users}, None)


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
