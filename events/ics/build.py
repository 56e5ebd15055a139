"""The iCalendar builder: values in (``events/ics/model.py``), a calendar out.

Pure functions, no database and no clock: the same events always give the
same bytes (DTSTAMP is each event's last change, never
the time of the request), which is what lets feeds be served with a strong
ETag and lets calendar clients skip unchanged feeds.

What every client needs, and where it is done here:

- one VTIMEZONE per calendar, written as yearly rules (``timezone.py``);
  every time carries ``TZID`` (local) or ``Z`` (UTC): no floating time;
- all-day events as DATE values with an exclusive DTEND;
- a series as one VEVENT with RRULE (UNTIL in UTC, or a DATE for all-day
  series), EXDATE for skipped occurrences and one VEVENT with the same UID
  and a RECURRENCE-ID per moved, changed or cancelled occurrence;
- SEQUENCE on every component, raised by the services on each change that
  matters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vDuration, vRecur, vText

from events.ics import model
from events.ics.serialise import SerialisationError, lines_check, parameter_clean, text_clean
from events.ics.timezone import vtimezone

PRODID = "-//Continuum//Événements//FR"
DEFAULT_ZONE = "America/Toronto"


def _local(value: datetime | date, zone: ZoneInfo) -> datetime | date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Floating times are not written: give an aware datetime.")
        return value.astimezone(zone)
    return value


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("Floating times are not written: give an aware datetime.")
    return value.astimezone(UTC)


def rrule_value(rule: str, start: datetime | date, zone: ZoneInfo) -> vRecur:
    """``rule`` (RRULE text, with or without ``RRULE:``) with UNTIL as RFC 5545 wants it.

    With a DATE start, UNTIL is a DATE; otherwise it is UTC. An UNTIL
    written without a zone is read in the event's zone.
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    recur = vRecur.from_ical(text)
    if "UNTIL" in recur:
        untils = []
        for until in recur["UNTIL"]:
            if isinstance(start, datetime):
                if not isinstance(until, datetime):
                    # A bare date: the whole of that local day is included.
                    until = datetime.combine(until, datetime.max.time().replace(microsecond=0))
                if until.tzinfo is None:
                    until = until.replace(tzinfo=zone)
                untils.append(until.astimezone(UTC))
            else:
                untils.append(until.date() if isinstance(until, datetime) else until)
        recur["UNTIL"] = untils
    return recur


def _times(component: Event, start, end, zone: ZoneInfo) -> None:
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise ValueError("DTSTART and DTEND must both be dates or both be times.")
    start, end = _local(start, zone), _local(end, zone)
    if end <= start:
        raise ValueError("DTEND must come after DTSTART (exclusive for all-day events).")
    component.add("dtstart", start)
    component.add("dtend", end)


def _texts(component: Event, *, summary, description, location, language) -> None:
    # LANGUAGE is left out: the calendar is French, and 1,400 components pay for it in size.
    parameters = {}
    component.add("summary", vText(text_clean(summary)), parameters=parameters)
    if description:
        component.add("description", vText(text_clean(description)), parameters=parameters)
    if location:
        component.add("location", vText(text_clean(location)))


def _person(person: model.Person, **parameters) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = parameter_clean(person.name)
    for key, value in parameters.items():
        address.params[key] = value
    return address


def vevents(item: model.Item, *, zone_name: str = DEFAULT_ZONE) -> list[Event]:
    """The VEVENT of ``item``, then one per instance (RECURRENCE-ID), in order."""
    zone = ZoneInfo(zone_name)
    stamp = _utc(item.last_modified)
    master = Event()
    master.add("uid", item.uid)
    master.add("dtstamp", stamp)
    if item.sequence:  # 0 is the default (RFC 5546: present when greater than 0)
        master.add("sequence", item.sequence)
    _times(master, item.start, item.end, zone)
    if item.rrule:
        master.add("rrule", rrule_value(item.rrule, item.start, zone))
        if item.exdates:
            master.add("exdate", [_local(value, zone) for value in sorted(item.exdates)])
    _texts(
        master,
        summary=item.summary,
        description=item.description,
        location=item.location,
        language=item.language,
    )
    if item.url:
        master.add("url", item.url)
    if item.conference_url:
        master.add("conference", item.conference_url, parameters={"VALUE": "URI"})
    if item.categories:
        master.add("categories", [text_clean(c) for c in item.categories])
    if item.status != model.CONFIRMED:  # the default; a feed of 1,000 events pays for it
        master.add("status", item.status)
    if item.status == model.CANCELLED:
        master.add("transp", "TRANSPARENT")  # OPAQUE is the default
    if item.organizer:
        master.add("organizer", _person(item.organizer))
    for attendee in item.attendees:
        master.add(
            "attendee",
            _person(attendee, ROLE=attendee.role, PARTSTAT=attendee.partstat, RSVP="FALSE"),
        )
    for key, value in sorted(item.extra.items()):
        master.add(key, value)
    components = [master]
    for instance in sorted(item.instances, key=lambda i: _sort_key(i.recurrence_id)):
        if not item.rrule:
            raise ValueError("Only a series has RECURRENCE-ID overrides.")
        override = Event()
        override.add("uid", item.uid)
        override.add("recurrence-id", _local(instance.recurrence_id, zone))
        instance_stamp = max(stamp, _utc(instance.last_modified))
        override.add("dtstamp", instance_stamp)
        if instance.sequence:
            override.add("sequence", instance.sequence)
        _times(override, instance.start, instance.end, zone)
        _texts(
            override,
            summary=item.summary if instance.summary is None else instance.summary,
            description=(
                item.description if instance.description is None else instance.description
            ),
            location=item.location if instance.location is None else instance.location,
            language=item.language,
        )
        if item.conference_url:
            override.add("conference", item.conference_url, parameters={"VALUE": "URI"})
        if instance.status != model.CONFIRMED:
            override.add("status", instance.status)
        if instance.status == model.CANCELLED:
            override.add("transp", "TRANSPARENT")
        if item.organizer:
            override.add("organizer", _person(item.organizer))
        components.append(override)
    return components


