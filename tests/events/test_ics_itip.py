"""Calendar invitations (iTIP, RFC 5546) in registrants' e-mails."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from django.core import mail

from events import services
from events.models import Registration
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MEETING_LINK = "https://meet.example.org/atelier-prive-7"


def calendar_parts(message):
    """(mimetype, parsed calendar) of every text/calendar alternative, then the attachments."""
    parts = [
        (mimetype, icalendar.Calendar.from_ical(content))
        for content, mimetype in message.alternatives
        if mimetype.startswith("text/calendar")
    ]
    files = [(name, mimetype) for name, _content, mimetype in message.attachments]
    return parts, files


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def workshop(event_make):
    return event_make(title="Atelier ; « accueil », suivi", online_url=MEETING_LINK, mode="hybrid")


def register(occurrence, user, capture):
    with capture(execute=True):
        return services.registration_create(occurrence=occurrence, user=user)


def test_registration_sends_a_request_with_organizer_attendee_and_the_link(
    workshop, community_member, django_capture_on_commit_callbacks
):
    occurrence = workshop.occurrences.get()
    register(occurrence, community_member, django_capture_on_commit_callbacks)
    (message,) = sent_to(community_member.email)
    [(mimetype, calendar)], files = calendar_parts(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert files == [("invitation.ics", "application/ics")]
    assert str(calendar["METHOD"]) == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == workshop.ical_uid
    assert str(vevent["ORGANIZER"]) == "mailto:no-reply@continuum.local"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == f"mailto:{community_member.email}"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert MEETING_LINK in str(vevent["DESCRIPTION"])
    mime = message.message().as_string()
    assert 'Content-Type: text/calendar; method="REQUEST"; charset="utf-8"' in mime


def test_cancellation_sends_a_cancel_with_the_same_uid_and_a_higher_sequence(
    workshop, community_member, django_capture_on_commit_callbacks
):
    occurrence = workshop.occurrences.get()
    registration = register(occurrence, community_member, django_capture_on_commit_callbacks)
    (request,) = calendar_parts(sent_to(community_member.email)[0])[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, by=community_member)
    (cancel,) = calendar_parts(sent_to(community_member.email)[0])[0]
    assert cancel[0] == "text/calendar; method=CANCEL"
    before, after = request[1].walk("VEVENT")[0], cancel[1].walk("VEVENT")[0]
    assert str(cancel[1]["METHOD"]) == "CANCEL"
    assert str(after["UID"]) == str(before["UID"])
    assert after.get("SEQUENCE", 0) > before.get("SEQUENCE", 0)
    assert str(after["STATUS"]) == "CANCELLED"
    assert MEETING_LINK not in str(after.get("DESCRIPTION", ""))


def test_a_changed_occurrence_sends_a_new_request_with_a_higher_sequence(
    event_make, animator, community_member, django_capture_on_commit_callbacks
):
    series = event_make(
        title="Communauté de pratique",
        rrule="FREQ=WEEKLY;COUNT=4",
        online_url=MEETING_LINK,
        mode="online",
    )
    occurrence = series.occurrences.order_by("start")[1]
    register(occurrence, community_member, django_capture_on_commit_callbacks)
    (first,) = calendar_parts(sent_to(community_member.email)[0])[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_update(
            occurrence=occurrence,
            by=animator,
            start=occurrence.start + timedelta(hours=1),
            end=occurrence.end + timedelta(hours=1),
        )
    (second,) = calendar_parts(sent_to(community_member.email)[0])[0]
    assert second[0] == "text/calendar; method=REQUEST"
    before, after = first[1].walk("VEVENT")[0], second[1].walk("VEVENT")[0]
    # One occurrence of a series: its own stable UID, the same in both messages.
    assert str(after["UID"]) == str(before["UID"]) != series.ical_uid
    assert str(after["UID"]).startswith(str(series.uid))
    assert after.get("SEQUENCE", 0) > before.get("SEQUENCE", 0)
    assert after["DTSTART"].dt == before["DTSTART"].dt + timedelta(hours=1)


def test_the_waiting_list_gets_no_invitation_until_promoted(
    event_make, community_member, django_capture_on_commit_callbacks
):
    full = event_make(title="Atelier complet", capacity=1, online_url=MEETING_LINK, mode="online")
    occurrence = full.occurrences.get()
    first = UserFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(user=first, state="active")
    holder = register(occurrence, first, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    waiting = register(occurrence, community_member, django_capture_on_commit_callbacks)
    assert waiting.state == "waitlisted"
    (message,) = sent_to(community_member.email)
    assert calendar_parts(message) == ([], [])
    assert MEETING_LINK not in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=holder, by=first)
    (promoted,) = sent_to(community_member.email)
    (part,) = calendar_parts(promoted)[0]
    assert part[0] == "text/calendar; method=REQUEST"
    assert MEETING_LINK in str(part[1].walk("VEVENT")[0]["DESCRIPTION"])
    assert Registration.objects.get(pk=waiting.pk).state == "confirmed"


def test_invitations_go_through_the_queue_with_their_attachment(
    workshop, community_member, django_capture_on_commit_callbacks
):
    from directory.mail import message_from_payload, message_payload

    occurrence = workshop.occurrences.get()
    register(occurrence, community_member, django_capture_on_commit_callbacks)
    (message,) = sent_to(community_member.email)
    rebuilt = message_from_payload(message_payload(message))
    assert rebuilt.attachments == message.attachments
    assert rebuilt.alternatives == message.alternatives
