"""The VTIMEZONE block of the platform's zone, written as yearly rules.

icalendar's ``add_missing_timezones()`` writes transitions as long RDATE
lists; Thunderbird's parser (ical.js) reads only the first date of such a
list, and summer events then show an hour off (DESIGN.md, "Known traps").
Every calendar client reads a STANDARD and a DAYLIGHT sub-component with a
yearly RRULE ("the 2nd Sunday of March at 02:00"), which is also how the
zone's law is written.

The rules are read from the zone database (``zoneinfo``) for the current
years, checked against the next years, and anchored in 1970 as most
publishers do: the block describes the zone as it is today (Canada's rules
of 2007), which is right for every event the platform holds. A zone whose
transitions do not follow one yearly rule raises ``ValueError`` rather than
writing a block that would be wrong.
"""

from __future__ import annotations

import calendar as calendar_module
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

ANCHOR_YEAR = 1970
REFERENCE_YEAR = 2026
CHECKED_YEARS = range(REFERENCE_YEAR, REFERENCE_YEAR + 8)


def _transitions(zone: ZoneInfo, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """(instant in UTC, offset before, offset after) of each change of offset during ``year``."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=1)
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        after = (moment + step).astimezone(zone).utcoffset()
        if after != before:
            # Transitions happen on a whole minute: find it.
            low, high = moment, moment + step
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            found.append((high, before, after))
            before = after
        moment += step
    return found


def _nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> int | None:
    """Day of the month of the ``ordinal``-th ``weekday`` (-1: the last one), if any."""
    days = [
        day
        for day in range(1, calendar_module.monthrange(year, month)[1] + 1)
        if calendar_module.weekday(year, month, day) == weekday
    ]
    if ordinal > len(days):
        return None
    return days[ordinal - 1] if ordinal > 0 else days[ordinal]


_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _follows(zone: ZoneInfo, index: int, rule: tuple) -> bool:
    """Whether ``rule`` gives the ``index``-th transition of every checked year."""
    month, ordinal, weekday, wall_time, before, after = rule
    for year in CHECKED_YEARS:
        transitions = _transitions(zone, year)
        if len(transitions) != 2:
            return False
        instant, actual_before, actual_after = transitions[index]
        day = _nth_weekday(year, month, weekday, ordinal)
        if day is None:
            return False
        expected = datetime.combine(date(year, month, day), wall_time) - before
        if expected.replace(tzinfo=UTC) != instant or (actual_before, actual_after) != (
            before,
            after,
        ):
            return False
    return True


@cache
def _zone_rules(zone_name: str) -> list[tuple]:
    """(month, ordinal, weekday, wall time, offset before, offset after) of each transition."""
    zone = ZoneInfo(zone_name)
    reference = _transitions(zone, REFERENCE_YEAR)
    if len(reference) != 2:
        raise ValueError(f"{zone_name}: expected two offset changes in {REFERENCE_YEAR}.")
    rules = []
    for index, (instant, before, after) in enumerate(reference):
        wall = (instant + before).replace(tzinfo=None)
        nth = (wall.day - 1) // 7 + 1
        # "The 4th Sunday" and "the last Sunday" look alike in one year: try both.
        candidates = [
            (wall.month, ordinal, wall.weekday(), wall.time(), before, after)
            for ordinal in ([nth, -1] if nth >= 4 else [nth])
        ]
        rule = next((rule for rule in candidates if _follows(zone, index, rule)), None)
        if rule is None:
            raise ValueError(f"{zone_name}: transitions do not follow one yearly rule.")
        rules.append(rule)
    return rules


def vtimezone(zone_name: str) -> Timezone:
    """A fresh VTIMEZONE component for ``zone_name`` with one yearly RRULE per transition."""
    zone = ZoneInfo(zone_name)
    block = Timezone()
    block.add("tzid", zone_name)
    block.add("x-lic-location", zone_name)
    for month, ordinal, weekday, wall_time, before, after in _zone_rules(zone_name):
        kind = TimezoneDaylight if after > before else TimezoneStandard
        part = kind()
        day = _nth_weekday(ANCHOR_YEAR, month, weekday, ordinal)
        part.add("dtstart", datetime.combine(date(ANCHOR_YEAR, month, day), wall_time))
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        # The zone's abbreviation just after a transition of the reference year.
        day = _nth_weekday(REFERENCE_YEAR, month, weekday, ordinal)
        onset = datetime.combine(date(REFERENCE_YEAR, month, day), wall_time) - before
        part.add(
            "tzname", (onset.replace(tzinfo=UTC) + timedelta(hours=1)).astimezone(zone).tzname()
        )
        part.add(
            "rrule",
            vRecur({"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{ordinal}{_WEEKDAYS[weekday]}"}),
        )
        block.add_component(part)
    return block
