"""Reads of the events, with the policy applied (``events/access.py``).

Every surface (pages, the organisation's profile section, feeds, e-mails)
reads occurrences through ``Occurrence.objects.visible_to(user)``; the
functions here add what pages need on top (filters, prefetching, months).
Drafts are never listed: they are read only on the management pages.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from directory.models import Organisation, ServiceCategory, Territory
from events import access, recurrence
from events.models import (
    Event,
    EventKind,
    EventState,
    Occurrence,
    Registration,
    RegistrationState,
)

LISTED_STATES = (EventState.PUBLISHED, EventState.CANCELLED)


@dataclass
class EventFilters:
    """The filters of the list and the month grid, read from the query string."""

    kind: str = ""
    organisation: Organisation | None = None
    territory: Territory | None = None
    category: ServiceCategory | None = None
    invalid: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.organisation or self.territory or self.category)

    def query(self) -> str:
        """The filters as a query string (for links that keep them: months, pages)."""
        from urllib.parse import urlencode

        values = {}
        if self.kind:
            values["kind"] = self.kind
        if self.organisation:
            values["organisation"] = self.organisation.slug
        if self.territory:
            values["territory"] = self.territory.code
        if self.category:
            values["category"] = self.category.code
        return urlencode(values)


def filters_read(params, *, user) -> EventFilters:
    """Read the filters; unknown values are ignored (and named in ``invalid``), never a 500."""
    filters = EventFilters()
    kind = (params.get("kind") or "").strip()
    if kind in EventKind.values:
        filters.kind = kind
    elif kind:
        filters.invalid.append("kind")
    slug = (params.get("organisation") or "").strip()[:120]
    if slug:
        filters.organisation = Organisation.objects.visible_to(user).filter(slug=slug).first()
        if filters.organisation is None:
            filters.invalid.append("organisation")
    code = (params.get("territory") or "").strip()[:80]
    if code:
        filters.territory = Territory.objects.filter(code=code).first()
        if filters.territory is None:
            filters.invalid.append("territory")
    code = (params.get("category") or "").strip()[:60]
    if code:
        filters.category = ServiceCategory.objects.filter(code=code).first()
        if filters.category is None:
            filters.invalid.append("category")
    return filters


def _listed(user):
    return (
        Occurrence.objects.visible_to(user)
        .filter(event__state__in=LISTED_STATES)
        .select_related("event")
        .prefetch_related(
            Prefetch(
                "event__organisations",
                queryset=Organisation.objects.only("pk", "slug", "name", "name_en", "acronym"),
            )
        )
    )


def _filtered(queryset, filters: EventFilters):
    if filters.kind:
        queryset = queryset.filter(event__kind=filters.kind)
    if filters.organisation:
        queryset = queryset.filter(
            event__in=Event.organisations.through.objects.filter(
                organisation=filters.organisation
            ).values("event_id")
        )
    if filters.territory:
        queryset = queryset.filter(
            event__in=Event.territories.through.objects.filter(territory=filters.territory).values(
                "event_id"
            )
        )
    if filters.category:
        codes = Q(servicecategory=filters.category) | Q(servicecategory__parent=filters.category)
        queryset = queryset.filter(
            event__in=Event.categories.through.objects.filter(codes).values("event_id")
        )
    return queryset


def occurrences_upcoming(user, filters: EventFilters | None = None, *, now=None):
    """What the list shows: occurrences not yet over, in order, cancelled ones marked."""
    queryset = _listed(user).upcoming(now)
    return _filtered(queryset, filters or EventFilters()).order_by("start", "pk")


@dataclass
class MonthDay:
    day: date
    in_month: bool
    is_today: bool
    occurrences: list


@dataclass
class Month:
    first: date
    weeks: list[list[MonthDay]]
    previous: date
    next: date
    count: int


def month_read(user, year: int, month: int, filters: EventFilters | None = None) -> Month:
    """The month grid: weeks from Monday, each day with its occurrences (local dates)."""
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise Http404
    first = date(year, month, 1)
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    grid_start = recurrence.aware(datetime.combine(weeks_dates[0][0], time()))
    grid_end = recurrence.aware(datetime.combine(weeks_dates[-1][-1] + timedelta(days=1), time()))
    occurrences = list(
        _filtered(
            _listed(user).filter(start__lt=grid_end, end__gt=grid_start), filters or EventFilters()
        ).order_by("start", "pk")
    )
    by_day: dict[date, list] = {}
    for occurrence in occurrences:
        day = timezone.localtime(occurrence.start).date()
        by_day.setdefault(day, []).append(occurrence)
    today = timezone.localdate()
    weeks = [
        [
            MonthDay(
                day=day,
                in_month=day.month == month,
                is_today=day == today,
                occurrences=by_day.get(day, []),
            )
            for day in week
        ]
        for week in weeks_dates
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    count = sum(len(v) for d, v in by_day.items() if d.month == month)
    return Month(first=first, weeks=weeks, previous=previous, next=following, count=count)


def event_for_page(user, slug: str) -> Event:
    """The event of a page, or 404 when ``user`` may not read it (drafts: its managers only)."""
    event = Event.objects.visible_to(user).filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def occurrence_for_page(user, slug: str, pk: int) -> Occurrence:
    occurrence = (
        Occurrence.objects.visible_to(user)
        .select_related("event")
        .filter(event__slug=slug, pk=pk)
        .first()
    )
    if occurrence is None:
        raise Http404
    return occurrence


def event_occurrences(event: Event, *, now=None, limit: int = 12) -> list[Occurrence]:
    """The next occurrences of an event (cancelled ones included, marked)."""
    return list(event.occurrences.upcoming(now).order_by("start", "pk")[:limit])


def registration_of(user, occurrence: Occurrence) -> Registration | None:
    """The member's active registration to this occurrence, if any."""
    if user is None or not user.is_authenticated:
        return None
    return occurrence.registrations.active().filter(user=user).first()


