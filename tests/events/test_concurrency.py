"""Places under real concurrent transactions on PostgreSQL: one outcome, a clear message, no 500.

Each worker (``tests/directory/concurrency.py``) pauses right after its first
row lock, so that without the occurrence's lock both would count one free
place and both take it.
"""

import pytest

from django.core.exceptions import ValidationError

from events import services
from events.models import Registration, RegistrationState
from tests.directory.concurrency import Worker, run_together, run_while_paused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_LOCK = r"FOR (NO KEY )?UPDATE"


def test_two_people_taking_the_last_seat_at_once_get_one_seat_and_one_waitlist_place(
    event_make,
):
    occurrence = event_make(capacity=1).occurrences.get()
    people = [UserFactory(), UserFactory()]

    workers = run_together(
        *(
            Worker(
                lambda person=person: services.registration_create(
                    occurrence=occurrence, user=person
                ),
                pause_after=FIRST_LOCK,
            )
            for person in people
        )
    )

    assert all(worker.error is None for worker in workers)
    states = sorted(Registration.objects.values_list("state", flat=True))
    assert states == [RegistrationState.CONFIRMED, RegistrationState.WAITLISTED]


def test_a_cancellation_racing_a_new_registration_gives_the_freed_seat_to_the_waitlist(
    event_make,
):
    occurrence = event_make(capacity=1).occurrences.get()
    holder, waiting, newcomer = UserFactory(), UserFactory(), UserFactory()
    held = services.registration_create(occurrence=occurrence, user=holder)
    services.registration_create(occurrence=occurrence, user=waiting)

    cancel = Worker(
        lambda: services.registration_cancel(registration=held, by=holder),
        pause_after=FIRST_LOCK,
    )
    late = Worker(lambda: services.registration_create(occurrence=occurrence, user=newcomer))
    run_while_paused(cancel, late)

    assert cancel.error is None and late.error is None
    states = dict(Registration.objects.values_list("user_id", "state"))
    assert states == {
        holder.pk: RegistrationState.CANCELLED,
        waiting.pk: RegistrationState.CONFIRMED,
        newcomer.pk: RegistrationState.WAITLISTED,
    }


def test_the_same_member_registering_twice_at_once_gets_one_registration_and_a_clear_error(
    event_make,
):
    occurrence = event_make().occurrences.get()
    member = UserFactory()
    workers = run_together(
        *(
            Worker(
                lambda: services.registration_create(occurrence=occurrence, user=member),
                pause_after=FIRST_LOCK,
            )
            for _ in range(2)
        )
    )
    errors = [worker.error for worker in workers if worker.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert Registration.objects.count() == 1
