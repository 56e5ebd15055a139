"""Import a partner's calendar into the community calendar, and keep it in sync by UID.

:func:`subscription_sync` reads the whole file first (``events/ics/parse.py``)
and applies it in one transaction, the subscription's row locked (two syncs
of one calendar queue): every event of the partner's file becomes, or
updates, a published *partner event* hosted by the organisation; an event
no longer in the file is removed; moved or cancelled occurrences of a series
follow the partner's RECURRENCE-ID overrides. Anything unreadable, or a
rule we cannot store, refuses the whole file with every reason, and changes
nothing. The imported event's SEQUENCE grows when its content changed, so
calendars that subscribe to our feeds update it.

Imported events take no registration here (``registration_enabled`` off);
the partner's page is their ``registration_url`` when the feed gives one.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events import access, recurrence
from events.ics.parse import FeedError, ParsedEvent, feed_parse
from events.importing.fetch import FetchError, feed_fetch, url_normalise
from events.importing.models import CalendarSubscription, ImportedEvent
from events.models import Event, EventKind, EventState, Occurrence

#: Part of each imported event's fingerprint: change it when the mapping changes.
MAPPING_VERSION = "1"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _require(by) -> None:
    if by is not None and not by.has_perm(access.MANAGE_EVENTS):
        raise PermissionDenied(_("You may not import partner calendars."))


def subscription_create(
    *, organisation, name: str, url: str = "", audience: str = "public", by
) -> CalendarSubscription:
    """A new partner calendar (not synced yet: :func:`subscription_sync` does it)."""
    _require(by)
    if url:
        try:
            url = url_normalise(url)
        except FetchError as error:
            raise ValidationError({"url": [str(error)]}) from error
    subscription = CalendarSubscription(
        organisation=organisation, name=name.strip(), url=url, audience=audience, created_by=by
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def _aware(value: datetime | date, *, end: bool = False) -> datetime:
    """A parsed time as we store it: all-day dates become local midnights (end exclusive)."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=_zone())


def _fingerprint(parsed: ParsedEvent, subscription: CalendarSubscription) -> str:
    text = f"{MAPPING_VERSION}|{subscription.audience}|{parsed!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _slug(title: str) -> str:
    return f"{slugify(title)[:80] or 'evenement'}-{uuid.uuid4().hex[:8]}"


def _apply(event: Event, parsed: ParsedEvent, subscription: CalendarSubscription) -> None:
    """Copy the partner's values into ``event`` (not saved)."""
    event.kind = EventKind.PARTNER
    event.title = (parsed.summary or _("Partner event"))[:200]
    event.description = parsed.description
    event.venue = parsed.location[:200]
    event.address = ""
    event.municipality = ""
    event.all_day = parsed.all_day
    event.start = _aware(parsed.start)
    event.end = _aware(parsed.end)
    if event.end <= event.start:
        event.end = event.start + (timedelta(days=1) if parsed.all_day else timedelta(hours=1))
    event.rrule = parsed.rrule
    event.exdates = [_aware(value).isoformat() for value in parsed.exdates]
    event.audience = subscription.audience
    event.registration_enabled = False
    event.registration_url = parsed.url[:200] if parsed.url.startswith("http") else ""
    event.external_uid = parsed.uid[:500]
    if parsed.cancelled:
        if event.state != EventState.CANCELLED:
            event.cancelled_at = timezone.now()
        event.state = EventState.CANCELLED
    else:
        event.state = EventState.PUBLISHED
        event.cancelled_at = None


