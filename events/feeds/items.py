"""Events as the iCalendar builder takes them (``events/ics/model.py``), access rules applied.

What a public surface may show is decided here, once: :func:`event_item`
never reads ``online_url`` unless ``with_meeting_link`` is given, and only
:func:`member_items` (the member's private feed, for occurrences they hold a
confirmed place in) and the invitations e-mailed to registrants pass it.

Feeds are written in French, the community's language, with the English
title and description added when the event has them.

A series is one VEVENT with its RRULE and:

- EXDATE for each excluded date, and for each occurrence cancelled more
  than ``EVENTS_FEED_CANCELLED_DAYS`` (14) days ago;
- an override (RECURRENCE-ID) for each moved or changed occurrence, and for
  each occurrence cancelled less than 14 days ago (STATUS:CANCELLED), so
  that subscribed calendars show the cancellation before removing it.

SEQUENCE: the series' own on the series; on an override, the sum of the
series' and the occurrence's (each only grows, so the sum grows on every
change of either); in invitations, the registration's is added as well.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events import recurrence
from events.ics import model
from events.models import Event, EventState, Occurrence

FEED_LANGUAGE = "fr"


def retention() -> timedelta:
    return timedelta(days=getattr(settings, "EVENTS_FEED_CANCELLED_DAYS", 14))


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def event_url(event: Event) -> str:
    """The event's page in the feeds' language (the builder runs in it already)."""
    try:
        if translation.get_language() == FEED_LANGUAGE:
            return _absolute(event.get_absolute_url())
        with translation.override(FEED_LANGUAGE):
            return _absolute(event.get_absolute_url())
    except NoReverseMatch:  # pages not wired yet
        return ""


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day(value: datetime) -> date:
    return value.astimezone(_zone()).date()


def _times(event: Event, start: datetime, end: datetime):
    """DATE values (exclusive end) for an all-day event, aware datetimes otherwise."""
    if event.all_day:
        first, after = _day(start), _day(end)
        return first, max(after, first + timedelta(days=1))
    return start, end


def _location(venue: str, address: str, municipality: str, event: Event) -> str:
    parts = [part for part in (venue, address, municipality) if part]
    if not parts and event.is_online:
        return _("Online")
    return ", ".join(parts)


def _summary(event: Event, title: str = "", title_en: str = "") -> str:
    title = title or event.title
    english = title_en or (event.title_en if not title else "")
    if english and english != title:
        return f"{title} / {english}"
    return title


def _description(
    event: Event, *, note: str = "", meeting_link: str = "", url: str | None = None
) -> str:
    parts = []
    if note:
        parts.append(note)
    if event.description:
        parts.append(event.description)
    if event.description_en:
        parts.append(f"[English] {event.description_en}")
    if event.accessibility_notes:
        parts.append(_("Accessibility: %(notes)s") % {"notes": event.accessibility_notes})
    if event.registration_url:
        parts.append(_("Registration: %(url)s") % {"url": event.registration_url})
    if meeting_link:
        parts.append(_("Online meeting link: %(url)s") % {"url": meeting_link})
    url = event_url(event) if url is None else url
    if url:
        parts.append(url)
    return "\n\n".join(parts)


def _categories(event: Event) -> tuple[str, ...]:
    return (str(event.get_kind_display()),)


class FeedContext:
    """What every event of one build shares, computed once (a thousand events per build):
    the kinds' labels and the pattern of event page addresses."""

    _SLUG = "feed-slug-placeholder"

    def __init__(self) -> None:
        from events.models import EventKind

        self.kind_labels = {value: str(label) for value, label in EventKind.choices}
        self._pattern: str | None = None

    def url(self, event: Event) -> str:
        if self._pattern is None:
            probe = Event(slug=self._SLUG)
            self._pattern = event_url(probe)
        return self._pattern.replace(self._SLUG, event.slug) if self._pattern else ""

    def categories(self, event: Event) -> tuple[str, ...]:
        return (self.kind_labels.get(event.kind, event.kind),)


def _cancelled_recently(moment: datetime | None, now: datetime) -> bool:
    return moment is None or moment > now - retention()


def _instance(event: Event, occurrence: Occurrence, *, status: str) -> model.Instance:
    start, end = _times(event, occurrence.start, occurrence.end)
    recurrence_id, _end = _times(event, occurrence.recurrence_id, occurrence.recurrence_id)
    changed = occurrence.title or occurrence.venue or occurrence.address or occurrence.municipality
    return model.Instance(
        recurrence_id=recurrence_id,
        start=start,
        end=end,
        last_modified=max(occurrence.updated_at, event.updated_at),
        sequence=event.sequence + occurrence.sequence,
        status=status,
        summary=_summary(event, occurrence.title, occurrence.title_en) if changed else None,
        description=_description(event, note=occurrence.note) if occurrence.note else None,
        location=_location(
            occurrence.display_venue,
            occurrence.display_address,
            occurrence.display_municipality,
            event,
        ),
    )


