"""After a committed change of events, occurrences or registrations: feeds marked stale, rebuilt.

Every ORM write of these models (``save``, ``delete``, hosts changed) is
seen here; code that writes without signals (``bulk_create``,
``QuerySet.update``) calls :func:`feeds_changed` itself. The work happens
once per transaction, after it commits (nothing when it rolls back): the
affected snapshots are marked stale at once, then one task rebuilds them.
"""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

_pending = threading.local()


def _state() -> tuple[set, set]:
    if not hasattr(_pending, "events"):
        _pending.events, _pending.users = set(), set()
    return _pending.events, _pending.users


def feeds_changed(*, event_ids=(), user_ids=()) -> None:
    """Mark the feeds of these events and members stale after commit, and rebuild them."""
    events, users = _state()
    events.update(pk for pk in event_ids if pk)
    users.update(pk for pk in user_ids if pk)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    events, users = _state()
    if not events and not users:
        return  # flushed by an earlier hook of the same transaction
    event_ids, user_ids = sorted(events), sorted(users)
    events.clear()
    users.clear()
    from events.feeds.snapshots import snapshots_mark_stale
    from events.feeds.tasks import feeds_rebuild

    keys = snapshots_mark_stale(event_ids=event_ids, user_ids=user_ids)
    if keys:
        feeds_rebuild.enqueue(keys=keys)


def _event_saved(sender, instance, **kwargs):
    feeds_changed(event_ids=[instance.pk])


def _occurrence_saved(sender, instance, **kwargs):
    feeds_changed(event_ids=[instance.event_id])


def _registration_saved(sender, instance, **kwargs):
    feeds_changed(user_ids=[instance.user_id])


def _hosts_changed(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        feeds_changed(event_ids=[instance.pk])


def _event_changed(sender, event_id, **kwargs):
    feeds_changed(event_ids=[event_id])


def connect() -> None:
    from events import signals
    from events.models import Event, Occurrence, Registration

    # Sent by the services after commit, also for writes made with QuerySet.update().
    signals.event_changed.connect(_event_changed, dispatch_uid="events.feeds.event_changed")
    for model, handler in (
        (Event, _event_saved),
        (Occurrence, _occurrence_saved),
        (Registration, _registration_saved),
    ):
        uid = f"events.feeds.{model.__name__}"
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        _hosts_changed, sender=Event.organisations.through, dispatch_uid="events.feeds.hosts"
    )
