"""The demo's events: always upcoming, a series across both daylight-saving changes with one
moved and one cancelled occurrence, a full workshop with a waiting list; loaded once."""

from datetime import timedelta

import pytest

from django.utils import timezone

from cms.demo import demo_seed
from events.models import Event, EventKind, Occurrence, Registration

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Event.objects.order_by("pk").values_list("pk", "sequence", "start")),
        list(Occurrence.objects.order_by("pk").values_list("pk", "start", "cancelled")),
        Registration.objects.count(),
    )


def test_the_demo_has_upcoming_events_of_every_kind_and_a_second_run_changes_nothing(
    reference_data,
):
    demo_seed()
    upcoming = Occurrence.objects.visible_to(None).upcoming().filter(event__state="published")
    assert {o.event.kind for o in upcoming} == set(EventKind.values)
    assert all(event.organisations.exists() for event in Event.objects.all())
    before = _snapshot()
    demo_seed()
    assert _snapshot() == before


def test_the_demo_series_crosses_both_daylight_saving_changes_at_the_same_local_time(
    reference_data,
):
    demo_seed()
    series = Event.objects.get(kind=EventKind.MEETING)
    rule_made = series.occurrences.filter(modified=False, start__gt=timezone.now())
    offsets = {o.start.astimezone(timezone.get_current_timezone()).utcoffset() for o in rule_made}
    assert offsets == {timedelta(hours=-5), timedelta(hours=-4)}
    local_times = {timezone.localtime(o.start).strftime("%H:%M") for o in rule_made}
    assert local_times == {"13:30"}
    assert series.occurrences.filter(modified=True, cancelled=False).count() == 1
    assert series.occurrences.filter(cancelled=True).count() == 1
    # Its last occurrence comes after the second change: the offsets returned to winter.
    last = series.occurrences.order_by("start").last()
    assert timezone.localtime(last.start).utcoffset() == timedelta(hours=-5)


def test_the_demo_has_a_full_workshop_with_a_waiting_list(reference_data):
    demo_seed()
    full = [
        event
        for event in Event.objects.filter(kind=EventKind.WORKSHOP, capacity__isnull=False)
        if event.occurrences.get().registrations.confirmed().count() == event.capacity
    ]
    assert len(full) == 1
    assert full[0].occurrences.get().registrations.waitlisted().count() == 2
