"""Events of the community: meetings, workshops, webinars, partner events, and their series.

Three tables carry the calendar:

- :class:`Event` is one event or one series (``rrule`` set). Its ``uid``
  never changes: the iCalendar UID of the event or series is
  ``f"{uid}@continuum"`` (:attr:`Event.ical_uid`), so calendar clients
  update what they already show instead of duplicating it.
- :class:`Occurrence` materialises every occurrence of a series up to a
  horizon (``EVENTS_HORIZON_DAYS``, extended by a periodic job), and exactly
  one for a single event. ``recurrence_id`` is the original start given by
  the rule (the iCalendar RECURRENCE-ID); ``start``/``end`` are where it
  really is (moved or not). A ``modified`` occurrence differs from its rule
  (moved, retitled, another venue) and needs an override in feeds; a
  ``cancelled`` one is kept, with the time of its cancellation, so feeds
  show it as STATUS:CANCELLED for a while and registrants keep their history.
  ``events/recurrence.py`` writes these rows (``occurrences_sync``).
- :class:`Registration` is one person's place (or waitlist place) at one
  occurrence: a member (``user``) or a member of the public (``name`` and
  ``email``, confirmed by e-mail).

Times are aware and stored in UTC; the calendar's zone is ``TIME_ZONE``
(America/Toronto). An all-day event starts at local midnight of its first
day and ends at local midnight *after* its last day (exclusive end, as
iCalendar's DTEND;VALUE=DATE).

The online meeting link (``online_url``) is private: it reaches only
registrants (their page, their e-mails, their private feed), never a public
page or feed. Templates of public surfaces never read it; the selectors in
``events/selectors.py`` say who may.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import BilingualMixin

#: The domain of the iCalendar UIDs of our events and series.
UID_DOMAIN = "continuum"


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Community-of-practice meeting")
    WORKSHOP = "workshop", _("Training workshop")
    WEBINAR = "webinar", _("Webinar")
    PARTNER = "partner", _("Partner event")


class EventMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class EventAudience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members of the community")
    # A "working group" audience (the members of one forum group) comes with
    # the forum: a nullable FK to the group and a third choice here, read by
    # events/access.py's visibility rule.


class EventLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    BILINGUAL = "fr-en", _("French and English")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=EventState.PUBLISHED)

    def visible_to(self, user):
        """The one reading rule of events (``events/access.py``); ``user`` None is the public."""
        from events import access

        return access.events_visible_to(self, user)

    def managed_by(self, user):
        """The events ``user`` may manage (Animation: all; an organisation's admins: theirs)."""
        from events import access

        return access.events_managed_by(self, user)


class Event(BilingualMixin, models.Model):
    """One event, or one series of occurrences when ``rrule`` is set.

    ``start``/``end`` are the first occurrence's; the rule repeats it in
    local wall time (19:00 stays 19:00 across daylight-saving changes).
    ``sequence`` is the iCalendar SEQUENCE of the series: services raise it
    on every change that matters to a calendar (times, place, status, title).
    """

    bilingual_fields = ("title", "description", "accessibility_notes")

    uid = models.UUIDField(
        _("calendar identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    organisations = models.ManyToManyField(
        "directory.Organisation",
        verbose_name=_("host organisations"),
        related_name="events",
        blank=True,
    )
    territories = models.ManyToManyField(
        "directory.Territory", verbose_name=_("territories"), related_name="events", blank=True
    )
    categories = models.ManyToManyField(
        "directory.ServiceCategory",
        verbose_name=_("service categories"),
        related_name="events",
        blank=True,
    )

    mode = models.CharField(
        _("format"), max_length=20, choices=EventMode.choices, default=EventMode.IN_PERSON
    )
    venue = models.CharField(
        _("venue"),
        max_length=200,
        blank=True,
        help_text=_("For example: Salle 204, Maison des arts."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    online_url = models.URLField(
        _("online meeting link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to registered people, in their page and their e-mails."),
    )

    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Places per occurrence. Empty: no limit. Beyond it, a waiting list."),
    )
    registration_enabled = models.BooleanField(
        _("registration on this site"),
        default=True,
        help_text=_("Untick for events with no registration, or registration elsewhere."),
    )
    registration_url = models.URLField(
        _("external registration page"),
        blank=True,
        help_text=_("For partner events whose registration happens on their own site."),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Registration closes at this date and time (single events)."),
    )
    registration_deadline_hours = models.PositiveIntegerField(
        _("registration closes (hours before)"),
        null=True,
        blank=True,
        help_text=_("Registration closes this many hours before each occurrence starts."),
    )

    audience = models.CharField(
        _("audience"), max_length=20, choices=EventAudience.choices, default=EventAudience.PUBLIC
    )
    language = models.CharField(
        _("language"), max_length=8, choices=EventLanguage.choices, default=EventLanguage.FRENCH
    )
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    accessibility_notes_en = models.TextField(_("accessibility (English)"), blank=True)

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    rrule = models.TextField(
        _("recurrence rule"),
        blank=True,
        help_text=_("RFC 5545 RRULE, for example FREQ=MONTHLY;BYDAY=2TU. Empty: a single event."),
    )
    #: Original starts (ISO 8601, aware) the rule skips: iCalendar EXDATE.
    exdates = models.JSONField(_("excluded dates"), default=list, blank=True)

    state = models.CharField(
        _("state"), max_length=20, choices=EventState.choices, default=EventState.DRAFT
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    #: UID of an event imported from a partner's feed (kept to sync by UID); blank otherwise.
    external_uid = models.CharField(_("imported UID"), max_length=500, blank=True, db_index=True)
    #: The forum thread of a community-of-practice meeting, once the forum exists
    #: (a nullable FK to forum.Thread will replace this note).

    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start", "pk"]
        permissions = [("manage_events", "Can manage every event and its registrations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="event_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"slug": self.slug})

    @property
    def ical_uid(self) -> str:
        return f"{self.uid}@{UID_DOMAIN}"

    @property
    def is_series(self) -> bool:
        return bool(self.rrule)

    @property
    def recurrence_text(self) -> str:
        """The rule in words, in the active language (``events.recurrence.rrule_text``)."""
        from events.recurrence import rrule_text

        return rrule_text(self)

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def is_published(self) -> bool:
        return self.state == EventState.PUBLISHED

    @property
    def has_place(self) -> bool:
        return self.mode in (EventMode.IN_PERSON, EventMode.HYBRID)

    @property
    def is_online(self) -> bool:
        return self.mode in (EventMode.ONLINE, EventMode.HYBRID)


class EventAttachment(models.Model):
    """A document of an event: agenda, slides... (minutes belong to the occurrence)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        SLIDES = "slides", _("Slides")
        OTHER = "other", _("Document")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), related_name="attachments", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("document"),
        related_name="+",
        on_delete=models.CASCADE,
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document}"


class OccurrenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Occurrences of the events ``user`` may read (``events/access.py``)."""
        from events import access

        return access.occurrences_visible_to(self, user)

    def upcoming(self, now=None):
        """Not yet ended (an occurrence under way is still upcoming), cancelled ones included."""
        return self.filter(end__gt=now or timezone.now())

    def active(self):
        """Neither the occurrence nor its event is cancelled."""
        return self.filter(cancelled=False).exclude(event__state=EventState.CANCELLED)


class Occurrence(models.Model):
    """One occurrence of an event: the single event's only one, or one of a series'.

    Written by ``events.recurrence.occurrences_sync`` (rule-made rows) and by
    the services that move, change or cancel one occurrence (``modified``
    and ``cancelled`` rows, which the sync never touches). Empty override
    fields mean "as the series says".
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), related_name="occurrences", on_delete=models.CASCADE
    )
    recurrence_id = models.DateTimeField(
        _("original start"), help_text=_("The start the series' rule gives this occurrence.")
    )
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    #: Differs from the series' rule (moved, or an override below): an iCalendar override.
    modified = models.BooleanField(_("changed from the series"), default=False)

    title = models.CharField(_("title"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    note = models.TextField(
        _("note about this occurrence"),
        blank=True,
        help_text=_("For example: why it moved, or what changes this time."),
    )

    sequence = models.PositiveIntegerField(_("revision"), default=0)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("minutes (document)"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recurrence_id"], name="occurrence_unique_recurrence_id"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="occurrence_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.display_title} ({local:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("events:occurrence", kwargs={"slug": self.event.slug, "pk": self.pk})

    # What the occurrence really is: its own override, else the series'.
    @property
    def display_title(self) -> str:
        return self.title or self.event.title

    def localized_title(self):
        from directory.models import LocalizedText

        if self.title:
            from django.utils import translation

            if (translation.get_language() or "fr")[:2] == "en" and self.title_en:
                return LocalizedText(self.title_en, lang="en", fallback=False)
            return LocalizedText(self.title, lang="fr", fallback=False)
        return self.event.localized("title")

    @property
    def display_venue(self) -> str:
        return self.venue or self.event.venue

    @property
    def display_address(self) -> str:
        return self.address or self.event.address

    @property
    def display_municipality(self) -> str:
        return self.municipality or self.event.municipality

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled or self.event.state == EventState.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def registration_closes_at(self):
        """When registration closes for this occurrence (None: when it starts)."""
        event = self.event
        if event.registration_deadline_hours is not None:
            return self.start - timedelta(hours=event.registration_deadline_hours)
        if event.registration_deadline is not None and not event.is_series:
            return min(event.registration_deadline, self.start)
        return self.start


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("Awaiting e-mail confirmation")
    CONFIRMED = "confirmed", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


#: States that hold a registration (one per person and occurrence).
ACTIVE_REGISTRATION_STATES = (
    RegistrationState.PENDING,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
)


def registration_token() -> str:
    return secrets.token_urlsafe(32)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state__in=ACTIVE_REGISTRATION_STATES)

    def confirmed(self):
        return self.filter(state=RegistrationState.CONFIRMED)

    def waitlisted(self):
        return self.filter(state=RegistrationState.WAITLISTED).order_by("created_at", "pk")


class Registration(models.Model):
    """One person's registration to one occurrence.

    A member registers with their account (``user``); the public with a name
    and an address (``email``, lower-cased), ``pending`` until they follow
    the link sent there (``token``, which also lets them cancel). Places go
    first come, first served: beyond the capacity a registration waits
    (``waitlisted``) in ``created_at`` order and is promoted when a place
    frees. ``sequence`` is the SEQUENCE of the invitations (iTIP) sent to
    this person. ``reminded_at`` makes the reminder go once.
    """

    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("occurrence"),
        related_name="registrations",
        on_delete=models.CASCADE,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        related_name="event_registrations",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RegistrationState.choices,
        default=RegistrationState.CONFIRMED,
    )
    token = models.CharField(max_length=64, unique=True, default=registration_token, editable=False)
    created_at = models.DateTimeField(_("registered on"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded on"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("revision"), default=0)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user"],
                condition=Q(user__isnull=False) & ~Q(state="cancelled"),
                name="registration_unique_active_member",
            ),
            models.UniqueConstraint(
                fields=["occurrence", "email"],
                condition=Q(user__isnull=True) & ~Q(state="cancelled"),
                name="registration_unique_active_email",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="registration_member_or_email",
            ),
        ]
        indexes = [models.Index(fields=["occurrence", "state"], name="registration_occ_state")]

    def __str__(self) -> str:
        return f"{self.person_name} → {self.occurrence}"

    @property
    def person_name(self) -> str:
        if self.user_id:
            return str(self.user.public_name)
        return self.name

    @property
    def address(self) -> str:
        """Where this person's e-mails go."""
        return self.user.email if self.user_id else self.email

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_REGISTRATION_STATES


# Models of the feeds and of the partner-calendar import, in their own concerns.
from events.feeds.models import CalendarToken, FeedSnapshot  # noqa: E402, F401
from events.importing.models import CalendarSubscription, ImportedEvent  # noqa: E402, F401
