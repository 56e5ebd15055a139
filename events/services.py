"""Writes of the events: events and series, single occurrences, registrations, attendance.

Each service is keyword-only, checks who acts (``by``) against the policy
(``events/access.py``), validates with a message in the user's language,
saves inside a transaction and enqueues its e-mails after commit (a mail
server that fails delays an e-mail, never a decision). Views call one.

**Lock order.** Every write that changes who holds a place at an occurrence
(register, confirm, cancel, promote, capacity change) locks the occurrence's
row first (``SELECT … FOR UPDATE``). Two people taking the last seat queue
there: the first gets it, the second is waitlisted (and told so); a
cancellation and a registration racing for the freed seat cannot both get
it. Writes of a whole event lock the event row, then its occurrences.

**Registration life cycle**::

    member:  (none) --register--> confirmed | waitlisted
    public:  (none) --register--> pending --confirm e-mail--> confirmed | waitlisted
    waitlisted --a place frees--> confirmed (promoted, told by e-mail)
    pending | confirmed | waitlisted --cancel--> cancelled   (may register again)

A pending registration holds no place: the place is taken when the person
confirms their address, first come first served from that moment.

**SEQUENCE.** ``Event.sequence`` is raised on every change that matters to
a calendar (times, place, title, status), ``Occurrence.sequence`` on every
change of that occurrence; ``Registration.sequence`` on every message that
changes what this person's calendar should show (iTIP).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from events import access, recurrence, selectors, tasks
from events.models import (
    ACTIVE_REGISTRATION_STATES,
    Event,
    EventAudience,
    EventState,
    Occurrence,
    Registration,
    RegistrationState,
)

logger = logging.getLogger(__name__)

#: Fields of an event whose change matters to a calendar (raises SEQUENCE, tells registrants).
CALENDAR_FIELDS = (
    "title",
    "title_en",
    "start",
    "end",
    "all_day",
    "rrule",
    "exdates",
    "mode",
    "venue",
    "address",
    "municipality",
    "online_url",
)
#: Of those, the ones that registrants are told about by e-mail.
NOTIFIED_FIELDS = ("start", "end", "all_day", "rrule", "venue", "address", "municipality")

EVENT_FIELDS = (
    "kind",
    "title",
    "title_en",
    "description",
    "description_en",
    "mode",
    "venue",
    "address",
    "municipality",
    "online_url",
    "capacity",
    "registration_enabled",
    "registration_url",
    "registration_deadline",
    "registration_deadline_hours",
    "audience",
    "language",
    "accessibility_notes",
    "accessibility_notes_en",
    "start",
    "end",
    "all_day",
    "rrule",
    "exdates",
)
M2M_FIELDS = ("organisations", "territories", "categories")


class RegistrationRefused(ValidationError):
    """A registration that cannot be made; the message says why, in the user's language."""


def _notify(registration_ids: list[int], kind: str) -> None:
    """Enqueue the e-mails of ``kind`` to these registrations once the transaction commits."""
    for registration_id in registration_ids:
        transaction.on_commit(
            partial(tasks.registration_notify.enqueue, registration_id=registration_id, kind=kind),
            robust=True,
        )


def _require(by, perm: str, obj=None, message: str | None = None) -> None:
    if by is None or not by.has_perm(perm, obj):
        raise PermissionDenied(message or gettext("You may not manage this event."))


# --- Events ------------------------------------------------------------------------------


#: Paths under /events/ that an event's slug may not take.
RESERVED_SLUGS = {"my", "month", "manage", "registrations", "feed"}


