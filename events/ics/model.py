"""What the iCalendar builder needs to know about an event, independent of the database.

The builder (``events/ics/build.py``) is a pure function of these values;
``events/ics/adapt.py`` makes them from the models with the access rules
already applied (which occurrences, whether the meeting link is included).
Times are aware ``datetime`` values, or ``date`` values for all-day events
(``end`` then exclusive, as RFC 5545 wants): a naive datetime is refused,
since a floating time means "whatever zone the reader is in".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

CONFIRMED = "CONFIRMED"
TENTATIVE = "TENTATIVE"
CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""
    partstat: str = "NEEDS-ACTION"
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class Instance:
    """One occurrence of a series that differs from its rule (RECURRENCE-ID override).

    ``recurrence_id`` is the occurrence's original start, as the rule gives
    it; ``None`` fields repeat the series' value.
    """

    recurrence_id: datetime | date
    start: datetime | date
    end: datetime | date
    last_modified: datetime
    sequence: int = 0
    status: str = CONFIRMED
    summary: str | None = None
    description: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Item:
    """One VEVENT: a single event or a series (``rrule``) with its exceptions.

    ``uid`` is stable forever and unique per series. ``last_modified`` (aware)
    is the last change that matters: it is DTSTAMP (LAST-MODIFIED would repeat it), so an
    unchanged event gives identical bytes. ``exdates`` are original starts of
    skipped occurrences; ``instances`` are moved, changed or cancelled ones.
    """

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    last_modified: datetime
    sequence: int = 0
    status: str = CONFIRMED
    description: str = ""
    location: str = ""
    url: str = ""
    rrule: str = ""
    exdates: tuple[datetime | date, ...] = ()
    instances: tuple[Instance, ...] = ()
    categories: tuple[str, ...] = ()
    organizer: Person | None = None
    attendees: tuple[Person, ...] = ()
    conference_url: str = ""
    language: str = ""
    extra: dict = field(default_factory=dict)
