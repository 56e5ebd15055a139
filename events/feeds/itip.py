"""Calendar invitations in registrants' e-mails (iTIP, RFC 5546).

A registrant's calendar (Outlook, Gmail, Apple Mail, Thunderbird) adds,
updates or removes the occurrence they registered for from the
``text/calendar; method=…`` part of our e-mails:

- ``METHOD:REQUEST`` when they get a place (registered, promoted from the
  waiting list), when the occurrence changes, and with the reminder;
- ``METHOD:CANCEL`` when their registration or the occurrence is cancelled.

Each invitation of one occurrence has the same UID (``items.occurrence_uid``)
and a SEQUENCE that grows with every change of the event, the occurrence or
the registration (the sum of their counters, each of which only grows), so
that clients apply a later message over an earlier one and never the
reverse. ORGANIZER is the platform's address (``DEFAULT_FROM_EMAIL``: clients
refuse an invitation without one); ATTENDEE is the registrant. The meeting
link is in REQUESTs to confirmed registrants only.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone, translation

from events.feeds import items as feed_items
from events.ics import model
from events.ics.build import feed_bytes
from events.models import Registration, RegistrationState

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def organizer() -> model.Person:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return model.Person(email=address, name=name or settings.WAGTAIL_SITE_NAME, role="CHAIR")


def invitation_bytes(registration: Registration, method: str) -> bytes:
    """The iCalendar object of one invitation (REQUEST) or cancellation (CANCEL)."""
    occurrence = registration.occurrence
    confirmed = registration.state == RegistrationState.CONFIRMED
    partstat = "ACCEPTED" if method == REQUEST and confirmed else "DECLINED"
    attendee = model.Person(
        email=registration.address,
        name=registration.person_name,
        partstat=partstat,
    )
    moments = [
        registration.created_at,
        registration.confirmed_at,
        registration.promoted_at,
        registration.cancelled_at,
    ]
    with translation.override(feed_items.FEED_LANGUAGE):
        item = feed_items.occurrence_item(
            occurrence,
            with_meeting_link=method == REQUEST and confirmed,
            extra_sequence=registration.sequence,
            status=model.CANCELLED if method == CANCEL else model.CONFIRMED,
            last_modified=max(m for m in moments if m) if any(moments) else timezone.now(),
            organizer=organizer(),
            attendees=(attendee,),
        )
        return feed_bytes([item], method=method, refresh=None)


def calendar_part(registration: Registration, kind: str) -> tuple[str, str] | None:
    """``(content, mimetype)`` of the e-mail's iTIP part for a message of ``kind``, or None.

    REQUEST only to a confirmed registrant (a waiting-list place is not in
    anybody's calendar); CANCEL for a cancelled registration or occurrence.
    Past occurrences get none.
    """
    from events import emails

    if registration.occurrence.end < timezone.now() - timedelta(hours=1):
        return None
    if kind in emails.REQUEST_KINDS:
        if registration.state != RegistrationState.CONFIRMED:
            return None
        method = REQUEST
    elif kind in emails.CANCEL_KINDS:
        method = CANCEL
    else:
        return None
    content = invitation_bytes(registration, method).decode("utf-8")
    return content, f"text/calendar; method={method}"
