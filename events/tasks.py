"""The events' background work: registrants' e-mails, reminders, the occurrences' horizon.

Enqueued by ``events/services.py`` after commit, with ids: each task reads
the database again when it runs, so that the state of *now* decides (a
registration cancelled meanwhile is not reminded, a promotion undone is not
announced). E-mails are built by ``events.emails.registration_message`` and
sent through ``directory/mail.py`` (one retrying task per message).
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from django.db import transaction
from django.utils import timezone

from directory import mail
from directory.background import periodic, retrying
from events.feeds import tasks as feeds_tasks  # noqa: F401  (feed builds, on change and periodic)
from events.importing import tasks as importing_tasks  # noqa: F401  (partner calendars, hourly)

#: When the reminder goes: occurrences starting within this time from now.
REMINDER_AHEAD = timedelta(hours=24)


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def registration_notify(*, registration_id: int, kind: str) -> int:
    """Send one registrant the e-mail of ``kind`` (see ``events.emails.KINDS``); 0 or 1."""
    from events import emails
    from events.models import Registration

    registration = (
        Registration.objects.select_related("occurrence__event", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not emails.still_relevant(registration, kind):
        return 0
    message = emails.registration_message(registration, kind)
    if message is None:
        return 0
    mail.messages_send([message])
    return 1


@periodic(every=timedelta(hours=1))
@task()
def reminders_send() -> int:
    """Remind each confirmed registrant the day before, once (``reminded_at``).

    Every hour, the confirmed registrations of occurrences starting within
    the next 24 hours and not yet reminded are marked and their e-mails
    enqueued in the same transaction: a registration is reminded once
    however many workers run (``SKIP LOCKED`` and the mark).
    """
    from events import emails
    from events.models import EventState, Registration, RegistrationState

    now = timezone.now()
    count = 0
    with transaction.atomic():
        due = (
            Registration.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("occurrence__event", "user")
            .filter(
                state=RegistrationState.CONFIRMED,
                reminded_at__isnull=True,
                occurrence__cancelled=False,
                occurrence__event__state=EventState.PUBLISHED,
                occurrence__start__gt=now,
                occurrence__start__lte=now + REMINDER_AHEAD,
            )
        )
        messages = []
        for registration in due:
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            message = emails.registration_message(registration, "reminder")
            if message is not None:
                messages.append(message)
                count += 1
        mail.messages_send(messages)
    return count


@periodic(every=timedelta(days=1))
@task()
def occurrences_extend() -> int:
    """Materialise the series' occurrences up to the horizon, which moves every day."""
    from events import recurrence
    from events.models import Event, EventState

    created = 0
    series = Event.objects.exclude(rrule="").exclude(state=EventState.CANCELLED)
    for event_id in series.values_list("pk", flat=True):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            created += len(recurrence.occurrences_sync(event)["created"])
    return created
