"""The iCalendar builder's bytes, as every calendar client needs them (no database)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from events.ics import model
from events.ics.build import calendar_build, feed_bytes, rrule_value
from events.ics.serialise import SerialisationError, lines_check
from events.ics.timezone import vtimezone

TORONTO = ZoneInfo("America/Toronto")
CHANGED = datetime(2026, 1, 5, 12, 0, tzinfo=TORONTO)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TORONTO)


def monthly_series(**changes) -> model.Item:
    """The 2nd Tuesday of each month at 13:30, January to December 2026: it crosses both
    daylight-saving changes (8 March and 1 November 2026)."""
    values = {
        "uid": "cdp-2026@continuum",
        "summary": "Communauté de pratique",
        "start": at(2026, 1, 13, 13, 30),
        "end": at(2026, 1, 13, 15, 0),
        "last_modified": CHANGED,
        "rrule": "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231",
        "exdates": (at(2026, 4, 14, 13, 30),),
        "instances": (
            # March moved to the Wednesday, just after the spring change.
            model.Instance(
                recurrence_id=at(2026, 3, 10, 13, 30),
                start=at(2026, 3, 11, 14, 0),
                end=at(2026, 3, 11, 15, 30),
                last_modified=CHANGED + timedelta(days=1),
                sequence=1,
                location="Bibliothèque Éva-Senécal, Sherbrooke",
            ),
            # November cancelled, just after the autumn change.
            model.Instance(
                recurrence_id=at(2026, 11, 10, 13, 30),
                start=at(2026, 11, 10, 13, 30),
                end=at(2026, 11, 10, 15, 0),
                last_modified=CHANGED + timedelta(days=2),
                sequence=1,
                status=model.CANCELLED,
            ),
        ),
    }
    values.update(changes)
    return model.Item(**values)


def test_every_line_ends_with_crlf_and_has_at_most_75_octets():
    long_text = "Atelier « Accueillir » ; l'été, à Magog, \\ 😀🇨🇦 éàç " * 20
    data = feed_bytes([monthly_series(summary=long_text, description=long_text)], name="Ç")
    assert data.endswith(b"\r\n")
    for line in data[:-2].split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75
        line.decode("utf-8")  # no line ends inside a multi-byte character


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=400))
def test_any_text_is_folded_without_splitting_a_character_and_reads_back(text):
    item = monthly_series(summary=text, description=text, location=text, instances=())
    data = feed_bytes([item])
    lines_check(data)
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
    assert str(event["SUMMARY"]) == expected


def test_french_punctuation_and_emoji_are_escaped_and_read_back_by_both_parsers():
    summary = 'Rencontre; "accueil", intégration \\ suivi 🎉'
    description = "Ordre du jour :\n1. Bilan; 2. Projets, suite"
    data = feed_bytes([monthly_series(summary=summary, description=description)])
    assert b'SUMMARY:Rencontre\\; "accueil"\\, int\xc3\xa9gration \\\\ suivi' in data
    assert b"Ordre du jour :\\n1. Bilan\\; 2. Projets\\, suite" in data
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == summary
    assert vobject.readOne(data.decode("utf-8")).vevent.description.value == description


def test_the_feed_parses_strictly_with_icalendar_and_vobject():
    data = feed_bytes([monthly_series()], name="Continuum")
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        assert component.errors == [], component.name
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    assert len(parsed.vevent_list) == 3
    assert parsed.x_wr_calname.value == "Continuum"


def test_vtimezone_has_yearly_rules_and_no_rdate():
    block = vtimezone("America/Toronto").to_ical()
    assert b"RDATE" not in block
    assert b"DTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in block
    assert b"DTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in block
    assert b"TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400" in block
    data = feed_bytes([monthly_series()])
    assert data.count(b"BEGIN:VTIMEZONE") == 1 and b"RDATE" not in data


def test_a_zone_whose_changes_follow_no_yearly_rule_is_refused():
    with pytest.raises(ValueError):
        vtimezone("Asia/Tokyo")  # no daylight-saving time: no two transitions


def test_no_floating_times_and_until_in_utc():
    data = feed_bytes([monthly_series()])
    times = 0
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "EXDATE", "RECURRENCE-ID", "DTSTAMP", "LAST-MODIFIED"):
            values = event.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is None:
                    continue
                for moment in getattr(value, "dts", [value]):
                    assert moment.dt.tzinfo is not None, (name, moment.dt)
                    times += 1
    assert times == 12
    assert b"RRULE:FREQ=MONTHLY;UNTIL=20270101T045959Z;BYDAY=2TU" in data


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        feed_bytes([monthly_series(start=datetime(2026, 1, 13, 13, 30), instances=())])


def test_until_of_an_all_day_series_is_a_date_and_dtend_is_exclusive():
    item = model.Item(
        uid="salon@continuum",
        summary="Salon de l'emploi",
        start=date(2026, 5, 1),
        end=date(2026, 5, 3),
        last_modified=CHANGED,
        rrule="FREQ=YEARLY;UNTIL=20280501T000000Z",
    )
    data = feed_bytes([item]).decode()
    assert "DTSTART;VALUE=DATE:20260501\r\n" in data
    assert "DTEND;VALUE=DATE:20260503\r\n" in data
    assert "RRULE:FREQ=YEARLY;UNTIL=20280501\r\n" in data


def test_dtstamp_is_the_last_change_so_the_same_events_give_the_same_bytes():
    first = feed_bytes([monthly_series()], name="Continuum")
    second = feed_bytes([monthly_series()], name="Continuum")
    assert first == second
    assert b"DTSTAMP:20260105T170000Z" in first
    changed = feed_bytes([monthly_series(last_modified=CHANGED + timedelta(hours=1))])
    assert b"DTSTAMP:20260105T180000Z" in changed


def test_calendar_names_the_feed_and_its_refresh_interval():
    data = feed_bytes([], name="Continuum — ateliers", refresh=timedelta(hours=2))
    assert "X-WR-CALNAME:Continuum — ateliers\r\n".encode() in data
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT2H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT2H\r\n" in data


def test_series_expanded_like_a_client_matches_the_rule_with_its_exceptions_across_dst():
    """recurring-ical-events expands the feed as calendar clients do; compare it with the
    rule expanded by dateutil in local time, minus the skipped date, with the override."""
    data = feed_bytes([monthly_series()])
    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(
        date(2026, 1, 1), date(2027, 1, 1)
    )
    seen = sorted((e["DTSTART"].dt, str(e.get("STATUS", "CONFIRMED"))) for e in expanded)
    rule = rrulestr(
        "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231T235959",
        dtstart=at(2026, 1, 13, 13, 30).replace(tzinfo=None),
    )
    expected = []
    for start in rule:
        local = start.replace(tzinfo=TORONTO)
        if local == at(2026, 4, 14, 13, 30):
            continue
        if local == at(2026, 3, 10, 13, 30):
            local = at(2026, 3, 11, 14, 0)
        status = "CANCELLED" if local == at(2026, 11, 10, 13, 30) else "CONFIRMED"
        expected.append((local, status))
    assert seen == expected
    # Local wall time stays 13:30 on both sides of each change; the UTC hour moves.
    utc_hours = {s.astimezone(UTC).hour for s, _ in seen if s.hour == 13}
    assert utc_hours == {17, 18}


def test_rrule_until_written_without_zone_is_read_in_the_event_zone():
    value = rrule_value("RRULE:FREQ=WEEKLY;UNTIL=20260701T100000", at(2026, 6, 1, 10), TORONTO)
    assert value.to_ical() == b"FREQ=WEEKLY;UNTIL=20260701T140000Z"


def test_lines_check_refuses_bare_newlines_and_long_lines():
    with pytest.raises(SerialisationError):
        lines_check(b"BEGIN:VCALENDAR\nEND:VCALENDAR\r\n")
    with pytest.raises(SerialisationError):
        lines_check(b"X:" + b"a" * 80 + b"\r\n")
    with pytest.raises(SerialisationError):
        lines_check(b"X:\xc3\r\n \xa9\r\n")


def test_attendee_names_with_quotes_stay_one_parameter():
    item = monthly_series(
        instances=(),
        attendees=(model.Person(email="jo@example.org", name='Jo "Jojo" Tremblay, inc.'),),
    )
    data = feed_bytes([item])
    attendee = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["ATTENDEE"]
    assert attendee.params["CN"] == "Jo 'Jojo' Tremblay, inc."
    assert str(attendee) == "mailto:jo@example.org"


class DictFragments(dict):
    def get_many(self, keys):
        return {key: self[key] for key in keys if key in self}

    def set_many(self, values):
        self.update(values)


def test_cached_fragments_give_the_same_bytes_and_a_change_is_serialised_again():
    store = DictFragments()
    items = [monthly_series(), monthly_series(uid="other@continuum", instances=())]
    whole = calendar_build(items, name="C").to_ical()
    assert feed_bytes(items, name="C", fragments=store) == whole
    assert len(store) == 2
    assert feed_bytes(items, name="C", fragments=store) == whole
    changed = [monthly_series(summary="Nouveau titre"), items[1]]
    data = feed_bytes(changed, name="C", fragments=store)
    assert b"SUMMARY:Nouveau titre" in data and len(store) == 3