def event_item(
    event: Event,
    *,
    now: datetime | None = None,
    exceptions: list[Occurrence] | None = None,
    context: FeedContext | None = None,
) -> model.Item | None:
    """The public VEVENT (and overrides) of ``event``; None when it has left the feeds.

    ``exceptions`` are the event's moved, changed or cancelled occurrences
    (read in one query for a whole feed by ``definitions.py``); without it
    they are read here. ``context`` is shared by the events of one build.
    """
    context = context or FeedContext()
    now = now or timezone.now()
    status = model.CONFIRMED
    if event.state == EventState.CANCELLED:
        if not _cancelled_recently(event.cancelled_at, now):
            return None
        status = model.CANCELLED
    if exceptions is None:
        exceptions = list(
            event.occurrences.filter(Q(modified=True) | Q(cancelled=True)).order_by(
                "recurrence_id", "pk"
            )
        )
    occurrences = exceptions
    url = context.url(event)
    start, end = _times(event, event.start, event.end)
    exdates = set(recurrence.exdates_parse(event.exdates)) if event.rrule else set()
    instances = []
    last_modified = event.updated_at
    if event.rrule:
        for occurrence in occurrences:
            if occurrence.cancelled:
                if _cancelled_recently(occurrence.cancelled_at, now):
                    instances.append(_instance(event, occurrence, status=model.CANCELLED))
                else:
                    exdates.add(occurrence.recurrence_id)
            elif occurrence.modified:
                instances.append(_instance(event, occurrence, status=status))
        if event.all_day:
            exdates = {_day(value) for value in exdates}
    elif occurrences and occurrences[0].cancelled and status != model.CANCELLED:
        if not _cancelled_recently(occurrences[0].cancelled_at, now):
            return None
        status = model.CANCELLED
        last_modified = max(last_modified, occurrences[0].updated_at)
    return model.Item(
        uid=event.ical_uid,
        summary=_summary(event),
        start=start,
        end=end,
        last_modified=last_modified,
        sequence=event.sequence,
        status=status,
        description=_description(event, url=url),
        location=_location(event.venue, event.address, event.municipality, event),
        url=url,
        rrule=event.rrule,
        exdates=tuple(sorted(exdates, key=_order)),
        instances=tuple(instances),
        categories=context.categories(event),
        language=FEED_LANGUAGE,
    )


def _order(value):
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.combine(value, datetime.min.time(), tzinfo=_zone()).timestamp()


def occurrence_uid(occurrence: Occurrence) -> str:
    """UID of one occurrence seen on its own (a member's feed, an invitation).

    A single event's is the event's UID; an occurrence of a series gets its
    own, stable UID (the series' UUID and the original start in UTC): a
    registration is to one occurrence, and an invitation or a private feed
    that sent a lone RECURRENCE-ID without its series would be shown wrongly
    by Outlook and Google.
    """
    event = occurrence.event
    if not event.rrule:
        return event.ical_uid
    moment = occurrence.recurrence_id.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
    return f"{event.uid}-{moment}@{event.ical_uid.rsplit('@', 1)[1]}"


def occurrence_item(
    occurrence: Occurrence,
    *,
    with_meeting_link: bool = False,
    extra_sequence: int = 0,
    status: str | None = None,
    last_modified: datetime | None = None,
    organizer: model.Person | None = None,
    attendees: tuple[model.Person, ...] = (),
) -> model.Item:
    """One occurrence as a VEVENT of its own (private feed, invitation).

    ``with_meeting_link`` adds the online link: only for a person who holds a
    confirmed place (callers check it).
    """
    event = occurrence.event
    start, end = _times(event, occurrence.start, occurrence.end)
    link = event.online_url if with_meeting_link and event.is_online else ""
    if occurrence.is_cancelled:
        status = model.CANCELLED
    return model.Item(
        uid=occurrence_uid(occurrence),
        summary=_summary(event, occurrence.title, occurrence.title_en),
        start=start,
        end=end,
        last_modified=max(
            occurrence.updated_at, event.updated_at, *([last_modified] if last_modified else [])
        ),
        sequence=event.sequence + occurrence.sequence + extra_sequence,
        status=status or model.CONFIRMED,
        description=_description(event, note=occurrence.note, meeting_link=link),
        location=_location(
            occurrence.display_venue,
            occurrence.display_address,
            occurrence.display_municipality,
            event,
        ),
        url=event_url(event),
        categories=_categories(event),
        conference_url=link,
        organizer=organizer,
        attendees=attendees,
        language=FEED_LANGUAGE,
    )