def _instances_apply(event: Event, parsed: ParsedEvent) -> None:
    """The partner's overrides onto the materialised occurrences (by original start)."""
    if not event.rrule:
        return
    by_id = {o.recurrence_id: o for o in Occurrence.objects.filter(event=event)}
    wanted = {}
    for instance in parsed.instances:
        wanted[_aware(instance.recurrence_id)] = instance
    now = timezone.now()
    for recurrence_id, occurrence in by_id.items():
        instance = wanted.get(recurrence_id)
        if instance is None:
            if occurrence.modified or occurrence.cancelled:
                # The partner undid an override: the occurrence follows the series again.
                occurrence.modified = occurrence.cancelled = False
                occurrence.cancelled_at = None
                occurrence.title = ""
                occurrence.start = recurrence_id
                occurrence.end = recurrence.occurrence_end(event, recurrence_id)
                occurrence.sequence += 1
                occurrence.save()
            continue
        start, end = _aware(instance.start), _aware(instance.end)
        if end <= start:
            end = start + (event.end - event.start)
        values = {
            "start": start,
            "end": end,
            "cancelled": instance.cancelled,
            "title": (instance.summary if instance.summary != parsed.summary else "")[:200],
            "venue": (instance.location if instance.location != parsed.location else "")[:200],
        }
        if any(getattr(occurrence, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(occurrence, name, value)
            occurrence.modified = True
            occurrence.cancelled_at = now if instance.cancelled else None
            occurrence.sequence += 1
            occurrence.save()


def _event_check(event: Event, parsed: ParsedEvent) -> list[str]:
    label = parsed.summary or parsed.uid
    try:
        if event.rrule:
            event.rrule = recurrence.rrule_normalise(event.rrule, all_day=event.all_day)
        event.full_clean(exclude=["slug", "organisations"], validate_unique=False)
    except ValidationError as error:
        reasons = "; ".join(error.messages)
        return [_("%(event)s: %(reasons)s") % {"event": label, "reasons": reasons}]
    return []


def subscription_sync(
    *, subscription: CalendarSubscription, data: bytes | None = None, by=None
) -> dict:
    """Import the partner's calendar (``data``, else fetched from its address); the report.

    Raises :class:`FeedError` (or :class:`FetchError`) with the reasons when the file
    cannot be imported; nothing is changed then, and the reasons are kept on the
    subscription (``last_error``) for staff.
    """
    _require(by)
    try:
        if data is None:
            if not subscription.url:
                raise FetchError(_("This partner calendar has no address: upload its file."))
            data = feed_fetch(subscription.url)
        parsed = feed_parse(data)
        report = _sync(subscription, parsed.events)
    except (FeedError, FetchError) as error:
        CalendarSubscription.objects.filter(pk=subscription.pk).update(last_error=str(error))
        raise
    return report


@transaction.atomic
def _sync(subscription: CalendarSubscription, events: list[ParsedEvent]) -> dict:
    subscription = CalendarSubscription.objects.select_for_update().get(pk=subscription.pk)
    known = {
        link.remote_uid: link
        for link in ImportedEvent.objects.filter(subscription=subscription).select_related("event")
    }
    report = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
    problems: list[str] = []
    touched = []
    for parsed in events:
        fingerprint = _fingerprint(parsed, subscription)
        link = known.get(parsed.uid)
        if link is not None and link.fingerprint == fingerprint:
            report["unchanged"] += 1
            continue
        event = link.event if link is not None else Event(slug=_slug(parsed.summary or "evenement"))
        _apply(event, parsed, subscription)
        found = _event_check(event, parsed)
        if found:
            problems.extend(found)
            continue
        touched.append((event, parsed, link, fingerprint))
    if problems:
        raise FeedError(problems)
    for event, parsed, link, fingerprint in touched:
        created = event.pk is None
        if not created:
            event.sequence += 1
        event.save()
        if created:
            event.organisations.set([subscription.organisation])
            ImportedEvent.objects.create(
                subscription=subscription,
                event=event,
                remote_uid=parsed.uid,
                fingerprint=fingerprint,
            )
        else:
            link.fingerprint = fingerprint
            link.save(update_fields=["fingerprint"])
        recurrence.occurrences_sync(event)
        _instances_apply(event, parsed)
        report["created" if created else "updated"] += 1
    present = {parsed.uid for parsed in events}
    gone = [link for uid, link in known.items() if uid not in present]
    for link in gone:
        link.event.delete()  # its ImportedEvent row goes with it
        report["removed"] += 1
    subscription.last_synced_at = timezone.now()
    subscription.last_error = ""
    subscription.last_report = report
    subscription.save(update_fields=["last_synced_at", "last_error", "last_report"])
    return report


@transaction.atomic
def subscription_delete(*, subscription: CalendarSubscription, by) -> int:
    """Remove the partner calendar and the events imported from it; how many events."""
    _require(by)
    ids = list(subscription.imported.values_list("event_id", flat=True))
    Event.objects.filter(pk__in=ids).delete()
    subscription.delete()
    return len(ids)
