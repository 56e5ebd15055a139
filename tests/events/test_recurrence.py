"""Series: local wall time across daylight-saving changes, rules, excluded dates, the sync."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from django.core.exceptions import ValidationError
from django.utils import timezone

from events import recurrence, services, tasks
from events.models import Event, Occurrence, Registration

from .conftest import local

UTC = ZoneInfo("UTC")


def series(**fields) -> Event:
    start = fields.pop("start", local(2027, 1, 12, 19))
    return Event(start=start, end=start + timedelta(hours=2), **fields)


def test_monthly_second_tuesday_keeps_19h_local_across_both_daylight_saving_changes():
    event = series(rrule=recurrence.rrule_normalise("FREQ=MONTHLY;BYDAY=2TU;COUNT=12"))
    starts = recurrence.expand(event)

    assert [s.astimezone(ZoneInfo("America/Toronto")).strftime("%d %H:%M") for s in starts] == [
        "12 19:00", "09 19:00", "09 19:00", "13 19:00", "11 19:00", "08 19:00",
        "13 19:00", "10 19:00", "14 19:00", "12 19:00", "09 19:00", "14 19:00",
    ]  # fmt: skip
    # Winter 00:00 UTC, summer 23:00 UTC: the offset follows the date, the wall time stays.
    utc_hours = [s.astimezone(UTC).hour for s in starts]
    assert utc_hours == [0, 0, 0, 23, 23, 23, 23, 23, 23, 23, 0, 0]  # 14 March, 7 November


def test_weekly_series_end_stays_21h_on_the_day_after_the_spring_change():
    event = series(
        start=local(2027, 3, 8, 19),
        rrule=recurrence.rrule_normalise("FREQ=WEEKLY;COUNT=2"),
    )
    second = recurrence.expand(event)[1]  # Monday 15 March, after the change of the 14th
    end = recurrence.occurrence_end(event, second)
    assert (second.hour, end.hour) == (19, 21)
    assert end - second == timedelta(hours=2)


def test_until_is_stored_in_utc_and_includes_its_local_day():
    rule = recurrence.rrule_normalise("freq=weekly;until=20270316")
    assert rule == "FREQ=WEEKLY;UNTIL=20270317T035959Z"
    event = series(start=local(2027, 3, 2, 19), rrule=rule)
    assert [s.day for s in recurrence.expand(event)] == [2, 9, 16]


@pytest.mark.parametrize(
    "rule",
    ["FREQ=HOURLY", "FREQ=WEEKLY;COUNT=0", "FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "BYDAY=MO",
     "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;DTSTART=20270101"],
)  # fmt: skip
def test_a_bad_rule_is_refused_with_a_message(rule):
    with pytest.raises(ValidationError):
        recurrence.rrule_normalise(rule)


def test_excluded_dates_are_skipped():
    event = series(
        rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=3",
        exdates=[local(2027, 2, 9, 19).isoformat()],
    )
    assert [s.month for s in recurrence.expand(event)] == [1, 3]


def test_sync_materialises_once_and_is_idempotent(event_make):
    event = event_make(start=local(2027, 1, 12, 19), rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=6")
    assert event.occurrences.count() == 6
    report = recurrence.occurrences_sync(event)
    assert report == {"created": [], "cancelled": [], "deleted": []}
    assert event.occurrences.count() == 6


def test_a_single_event_has_exactly_one_occurrence_that_follows_it(event_make, animator):
    event = event_make(start=local(2027, 2, 3, 9))
    services.event_update(event=event, by=animator, start=local(2027, 2, 4, 9),
                          end=local(2027, 2, 4, 12))  # fmt: skip
    occurrence = Occurrence.objects.get(event=event)
    assert occurrence.start == occurrence.recurrence_id == local(2027, 2, 4, 9)


def test_moving_and_cancelling_one_occurrence_leaves_the_others_alone(event_make, animator):
    event = event_make(start=local(2027, 1, 12, 19), rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=4")
    first, second, third, fourth = event.occurrences.order_by("start")
    services.occurrence_update(
        occurrence=second, by=animator, start=local(2027, 2, 11, 18), end=local(2027, 2, 11, 20),
        venue="Bibliothèque Éva-Senécal", note="Déplacée au jeudi à cause de la tempête.",
    )  # fmt: skip
    services.occurrence_cancel(occurrence=third, by=animator, note="Relâche.")

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.modified and second.recurrence_id == local(2027, 2, 9, 19)
    assert second.start == local(2027, 2, 11, 18) and second.display_venue.startswith("Biblio")
    assert second.sequence > event.sequence
    assert third.cancelled and third.cancelled_at is not None
    # The sync never touches them; the others are as the rule says.
    recurrence.occurrences_sync(Event.objects.get(pk=event.pk))
    second.refresh_from_db()
    assert second.start == local(2027, 2, 11, 18)
    assert Occurrence.objects.get(pk=third.pk).cancelled
    assert [o.start for o in Occurrence.objects.filter(pk__in=[first.pk, fourth.pk])] == [
        local(2027, 1, 12, 19), local(2027, 4, 13, 19)
    ]  # fmt: skip


def test_changing_the_rule_cancels_dropped_occurrences_that_have_registrations(
    event_make, animator, member
):
    event = event_make(start=local(2027, 1, 12, 19), rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=4")
    last = event.occurrences.order_by("start").last()
    Registration.objects.create(occurrence=last, user=member)
    services.event_update(event=event, by=animator, rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=2")

    assert Occurrence.objects.filter(event=event, cancelled=False).count() == 2
    last.refresh_from_db()
    assert last.cancelled  # kept: its registrant is told
    assert not Occurrence.objects.filter(event=event, recurrence_id=local(2027, 3, 9, 19)).exists()


def test_moving_a_series_start_moves_its_occurrences_with_their_registrations(
    event_make, animator, member
):
    event = event_make(start=local(2027, 1, 12, 19), rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=3")
    second = event.occurrences.order_by("start")[1]
    registration = Registration.objects.create(occurrence=second, user=member)
    services.event_update(
        event=event, by=animator, start=local(2027, 1, 12, 18, 30), end=local(2027, 1, 12, 20, 30)
    )
    registration.refresh_from_db()
    assert registration.occurrence.start == local(2027, 2, 9, 18, 30)
    assert event.occurrences.count() == 3
    assert Event.objects.get(pk=event.pk).sequence > 0


def test_the_daily_job_extends_series_as_the_horizon_moves(event_make, settings):
    settings.EVENTS_HORIZON_DAYS = 60
    event = event_make(start=timezone.now() + timedelta(days=1), rrule="FREQ=WEEKLY")
    count = event.occurrences.count()
    assert 8 <= count <= 10
    settings.EVENTS_HORIZON_DAYS = 120
    assert tasks.occurrences_extend.call() == event.occurrences.count() - count > 0


def test_an_all_day_event_runs_from_local_midnight_to_the_midnight_after_its_last_day(
    event_make,
):
    event = event_make(all_day=True, start=local(2027, 3, 13, 10), end=local(2027, 3, 14, 16))
    assert (event.start, event.end) == (local(2027, 3, 13), local(2027, 3, 15))
    assert event.occurrences.get().end == local(2027, 3, 15)


def test_a_bad_rule_in_an_edit_changes_nothing(event_make, animator):
    event = event_make(start=local(2027, 1, 12, 19), rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=3")
    with pytest.raises(ValidationError):
        services.event_update(event=event, by=animator, rrule="FREQ=SECONDLY", title="Autre")
    event = Event.objects.get(pk=event.pk)
    assert (event.rrule, event.title, event.sequence) == (
        "FREQ=MONTHLY;BYDAY=2TU;COUNT=3", "Atelier : accueillir en région", 0
    )  # fmt: skip
    assert event.occurrences.count() == 3


@pytest.mark.parametrize(
    ("rule", "french", "english"),
    [
        ("FREQ=MONTHLY;BYDAY=2TU;COUNT=10", "Chaque mois, le deuxième mardi (10 dates)",
         "Every month, on the second Tuesday (10 dates)"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Chaque mois, le dernier vendredi",
         "Every month, on the last Friday"),
        ("FREQ=WEEKLY;INTERVAL=2;UNTIL=20270630T035959Z",
         "Une semaine sur deux, le mardi, jusqu’au 29 juin 2027",
         "Every other week, on Tuesday, until 29 June 2027"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=1MO", "Se répète à plusieurs dates",
         "Repeats on several dates"),
    ],
)  # fmt: skip
def test_a_series_rule_is_described_in_words_in_both_languages(rule, french, english):
    from django.utils import translation

    event = series(rrule=rule)  # starts on a Tuesday
    with translation.override("fr"):
        assert event.recurrence_text == french
    with translation.override("en"):
        assert event.recurrence_text == english