def _sort_key(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.combine(value, datetime.min.time(), tzinfo=UTC)


#: Part of every fragment's fingerprint: change it when the builder's output changes.
BUILDER_VERSION = "3"


class FragmentStore(Protocol):
    """Where :func:`feed_bytes` keeps each item's serialised VEVENTs between builds."""

    def get_many(self, keys: list[str]) -> dict[str, bytes]: ...

    def set_many(self, values: dict[str, bytes]) -> None: ...


def calendar_build(
    items: Iterable[model.Item],
    *,
    name: str = "",
    description: str = "",
    method: str = "PUBLISH",
    refresh: timedelta | None = timedelta(hours=1),
    zone_name: str = DEFAULT_ZONE,
) -> Calendar:
    """A VCALENDAR with the zone's VTIMEZONE and the items' VEVENTs, in the given order.

    ``name`` is X-WR-CALNAME (and RFC 7986's NAME); ``refresh`` is
    REFRESH-INTERVAL and X-PUBLISHED-TTL (how often clients should fetch a
    subscribed feed; ``None`` for e-mailed invitations).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", vText(text_clean(name)))
        calendar.add("name", vText(text_clean(name)))
    if description:
        calendar.add("x-wr-caldesc", vText(text_clean(description)))
    calendar.add("x-wr-timezone", zone_name)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    calendar.add_component(vtimezone(zone_name))
    for item in items:
        for component in vevents(item, zone_name=zone_name):
            calendar.add_component(component)
    return calendar


def fingerprint(item: model.Item, zone_name: str = DEFAULT_ZONE) -> str:
    """A digest of everything that makes an item's bytes (the fragment cache's key)."""
    text = f"{BUILDER_VERSION}|{zone_name}|{item!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def item_bytes(item: model.Item, *, zone_name: str = DEFAULT_ZONE) -> bytes:
    """The VEVENT of ``item`` and its overrides, serialised by icalendar."""
    return b"".join(c.to_ical() for c in vevents(item, zone_name=zone_name))


_END = b"END:VCALENDAR\r\n"


def feed_bytes(
    items: Iterable[model.Item], *, fragments: FragmentStore | None = None, **options
) -> bytes:
    """:func:`calendar_build`'s calendar as checked bytes (``serialise.lines_check``).

    With ``fragments``, each item's VEVENTs are serialised once and reused
    while the item is unchanged (keyed by :func:`fingerprint`): a feed of a
    thousand events is rebuilt in the time its changed events take. The
    bytes are the same either way.
    """
    items = list(items)
    zone_name = options.get("zone_name", DEFAULT_ZONE)
    head = calendar_build([], **options).to_ical()
    if not head.endswith(_END):  # pragma: no cover - icalendar's layout
        raise SerialisationError("Unexpected calendar layout.")
    keys = [fingerprint(item, zone_name) for item in items]
    known = fragments.get_many(sorted(set(keys))) if fragments is not None else {}
    made: dict[str, bytes] = {}
    parts = [head[: -len(_END)]]
    for key, item in zip(keys, items, strict=True):
        fragment = known.get(key) or made.get(key)
        if fragment is None:
            fragment = made[key] = item_bytes(item, zone_name=zone_name)
        parts.append(fragment)
    parts.append(_END)
    if fragments is not None and made:
        fragments.set_many(made)
    data = b"".join(parts)
    lines_check(data)
    return data


def last_change(items: Iterable[model.Item]) -> datetime | None:
    """The latest ``last_modified`` of the items and their instances (Last-Modified header)."""
    moments = [
        _utc(moment)
        for item in items
        for moment in (item.last_modified, *(i.last_modified for i in item.instances))
    ]
    return max(moments, default=None)
