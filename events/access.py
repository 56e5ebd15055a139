"""The events' rules, on the directory's primitives (``directory/access.py``).

- **Managing** events (create, edit, cancel, see registrations, record
  attendance and minutes) is the *Animation* role's, through the named
  permission :data:`MANAGE_EVENTS` (granted by migration 0002), and an
  organisation's admins' for the events their organisation hosts
  (:data:`MANAGE_EVENT` with the event; :data:`ADD_EVENT` with the
  organisation, or without an object: "may create events for some host").
- **Reading** follows the event's state and audience: published events
  whose audience is *public* for everyone; *members* events for members of
  the community (signed-in accounts that belong to an organisation); drafts
  and cancelled events' pages for those who manage them (a cancelled event
  stays readable by everyone who could read it, marked cancelled).
  The rule is written once, as querysets (:func:`events_visible_to`,
  :func:`occurrences_visible_to`, reached as ``Event.objects.visible_to(user)``
  and ``Occurrence.objects.visible_to(user)``), which every surface uses
  (pages, profile sections, feeds, e-mails); the object rule
  :data:`READ_EVENT` asks the same queryset.
- The **online meeting link** is seen by the event's confirmed registrants
  and by those who manage it (:data:`SEE_MEETING_LINK`), never by the public.
"""

from __future__ import annotations

import rules

from django.db.models import Exists, OuterRef, Q

from directory import access as directory_access
from directory.access import _signed_in, administered_organisation_ids, has_named_perm

#: Named: manage every event (Animation).
MANAGE_EVENTS = "events.manage_events"
#: obj: Event. Edit it, cancel it or its occurrences, see and manage its registrations.
MANAGE_EVENT = "events.manage_event"
#: obj: Organisation, or None ("for some organisation"). Create an event hosted by it.
ADD_EVENT = "events.add_event_for"
#: obj: Event. Read its page (same rule as ``Event.objects.visible_to``).
READ_EVENT = "events.read_event"
#: obj: Occurrence. See the online meeting link.
SEE_MEETING_LINK = "events.see_meeting_link"


def is_community_member(user) -> bool:
    """A member of the community: a signed-in account that belongs to an organisation."""
    from directory.models import Membership

    if not _signed_in(user):
        return False
    cached = getattr(user, "_events_is_community_member", None)
    if cached is None:
        cached = Membership.objects.filter(
            user=user, state=Membership.State.ACTIVE
        ).exists() or user.has_perm(MANAGE_EVENTS)
        user._events_is_community_member = cached
    return cached


def _hosted_by_admin_q(user, prefix: str = "") -> Q:
    from events.models import Event

    hosted = Event.organisations.through.objects.filter(
        event_id=OuterRef("event_id" if prefix else "pk"),
        organisation_id__in=administered_organisation_ids(user),
    )
    return Q(Exists(hosted))


def events_managed_by(queryset, user):
    if not _signed_in(user):
        return queryset.none()
    if user.has_perm(MANAGE_EVENTS):
        return queryset
    return queryset.filter(_hosted_by_admin_q(user))


def _readable_q(user, prefix: str = "") -> Q | None:
    """The condition on events that ``user`` may read; None for every event."""
    from events.models import EventAudience, EventState

    if _signed_in(user) and user.has_perm(MANAGE_EVENTS):
        return None
    audiences = [EventAudience.PUBLIC]
    if is_community_member(user):
        audiences.append(EventAudience.MEMBERS)
    condition = Q(
        **{
            f"{prefix}state__in": [EventState.PUBLISHED, EventState.CANCELLED],
            f"{prefix}audience__in": audiences,
        }
    )
    if _signed_in(user):
        from events.models import Event

        managed = Event.organisations.through.objects.filter(
            event_id=OuterRef("event_id" if prefix else "pk"),
            organisation_id__in=administered_organisation_ids(user),
        )
        condition |= Q(Exists(managed))
    return condition


def events_visible_to(queryset, user):
    condition = _readable_q(user)
    return queryset if condition is None else queryset.filter(condition)


def occurrences_visible_to(queryset, user):
    condition = _readable_q(user, prefix="event__")
    return queryset if condition is None else queryset.filter(condition)


@rules.predicate
def is_host_admin(user, event) -> bool:
    """The user administers one of the organisations hosting this event."""
    if not _signed_in(user) or event is None or event.pk is None:
        return False
    return event.organisations.filter(pk__in=administered_organisation_ids(user)).exists()


@rules.predicate
def administers_some_organisation(user, organisation=None) -> bool:
    if not _signed_in(user):
        return False
    if organisation is None:
        return administered_organisation_ids(user).exists()
    return directory_access.is_organisation_admin(user, organisation)


@rules.predicate
def event_is_readable(user, event) -> bool:
    from events.models import Event

    if event is None:
        return False
    return Event.objects.visible_to(user).filter(pk=event.pk).exists()


@rules.predicate
def is_confirmed_registrant(user, occurrence) -> bool:
    from events.models import RegistrationState

    if not _signed_in(user) or occurrence is None:
        return False
    return occurrence.registrations.filter(user=user, state=RegistrationState.CONFIRMED).exists()


@rules.predicate
def manages_occurrence_event(user, occurrence) -> bool:
    if occurrence is None:
        return False
    return user.has_perm(MANAGE_EVENT, occurrence.event)


can_manage_all = has_named_perm(MANAGE_EVENTS)

rules.add_perm(MANAGE_EVENT, can_manage_all | is_host_admin)
rules.add_perm(ADD_EVENT, can_manage_all | administers_some_organisation)
rules.add_perm(READ_EVENT, event_is_readable)
rules.add_perm(SEE_MEETING_LINK, is_confirmed_registrant | manages_occurrence_event)