def _slug_for(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100].strip("-") or "evenement"
    if base in RESERVED_SLUGS:
        base = f"{base}-evenement"
    candidate, number = base, 1
    while Event.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _event_clean(event: Event) -> None:
    """Normalise and validate an event; a ValidationError keyed by field otherwise."""
    errors: dict[str, list[str]] = {}
    # iCalendar has whole seconds; a rule repeats the start without its microseconds.
    if event.start:
        event.start = event.start.replace(microsecond=0)
    if event.end:
        event.end = event.end.replace(microsecond=0)
    if event.all_day and event.start and event.end:
        first = recurrence.local_naive(event.start).date()
        last = recurrence.local_naive(event.end).date()
        if recurrence.local_naive(event.end).time() != datetime.min.time() or last <= first:
            # An all-day end is exclusive: the midnight after the last day.
            last = last + timedelta(days=1)
        event.start = recurrence.aware(datetime.combine(first, datetime.min.time()))
        event.end = recurrence.aware(datetime.combine(last, datetime.min.time()))
    if event.start and event.end and event.end < event.start:
        errors.setdefault("end", []).append(gettext("The end must come after the start."))
    try:
        event.rrule = recurrence.rrule_normalise(event.rrule or "", all_day=event.all_day)
    except ValidationError as error:
        errors.setdefault("rrule", []).extend(error.messages)
    if event.exdates:
        try:
            event.exdates = sorted(
                value.isoformat() for value in recurrence.exdates_parse(event.exdates)
            )
        except (TypeError, ValueError):
            errors.setdefault("exdates", []).append(gettext("An excluded date is not valid."))
    if event.registration_url and event.registration_enabled:
        errors.setdefault("registration_url", []).append(
            gettext("Registration is either on this site or on an external page, not both.")
        )
    if errors:
        raise ValidationError(errors)
    event.full_clean(exclude=["slug"], validate_constraints=False)


def _hosts_include_own(by, organisations) -> bool:
    return any(by.has_perm(access.ADD_EVENT, org) for org in organisations)


def event_create(
    *,
    by,
    organisations=(),
    territories=(),
    categories=(),
    state: str = EventState.DRAFT,
    **fields,
) -> Event:
    """Create an event or a series, with its occurrences.

    Whoever manages every event (Animation) may create any; an organisation's
    admin only events hosted by at least one organisation they administer.
    """
    organisations = list(organisations)
    if by is None or not by.is_authenticated:
        raise PermissionDenied(gettext("Sign in to create an event."))
    if not by.has_perm(access.MANAGE_EVENTS) and not _hosts_include_own(by, organisations):
        raise PermissionDenied(
            gettext("Choose, among the hosts, an organisation that you administer.")
        )
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    event = Event(**fields, state=state, created_by=by)
    _event_clean(event)
    with transaction.atomic():
        for attempt in range(5):
            event.slug = _slug_for(event.title)
            try:
                with transaction.atomic():
                    event.save()
                break
            except IntegrityError:
                if attempt == 4 or Event.objects.filter(slug=event.slug).count() == 0:
                    raise
        event.organisations.set(organisations)
        event.territories.set(list(territories))
        event.categories.set(list(categories))
        recurrence.occurrences_sync(event)
        _occurrences_changed_signal(event)
    return event


def event_update(*, event: Event, by, **changes) -> Event:
    """Change an event or a whole series; its registrants are told when time or place changed.

    Changing a series' start moves every occurrence that follows the rule
    by the same wall-clock difference (their registrations move with them);
    occurrences moved or changed one by one keep their own times. Changes
    that matter to a calendar raise the event's SEQUENCE.
    """
    _require(by, access.MANAGE_EVENT, event)
    m2m = {name: changes.pop(name) for name in M2M_FIELDS if name in changes}
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    if (
        "organisations" in m2m
        and not by.has_perm(access.MANAGE_EVENTS)
        and not _hosts_include_own(by, m2m["organisations"])
    ):
        raise PermissionDenied(
            gettext("Keep, among the hosts, an organisation that you administer.")
        )
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        before = {name: getattr(current, name) for name in EVENT_FIELDS}
        old_capacity = current.capacity
        for name, value in changes.items():
            setattr(current, name, value)
        _event_clean(current)
        changed = {name for name in EVENT_FIELDS if getattr(current, name) != before[name]}
        if changed & set(CALENDAR_FIELDS):
            current.sequence += 1
        current.save()
        for name, values in m2m.items():
            getattr(current, name).set(list(values))
        if "start" in changed and before["rrule"] and current.rrule:
            _series_shift(current, old_start=before["start"])
        report = recurrence.occurrences_sync(current)
        if changed & set(CALENDAR_FIELDS):
            Occurrence.objects.filter(event=current, modified=False, cancelled=False).update(
                sequence=current.sequence
            )
        upcoming = Occurrence.objects.filter(event=current, cancelled=False).upcoming()
        if changed & set(NOTIFIED_FIELDS) and current.state == EventState.PUBLISHED:
            ids = list(
                Registration.objects.filter(
                    occurrence__in=upcoming, state__in=ACTIVE_REGISTRATION_STATES
                ).values_list("pk", flat=True)
            )
            _sequence_raise(ids)
            _notify(ids, "changed")
        cancelled_ids = list(
            Registration.objects.filter(
                occurrence__in=report["cancelled"], state__in=ACTIVE_REGISTRATION_STATES
            ).values_list("pk", flat=True)
        )
        _sequence_raise(cancelled_ids)
        _notify(cancelled_ids, "occurrence_cancelled")
        if (current.capacity or 0) != (old_capacity or 0):
            for occurrence in upcoming:
                _promote(Occurrence.objects.select_for_update().get(pk=occurrence.pk))
        _occurrences_changed_signal(current)
    event.refresh_from_db()
    return current


