"""Which level applies to a member in a thread, from the watches that concern it.

Pure functions over :class:`~forum.models.Watch` rows, so that one query
gives the levels of every member concerned by a thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from forum.models import Watch, WatchLevel


def effective_level(thread_level: int | None, container_levels: Iterable[int]) -> int:
    """A thread's own level wins; otherwise the strongest container level.

    Containers are the thread's category or group and its tags. Watching or
    tracking anywhere beats a mute elsewhere (watching the tag "logement"
    reaches a thread of a muted category); a mute applies when nothing else
    watches or tracks.
    """
    if thread_level is not None:
        return thread_level
    levels = set(container_levels)
    for level in (WatchLevel.WATCHING, WatchLevel.TRACKING, WatchLevel.MUTED):
        if level in levels:
            return level
    return WatchLevel.NORMAL


def thread_watches_q(thread) -> Q:
    """The watches that concern ``thread``: its own, its space's and its tags'."""
    q = Q(thread=thread)
    if thread.category_id:
        q |= Q(category_id=thread.category_id)
    if thread.group_id:
        q |= Q(group_id=thread.group_id)
    q |= Q(tag__in=thread.tags.all())
    return q


def thread_levels(thread, *, users=None) -> dict[int, int]:
    """``{user id: effective level}`` for every member with a watch that concerns ``thread``.

    Members absent from the result are at the normal level. ``users``
    restricts the query to some members.
    """
    watches = Watch.objects.filter(thread_watches_q(thread))
    if users is not None:
        watches = watches.filter(user__in=users)
    own: dict[int, int] = {}
    containers: dict[int, list[int]] = defaultdict(list)
    for user_id, thread_id, level in watches.values_list("user_id", "thread_id", "level"):
        if thread_id is not None:
            own[user_id] = level
        else:
            containers[user_id].append(level)
    return {
        user_id: effective_level(own.get(user_id), containers.get(user_id, ()))
        for user_id in own.keys() | containers.keys()
    }


def level_of(user, thread) -> int:
    return thread_levels(thread, users=[user]).get(user.pk, WatchLevel.NORMAL)
