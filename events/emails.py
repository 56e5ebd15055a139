"""The e-mails to registrants: one function builds each of them.

:func:`registration_message` renders the message of one kind for one
registration, in the registrant's language (the member's preferred language,
or the language the member of the public registered in). Every registrant
e-mail goes through it, so that the calendar invitation (iTIP, RFC 5546) is
attached in one place: :func:`calendar_part` returns the ``text/calendar``
part (METHOD:REQUEST or CANCEL) for a message, or None. It is the hook of
``events/ics.py``; until that module exists, messages carry no invitation.

The online meeting link is written only in messages to *confirmed*
registrants (never to the waitlist, never to a pending address).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from directory import mail
from events.models import ACTIVE_REGISTRATION_STATES, Registration, RegistrationState

#: The kinds of message, and the states of the registration in which each is still worth sending.
KINDS: dict[str, tuple[str, ...]] = {
    "confirm_email": (RegistrationState.PENDING,),
    "confirmed": (RegistrationState.CONFIRMED,),
    "waitlisted": (RegistrationState.WAITLISTED,),
    "promoted": (RegistrationState.CONFIRMED,),
    "cancelled": (RegistrationState.CANCELLED,),
    "occurrence_cancelled": ACTIVE_REGISTRATION_STATES,
    "changed": ACTIVE_REGISTRATION_STATES,
    "reminder": (RegistrationState.CONFIRMED,),
}
#: Kinds that ask the calendar to add or update the event (METHOD:REQUEST)...
REQUEST_KINDS = ("confirmed", "promoted", "changed", "reminder")
#: ... and those that ask it to remove the event (METHOD:CANCEL).
CANCEL_KINDS = ("cancelled", "occurrence_cancelled")


def still_relevant(registration: Registration, kind: str) -> bool:
    """Whether the message of ``kind`` still says the truth when its task runs."""
    return registration.state in KINDS[kind]


def recipient_language(registration: Registration) -> str:
    if registration.user_id:
        return registration.user.preferred_language or settings.LANGUAGE_CODE
    return registration.language or settings.LANGUAGE_CODE


def _subject(kind: str, title: str) -> str:
    subjects = {
        "confirm_email": gettext("Confirm your registration: %(title)s"),
        "confirmed": gettext("You are registered: %(title)s"),
        "waitlisted": gettext("You are on the waiting list: %(title)s"),
        "promoted": gettext("A place is yours: %(title)s"),
        "cancelled": gettext("Registration cancelled: %(title)s"),
        "occurrence_cancelled": gettext("Cancelled: %(title)s"),
        "changed": gettext("Changed: %(title)s"),
        "reminder": gettext("Tomorrow: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def registration_message(registration: Registration, kind: str) -> EmailMultiAlternatives | None:
    """The e-mail of ``kind`` to this registrant, with its calendar part (:func:`calendar_part`)."""
    if kind not in KINDS or not registration.address:
        return None
    occurrence = registration.occurrence
    event = occurrence.event
    with translation.override(recipient_language(registration)):
        title = occurrence.localized_title()
        token_kwargs = {"token": registration.token}
        context = {
            "kind": kind,
            "registration": registration,
            "occurrence": occurrence,
            "event": event,
            "title": title,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "event_url": mail.absolute_url(occurrence.get_absolute_url()),
            "confirm_url": mail.absolute_url(
                reverse("events:registration_confirm", kwargs=token_kwargs)
            ),
            "cancel_url": mail.absolute_url(
                reverse("events:registration_cancel", kwargs=token_kwargs)
            ),
            "my_events_url": mail.absolute_url(reverse("events:my_events")),
            # The private link, only to those who hold a place.
            "online_url": (
                event.online_url
                if registration.state == RegistrationState.CONFIRMED and event.is_online
                else ""
            ),
        }
        body = render_to_string("events/email/registration_message.txt", context)
        subject = mail.subject_line(_subject(kind, str(title)))
    message = EmailMultiAlternatives(subject=subject, body=body, to=[registration.address])
    part = calendar_part(registration, kind)
    if part is not None:
        content, mimetype = part
        message.attach_alternative(content, mimetype)
        # The same object as a file too, for clients that ignore the inline part.
        message.attach("invitation.ics", content, "application/ics")
    return message


def calendar_part(registration: Registration, kind: str) -> tuple[str, str] | None:
    """The iTIP part of the message (content, ``text/calendar; method=…``), or None.

    Built by ``events/feeds/itip.py``: REQUEST for :data:`REQUEST_KINDS`,
    CANCEL for :data:`CANCEL_KINDS`, none for the others.
    """
    from events.feeds import itip

    return itip.calendar_part(registration, kind)
