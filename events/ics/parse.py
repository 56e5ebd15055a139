"""Partner feeds read for import: every event of the file, or a clear refusal.

:func:`feed_parse` reads an iCalendar file as a partner publishes it
(Google, Outlook, a WordPress plugin…) and returns plain values; it
changes nothing, and the import service applies them in one transaction.
A file that is not iCalendar, or with any event it cannot read, raises
:class:`FeedError` listing every problem in the user's language: the
import is all or nothing (DESIGN.md: bad input changes nothing).

Times:

- a TZID is read with its VTIMEZONE (icalendar resolves Olson and Windows
  names); ``Z`` times are UTC;
- floating times (no zone) are read in the feed's ``X-WR-TIMEZONE`` when it
  has one (Google Calendar's exports), else in the platform's zone;
- in a feed with ``X-WR-TIMEZONE``, a series written in UTC is moved into
  that zone before its RRULE is expanded, as Google means it: "every Tuesday
  at 14:00 UTC" from a Montréal calendar is at 9:00 in winter *and* in summer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar
from icalendar.prop import vRecur

from django.conf import settings
from django.utils.translation import gettext as _

MAX_EVENTS = 5000


class FeedError(ValueError):
    """The file cannot be imported; ``problems`` says why, one sentence each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass
class ParsedInstance:
    recurrence_id: datetime | date
    start: datetime | date
    end: datetime | date
    cancelled: bool
    summary: str
    description: str
    location: str


@dataclass
class ParsedEvent:
    """One VEVENT of a partner's feed (with its RECURRENCE-ID overrides)."""

    uid: str
    summary: str
    description: str
    location: str
    url: str
    start: datetime | date
    end: datetime | date
    cancelled: bool
    sequence: int
    rrule: str = ""
    exdates: list = field(default_factory=list)
    instances: list[ParsedInstance] = field(default_factory=list)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass
class ParsedFeed:
    name: str
    zone: str
    events: list[ParsedEvent]


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _zone_of(calendar: Calendar) -> tuple[ZoneInfo, bool]:
    """The zone for floating times, and whether the feed named it (X-WR-TIMEZONE)."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name:
        try:
            return ZoneInfo(name), True
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(settings.TIME_ZONE), False


def _moment(value, zone: ZoneInfo, named_zone: bool):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        if named_zone and value.utcoffset() == timedelta(0):
            return value.astimezone(zone)
        return value
    if isinstance(value, date):
        return value
    raise TypeError(value)


def _end(component, start, zone, named_zone):
    if component.get("DTEND") is not None:
        return _moment(component.decoded("DTEND"), zone, named_zone)
    if component.get("DURATION") is not None:
        return start + component.decoded("DURATION")
    # RFC 5545 3.6.1: a day for an all-day event, else an instant.
    return start + timedelta(days=1) if not isinstance(start, datetime) else start


def _dates(component, name: str, zone, named_zone) -> list:
    values = component.get(name)
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    return [_moment(item.dt, zone, named_zone) for value in values for item in value.dts]


def _label(index: int, component) -> str:
    summary = _text(component, "SUMMARY")
    return _("Event %(number)s (%(summary)s)") % {
        "number": index,
        "summary": summary or _text(component, "UID") or "?",
    }


def feed_parse(data: bytes) -> ParsedFeed:
    """The events of an iCalendar file; :class:`FeedError` if any part cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FeedError([_("The file is not in UTF-8, as iCalendar requires.")]) from error
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise FeedError(
            [_("The file is not an iCalendar calendar (it must begin with BEGIN:VCALENDAR).")]
        )
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise FeedError(
            [_("The file is not a valid iCalendar calendar: %(error)s") % {"error": error}]
        ) from error
    zone, named_zone = _zone_of(calendar)
    problems: list[str] = []
    masters: dict[str, ParsedEvent] = {}
    overrides: list[tuple[str, ParsedInstance]] = []
    components = list(calendar.walk("VEVENT"))
    if len(components) > MAX_EVENTS:
        raise FeedError([_("The file has more than %(count)s events.") % {"count": MAX_EVENTS}])
    for index, component in enumerate(components, start=1):
        label = _label(index, component)
        if component.errors:
            names = ", ".join(sorted({name for name, _message in component.errors}))
            problems.append(
                _("%(event)s: unreadable %(fields)s.") % {"event": label, "fields": names}
            )
            continue
        uid = _text(component, "UID")
        if not uid:
            problems.append(_("%(event)s: no UID.") % {"event": label})
            continue
        if component.get("DTSTART") is None:
            problems.append(_("%(event)s: no start (DTSTART).") % {"event": label})
            continue
        try:
            start = _moment(component.decoded("DTSTART"), zone, named_zone)
            end = _end(component, start, zone, named_zone)
            if isinstance(start, datetime) != isinstance(end, datetime) or end < start:
                raise ValueError
        except (ValueError, TypeError, KeyError):
            problems.append(_("%(event)s: its end comes before its start.") % {"event": label})
            continue
        status = _text(component, "STATUS").upper()
        summary = _text(component, "SUMMARY")
        description = _text(component, "DESCRIPTION")
        location = _text(component, "LOCATION")
        if component.get("RECURRENCE-ID") is not None:
            recurrence_id = _moment(component.decoded("RECURRENCE-ID"), zone, named_zone)
            overrides.append(
                (
                    uid,
                    ParsedInstance(
                        recurrence_id=recurrence_id,
                        start=start,
                        end=end,
                        cancelled=status == "CANCELLED",
                        summary=summary,
                        description=description,
                        location=location,
                    ),
                )
            )
            continue
        if uid in masters:
            problems.append(
                _("%(event)s: the UID %(uid)s is used twice.") % {"event": label, "uid": uid}
            )
            continue
        rrule = ""
        if component.get("RRULE") is not None:
            rrule = _rrule_text(component.get("RRULE"), start)
        try:
            sequence = int(component.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            sequence = 0
        masters[uid] = ParsedEvent(
            uid=uid,
            summary=summary,
            description=description,
            location=location,
            url=_text(component, "URL"),
            start=start,
            end=end,
            cancelled=status == "CANCELLED",
            sequence=sequence,
            rrule=rrule,
            exdates=_dates(component, "EXDATE", zone, named_zone) if rrule else [],
        )
    for uid, instance in overrides:
        if uid in masters and masters[uid].rrule:
            masters[uid].instances.append(instance)
        # An override whose series is not in the feed is an occurrence the partner
        # invited somebody to: it is not one of the feed's public events.
    if problems:
        raise FeedError(problems)
    name = _text(calendar, "X-WR-CALNAME") or _text(calendar, "NAME")
    return ParsedFeed(name=name, zone=zone.key, events=list(masters.values()))


def _rrule_text(recur: vRecur, start) -> str:
    """The rule as text, with UNTIL in UTC (or a DATE for an all-day series)."""
    recur = vRecur(recur)
    if "UNTIL" in recur and isinstance(start, datetime):
        untils = []
        for until in recur["UNTIL"]:
            if not isinstance(until, datetime):
                until = datetime.combine(until, datetime.max.time().replace(microsecond=0))
            if until.tzinfo is None:
                until = until.replace(tzinfo=start.tzinfo)
            untils.append(until.astimezone(UTC))
        recur["UNTIL"] = untils
    return recur.to_ical().decode()