def registration_closed_reason(occurrence: Occurrence, *, user) -> str:
    """Why ``user`` cannot register for this occurrence now ("" when they can)."""
    from django.utils.translation import gettext

    event = occurrence.event
    now = timezone.now()
    if event.state != EventState.PUBLISHED or occurrence.cancelled:
        return gettext("This event is cancelled or not published.")
    if not event.registration_enabled:
        return gettext("This event takes no registration on this site.")
    if not Occurrence.objects.visible_to(user).filter(pk=occurrence.pk).exists():
        return gettext("This event is for members of the community.")
    if occurrence.start <= now:
        return gettext("This event has already started.")
    if occurrence.registration_closes_at <= now:
        return gettext("Registration for this event is closed.")
    return ""


def places_left(occurrence: Occurrence) -> int | None:
    """Places left (None: no limit)."""
    capacity = occurrence.event.capacity
    if capacity is None:
        return None
    return max(capacity - occurrence.registrations.confirmed().count(), 0)


def may_see_meeting_link(user, occurrence: Occurrence) -> bool:
    return bool(user is not None and user.has_perm(access.SEE_MEETING_LINK, occurrence))


def my_registrations(user, *, now=None):
    """A member's registrations: upcoming first, then the past ones (most recent first)."""
    now = now or timezone.now()
    base = (
        Registration.objects.filter(user=user)
        .exclude(state=RegistrationState.CANCELLED)
        .select_related("occurrence__event")
    )
    upcoming = base.filter(occurrence__end__gt=now).order_by("occurrence__start", "pk")
    past = base.filter(occurrence__end__lte=now).order_by("-occurrence__start", "-pk")[:20]
    return list(upcoming), list(past)


def events_managed(user):
    return Event.objects.managed_by(user).prefetch_related("organisations").order_by("-start", "pk")


def occurrence_registrations(occurrence: Occurrence):
    """Every registration of an occurrence, for those who manage it (the caller checks)."""
    return list(
        occurrence.registrations.exclude(state=RegistrationState.CANCELLED)
        .select_related("user")
        .order_by("state", "created_at", "pk")
    )


def organisation_upcoming(organisation, *, limit: int = 5, now=None):
    """The organisation's upcoming public events, for its profile (the public's view)."""
    return list(
        _listed(None)
        .upcoming(now)
        .filter(
            cancelled=False,
            event__state=EventState.PUBLISHED,
            event__in=Event.organisations.through.objects.filter(organisation=organisation).values(
                "event_id"
            ),
        )
        .order_by("start", "pk")[:limit]
    )
