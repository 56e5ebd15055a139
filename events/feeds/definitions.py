"""Which events each feed holds, and its name: one function per kind of feed.

Keys (stored in :class:`~events.feeds.models.FeedSnapshot`):

- ``all``: every public event, from 30 days back to 12 months ahead
  (``EVENTS_FEED_DAYS_BACK``, ``EVENTS_FEED_DAYS_AHEAD``);
- ``kind:<kind>``: the same, one kind of event;
- ``organisation:<id>``: the same, hosted by one organisation;
- ``event:<id>``: one event (its public description);
- ``member:<user id>``: the occurrences a member registered for, with the
  online meeting link where their place is confirmed (private).

The public ones read events as the public does (``Event.objects.visible_to(None)``),
so a members-only, draft or unpublished event never reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.feeds import items as feed_items
from events.feeds.fragments import fragments
from events.ics import model
from events.ics.build import feed_bytes
from events.models import (
    Event,
    EventKind,
    Occurrence,
    Registration,
    RegistrationState,
)


class FeedGone(LookupError):
    """The feed's subject no longer exists or is no longer public."""


@dataclass(frozen=True)
class Built:
    content: bytes
    public: bool


def window(now: datetime) -> tuple[datetime, datetime]:
    back = getattr(settings, "EVENTS_FEED_DAYS_BACK", 30)
    ahead = getattr(settings, "EVENTS_FEED_DAYS_AHEAD", 365)
    return now - timedelta(days=back), now + timedelta(days=ahead)


def _exceptions_by_event(event_ids) -> dict[int, list[Occurrence]]:
    """The moved, changed or cancelled occurrences of these events, in one query."""
    found: dict[int, list[Occurrence]] = {}
    rows = (
        Occurrence.objects.filter(event_id__in=event_ids)
        .filter(Q(modified=True) | Q(cancelled=True))
        .order_by("event_id", "recurrence_id", "pk")
    )
    for occurrence in rows:
        found.setdefault(occurrence.event_id, []).append(occurrence)
    return found


def public_events(now: datetime, **filters):
    """Public events with an occurrence in the feed's window, ready for the builder."""
    start, end = window(now)
    in_window = Occurrence.objects.filter(start__lt=end, end__gte=start)
    return (
        Event.objects.visible_to(None)
        .filter(pk__in=in_window.values("event_id"), **filters)
        .order_by("start", "pk")
    )


def _items(events, now) -> list[model.Item]:
    """Items of ``events`` in two queries, whatever their number."""
    events = list(events)
    exceptions = _exceptions_by_event([event.pk for event in events])
    context = feed_items.FeedContext()
    items = []
    for event in events:
        for occurrence in exceptions.get(event.pk, []):
            occurrence.event = event  # no query per occurrence for its event
        item = feed_items.event_item(
            event, now=now, exceptions=exceptions.get(event.pk, []), context=context
        )
        if item is not None:
            items.append(item)
    return items


def _calendar(items: list[model.Item], name: str, description: str = "") -> bytes:
    return feed_bytes(
        items,
        fragments=fragments,
        name=name,
        description=description,
        refresh=timedelta(seconds=getattr(settings, "EVENTS_FEED_REFRESH_SECONDS", 3600)),
    )


def _site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


def feed_build(key: str, *, now: datetime | None = None) -> Built:
    """The bytes of the feed named ``key``; :class:`FeedGone` if it has no subject any more."""
    now = now or timezone.now()
    kind, _sep, argument = key.partition(":")
    with translation.override(feed_items.FEED_LANGUAGE):
        if kind == "all":
            events = public_events(now)
            name = _("%(site)s — events") % {"site": _site_name()}
            return Built(_calendar(_items(events, now), name), public=True)
        if kind == "kind":
            if argument not in EventKind.values:
                raise FeedGone(key)
            label = EventKind(argument).label
            events = public_events(now, kind=argument)
            name = f"{_site_name()} — {label}"
            return Built(_calendar(_items(events, now), name), public=True)
        if kind == "organisation":
            from directory.models import Organisation

            organisation = Organisation.objects.visible_to(None).filter(pk=argument).first()
            if organisation is None:
                raise FeedGone(key)
            events = public_events(now, organisations=organisation)
            name = f"{_site_name()} — {organisation.name}"
            return Built(_calendar(_items(events, now), name), public=True)
        if kind == "event":
            event = Event.objects.filter(pk=argument).first()
            if event is None or event.state == "draft":
                raise FeedGone(key)
            items = _items([event], now)
            public = Event.objects.visible_to(None).filter(pk=event.pk).exists()
            return Built(_calendar(items, event.title), public=public)
        if kind == "member":
            return Built(member_feed(int(argument), now=now), public=False)
    raise FeedGone(key)


def member_feed(user_id: int, *, now: datetime) -> bytes:
    """A member's registrations, from 30 days back: confirmed places with the meeting link,
    waiting-list places as tentative, places cancelled in the last 14 days as cancelled."""
    from directory.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise FeedGone(f"member:{user_id}")
    start, _end = window(now)
    readable = Occurrence.objects.visible_to(user)
    registrations = (
        Registration.objects.filter(user=user, occurrence__end__gte=start)
        .filter(occurrence__in=readable)
        .filter(
            Q(state__in=[RegistrationState.CONFIRMED, RegistrationState.WAITLISTED])
            | Q(state=RegistrationState.CANCELLED, cancelled_at__gt=now - feed_items.retention())
        )
        .select_related("occurrence__event")
        .order_by("occurrence__start", "occurrence_id", "-pk")
    )
    items, seen = [], set()
    for registration in registrations:
        uid = feed_items.occurrence_uid(registration.occurrence)
        if uid in seen:  # a cancelled place, then a new one: the newest wins
            continue
        seen.add(uid)
        status = {
            RegistrationState.CONFIRMED: model.CONFIRMED,
            RegistrationState.WAITLISTED: model.TENTATIVE,
        }.get(registration.state, model.CANCELLED)
        items.append(
            feed_items.occurrence_item(
                registration.occurrence,
                with_meeting_link=registration.state == RegistrationState.CONFIRMED,
                extra_sequence=registration.sequence,
                status=status,
                last_modified=max(
                    moment
                    for moment in (
                        registration.created_at,
                        registration.confirmed_at,
                        registration.promoted_at,
                        registration.cancelled_at,
                    )
                    if moment
                ),
            )
        )
    name = _("%(site)s — my events") % {"site": _site_name()}
    return _calendar(items, name)