def _series_shift(event: Event, *, old_start) -> None:
    """Move the rule-made occurrences as the series' start moved (wall time), keeping rows."""
    rows = list(
        Occurrence.objects.select_for_update()
        .filter(event=event)
        .order_by("-recurrence_id" if event.start > old_start else "recurrence_id")
    )
    for occurrence in rows:
        new_id = recurrence.wall_shift(
            occurrence.recurrence_id, old_start=old_start, new_start=event.start
        )
        occurrence.recurrence_id = new_id
        if not occurrence.modified:
            occurrence.start = new_id
            occurrence.end = recurrence.occurrence_end(event, new_id)
        occurrence.save(update_fields=["recurrence_id", "start", "end", "updated_at"])


def event_publish(*, event: Event, by) -> Event:
    _require(by, access.MANAGE_EVENT, event)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state == EventState.PUBLISHED:
            return current
        if current.state == EventState.CANCELLED:
            raise ValidationError(gettext("A cancelled event cannot be published again."))
        current.state = EventState.PUBLISHED
        current.sequence += 1
        current.save(update_fields=["state", "sequence", "updated_at"])
        _occurrences_changed_signal(current)
    return current


def event_cancel(*, event: Event, by, note: str = "") -> Event:
    """Cancel a whole event or series: kept, marked cancelled; every registrant is told."""
    _require(by, access.MANAGE_EVENT, event)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state == EventState.CANCELLED:
            raise ValidationError(gettext("This event is already cancelled."))
        if current.state == EventState.DRAFT:
            # A cancelled event is shown as such to everyone: a draft is deleted instead.
            raise ValidationError(gettext("This event is a draft: delete it instead."))
        was_published = True
        current.state = EventState.CANCELLED
        current.cancelled_at = timezone.now()
        current.sequence += 1
        current.save(update_fields=["state", "cancelled_at", "sequence", "updated_at"])
        upcoming = Occurrence.objects.filter(event=current, cancelled=False).upcoming()
        if note:
            upcoming.update(note=note)
        upcoming.update(sequence=F("sequence") + 1)
        ids = list(
            Registration.objects.filter(
                occurrence__in=upcoming, state__in=ACTIVE_REGISTRATION_STATES
            ).values_list("pk", flat=True)
        )
        if was_published:
            _sequence_raise(ids)
            _notify(ids, "occurrence_cancelled")
        _occurrences_changed_signal(current)
    return current


def event_draft_delete(*, event: Event, by) -> None:
    """Delete a draft (never published, so nobody registered and no calendar shows it)."""
    _require(by, access.MANAGE_EVENT, event)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if current.state != EventState.DRAFT:
            raise ValidationError(
                gettext("Only a draft can be deleted; cancel a published event instead.")
            )
        current.delete()


# --- One occurrence ----------------------------------------------------------------------

