"""Events for the feed tests, written as the services would (sync of occurrences included)."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from events import recurrence
from events.models import Event, Occurrence

TORONTO = ZoneInfo("America/Toronto")
_numbers = itertools.count(1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TORONTO)


def event_create(*, organisations=(), **fields) -> Event:
    number = next(_numbers)
    values = {
        "kind": "meeting",
        "title": f"Communauté de pratique {number}",
        "slug": f"evenement-{number}",
        "start": at(2026, 12, 8, 19, 0),
        "end": at(2026, 12, 8, 21, 0),
        "state": "published",
        "audience": "public",
        "venue": "Salle 204, Maison des arts",
        "municipality": "Sherbrooke",
    }
    values.update(fields)
    if values.get("rrule"):
        values["rrule"] = recurrence.rrule_normalise(
            values["rrule"], all_day=values.get("all_day", False)
        )
    event = Event.objects.create(**values)
    if organisations:
        event.organisations.set(organisations)
    recurrence.occurrences_sync(event)
    return event


def occurrence_at(event: Event, start: datetime) -> Occurrence:
    return event.occurrences.get(recurrence_id=start)


def occurrence_move(occurrence: Occurrence, start: datetime, end: datetime) -> Occurrence:
    occurrence.start, occurrence.end = start, end
    occurrence.modified = True
    occurrence.sequence += 1
    occurrence.save()
    return occurrence


def occurrence_cancel(occurrence: Occurrence, when: datetime | None = None) -> Occurrence:
    occurrence.cancelled = True
    occurrence.cancelled_at = when or timezone.now()
    occurrence.sequence += 1
    occurrence.save()
    return occurrence