OCCURRENCE_FIELDS = (
    "start",
    "end",
    "title",
    "title_en",
    "venue",
    "address",
    "municipality",
    "note",
)


def occurrence_update(*, occurrence: Occurrence, by, **changes) -> Occurrence:
    """Move or change one occurrence of a series without touching the others.

    The occurrence becomes ``modified`` (an override of the series in
    calendars) and keeps its ``recurrence_id``; its registrants are told
    when its time or place changed.
    """
    _require(by, access.MANAGE_EVENT, occurrence.event)
    unknown = set(changes) - set(OCCURRENCE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown occurrence fields: {sorted(unknown)}")
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=occurrence.event_id)
        current = (
            Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        )
        if current.cancelled:
            raise ValidationError(gettext("This occurrence is cancelled; it cannot be changed."))
        before = {name: getattr(current, name) for name in OCCURRENCE_FIELDS}
        for name, value in changes.items():
            setattr(current, name, value if value is not None else "")
        if current.end < current.start:
            raise ValidationError({"end": [gettext("The end must come after the start.")]})
        current.full_clean(exclude=["event"], validate_constraints=False)
        changed = {name for name in OCCURRENCE_FIELDS if getattr(current, name) != before[name]}
        if not changed:
            return current
        if not current.event.rrule:
            # A single event: its one occurrence is the event; change the event instead.
            raise ValidationError(gettext("Change a single event through the event itself."))
        current.modified = True
        current.sequence = max(current.sequence, current.event.sequence) + 1
        current.save()
        if changed - {"note"} and current.event.state == EventState.PUBLISHED:
            ids = list(current.registrations.active().values_list("pk", flat=True))
            if changed & {"start", "end", "venue", "address", "municipality"}:
                _sequence_raise(ids)
                _notify(ids, "changed")
        _occurrences_changed_signal(current.event)
    return current


def occurrence_cancel(*, occurrence: Occurrence, by, note: str = "") -> Occurrence:
    """Cancel one occurrence; kept (feeds show it cancelled), its registrants told."""
    _require(by, access.MANAGE_EVENT, occurrence.event)
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=occurrence.event_id)
        current = (
            Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        )
        if current.cancelled:
            raise ValidationError(gettext("This occurrence is already cancelled."))
        current.cancelled = True
        current.cancelled_at = timezone.now()
        current.modified = True
        current.sequence = max(current.sequence, current.event.sequence) + 1
        if note:
            current.note = note
        current.save()
        if current.event.state == EventState.PUBLISHED and not current.is_past:
            ids = list(current.registrations.active().values_list("pk", flat=True))
            _sequence_raise(ids)
            _notify(ids, "occurrence_cancelled")
        _occurrences_changed_signal(current.event)
    return current


def occurrence_minutes_update(
    *, occurrence: Occurrence, by, minutes: str, document=None, file=None
):
    """Attach the minutes (text, and a document or an uploaded ``file``) to an occurrence."""
    _require(by, access.MANAGE_EVENT, occurrence.event)
    with transaction.atomic():
        current = (
            Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        )
        current.minutes = minutes.strip()
        if file is not None:
            title = gettext("Minutes: %(title)s, %(date)s") % {
                "title": current.display_title,
                "date": timezone.localtime(current.start).strftime("%Y-%m-%d"),
            }
            document = _document_create(title=title, file=file, by=by)
        if document is not None:
            current.minutes_document = document
        current.save(update_fields=["minutes", "minutes_document", "updated_at"])
    return current


def _document_create(*, title: str, file, by):
    """A Wagtail document in the root collection (staff find it in the admin's documents)."""
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    Document = get_document_model()
    # Wagtail's migration creates the root; a database flushed since (tests) has none.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    document = Document(title=title, file=file, collection=root, uploaded_by_user=by)
    document._set_document_file_metadata()  # size and hash, as Wagtail's own upload does
    document.full_clean()
    document.save()
    return document


def event_attachment_add(*, event: Event, by, kind: str, title: str, file):
    """Attach a document (agenda, slides...) to an event; shown on its page."""
    from events.models import EventAttachment

    _require(by, access.MANAGE_EVENT, event)
    with transaction.atomic():
        document = _document_create(title=title.strip(), file=file, by=by)
        position = event.attachments.count()
        return EventAttachment.objects.create(
            event=event, kind=kind, document=document, position=position
        )


def event_attachment_remove(*, attachment, by) -> None:
    _require(by, access.MANAGE_EVENT, attachment.event)
    attachment.delete()


def attendance_record(*, occurrence: Occurrence, by, attended: dict[int, bool | None]) -> int:
    """Record who came (registration id → True, False or None); only once it has started."""
    _require(by, access.MANAGE_EVENT, occurrence.event)
    if occurrence.start > timezone.now():
        raise ValidationError(gettext("Attendance is recorded once the event has started."))
    count = 0
    with transaction.atomic():
        rows = Registration.objects.select_for_update().filter(
            occurrence=occurrence, pk__in=list(attended)
        )
        for registration in rows:
            value = attended[registration.pk]
            if registration.attended != value:
                registration.attended = value
                registration.save(update_fields=["attended"])
                count += 1
    return count


# --- Registrations ------------------------------------------------------------------------


def _registration_open_check(occurrence: Occurrence, *, user) -> None:
    reason = selectors.registration_closed_reason(occurrence, user=user)
    if reason:
        raise RegistrationRefused(reason)


def _place_free(occurrence: Occurrence) -> bool:
    capacity = occurrence.event.capacity
    if capacity is None:
        return True
    return occurrence.registrations.confirmed().count() < capacity


def _lock(occurrence: Occurrence) -> Occurrence:
    """Lock the occurrence's row: the first lock of every write about its places."""
    return Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)


def registration_create(
    *,
    occurrence: Occurrence,
    user=None,
    name: str = "",
    email: str = "",
    language: str = "",
) -> Registration:
    """Register a member (one click) or a member of the public (name and e-mail).

    A member gets a place at once, or a waitlist place when the occurrence is
    full. A member of the public gets a ``pending`` registration and an
    e-mail with a link to confirm their address; the place is taken then.
    Members-only events refuse the public. Registering twice is a clear
    error, also when two requests race (unique constraint).
    """
    signed_in = user is not None and user.is_authenticated
    if not signed_in:
        name, email = name.strip(), email.strip().lower()
        errors = {}
        if not name:
            errors["name"] = [gettext("Enter your name.")]
        if not email:
            errors["email"] = [gettext("Enter your e-mail address.")]
        if errors:
            raise RegistrationRefused(errors)
    with transaction.atomic():
        current = _lock(occurrence)
        _registration_open_check(current, user=user if signed_in else None)
        if not signed_in and current.event.audience != EventAudience.PUBLIC:
            raise RegistrationRefused(gettext("This event is for members of the community."))
        if not signed_in:
            existing = current.registrations.active().filter(user=None, email=email).first()
            if existing is not None:
                # The same answer as a first registration, and the e-mail again: the
                # confirmation link if it was lost, else the place and how to cancel. The
                # page tells nobody whether this address was registered.
                _notify([existing.pk], _STATE_MESSAGE[existing.state])
                return existing
        registration = Registration(
            occurrence=current,
            user=user if signed_in else None,
            name="" if signed_in else name,
            email="" if signed_in else email,
            language=(user.preferred_language if signed_in else language) or "fr",
        )
        if signed_in:
            if _place_free(current):
                registration.state = RegistrationState.CONFIRMED
                registration.confirmed_at = timezone.now()
            else:
                registration.state = RegistrationState.WAITLISTED
        else:
            registration.state = RegistrationState.PENDING
        try:
            registration.full_clean(exclude=["occurrence", "user"], validate_constraints=False)
        except ValidationError as error:
            raise RegistrationRefused(error.message_dict) from error
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise RegistrationRefused(_already_registered_message(signed_in)) from error
        _notify([registration.pk], _STATE_MESSAGE[registration.state])
    return registration


#: The e-mail that tells a registrant where they stand.
_STATE_MESSAGE = {
    RegistrationState.CONFIRMED: "confirmed",
    RegistrationState.WAITLISTED: "waitlisted",
    RegistrationState.PENDING: "confirm_email",
}


def _already_registered_message(signed_in: bool) -> str:
    if signed_in:
        return gettext("You are already registered for this event.")
    return gettext(
        "This e-mail address is already registered for this event. Check your e-mails, "
        "or cancel with the link you received."
    )


def registration_confirm(*, token: str) -> Registration:
    """Confirm a public registration's address (the link of its e-mail); idempotent."""
    registration = Registration.objects.filter(token=token).only("pk", "occurrence_id").first()
    if registration is None:
        raise RegistrationRefused(gettext("This link is not valid. Register again."))
    with transaction.atomic():
        occurrence = _lock(registration.occurrence)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.state == RegistrationState.CANCELLED:
            raise RegistrationRefused(gettext("This registration was cancelled. Register again."))
        if current.state != RegistrationState.PENDING:
            return current
        event = occurrence.event
        if (
            event.state != EventState.PUBLISHED
            or occurrence.cancelled
            or occurrence.start <= timezone.now()
        ):
            raise RegistrationRefused(gettext("This event is cancelled or has already started."))
        current.confirmed_at = timezone.now()
        current.state = (
            RegistrationState.CONFIRMED if _place_free(occurrence) else RegistrationState.WAITLISTED
        )
        current.save(update_fields=["state", "confirmed_at"])
        _notify(
            [current.pk],
            "confirmed" if current.state == RegistrationState.CONFIRMED else "waitlisted",
        )
    return current


def registration_cancel(*, registration: Registration, by=None, token: str = "") -> Registration:
    """Cancel a registration: by its member, by whoever holds its e-mail's link (``token``),
    or by someone who manages the event. The first on the waitlist gets the freed place."""
    allowed = (
        (token and token == registration.token)
        or (by is not None and by.is_authenticated and registration.user_id == by.pk)
        or (by is not None and by.has_perm(access.MANAGE_EVENT, registration.occurrence.event))
    )
    if not allowed:
        raise PermissionDenied(gettext("You may not cancel this registration."))
    with transaction.atomic():
        occurrence = _lock(registration.occurrence)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.state == RegistrationState.CANCELLED:
            raise RegistrationRefused(gettext("This registration is already cancelled."))
        held_place = current.state == RegistrationState.CONFIRMED
        current.state = RegistrationState.CANCELLED
        current.cancelled_at = timezone.now()
        current.sequence += 1
        current.save(update_fields=["state", "cancelled_at", "sequence"])
        _notify([current.pk], "cancelled")
        if held_place:
            _promote(occurrence)
    return current


def _promote(occurrence: Occurrence) -> list[int]:
    """Give free places to the waitlist, first come first served; tell each promoted person.

    Precondition: the occurrence's row is locked (:func:`_lock`).
    """
    event = occurrence.event
    if occurrence.cancelled or event.state != EventState.PUBLISHED or occurrence.is_past:
        return []
    waiting = occurrence.registrations.waitlisted().select_for_update()
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - occurrence.registrations.confirmed().count()
        if free <= 0:
            return []
    promoted = []
    now = timezone.now()
    for registration in waiting[:free] if free is not None else waiting:
        registration.state = RegistrationState.CONFIRMED
        registration.promoted_at = now
        registration.sequence += 1
        registration.save(update_fields=["state", "promoted_at", "sequence"])
        promoted.append(registration.pk)
    _notify(promoted, "promoted")
    return promoted


def _sequence_raise(registration_ids: list[int]) -> None:
    if registration_ids:
        Registration.objects.filter(pk__in=registration_ids).update(sequence=F("sequence") + 1)


# --- Hooks for the feeds -------------------------------------------------------------------


def _occurrences_changed_signal(event: Event) -> None:
    """After commit, tell whoever builds feeds that this event changed (``events.signals``)."""
    from events import signals

    transaction.on_commit(
        partial(signals.event_changed.send, sender=Event, event_id=event.pk), robust=True
    )
