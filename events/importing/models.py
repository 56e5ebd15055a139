"""Partner calendars the community calendar subscribes to (imported by ``events/models.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarSubscription(models.Model):
    """A partner organisation's public calendar, imported as partner events and kept in sync.

    From an address (``url``, fetched by a periodic task) or from an uploaded
    file (``url`` empty: synced again when staff upload a new version). Each
    imported event remembers the partner's UID (:class:`ImportedEvent`), so a
    later import changes it, and an event gone from the partner's calendar
    is removed.
    """

    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        related_name="calendar_subscriptions",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(
        _("calendar address"),
        max_length=1000,
        blank=True,
        help_text=_(
            "The partner's public iCalendar address (https:// or webcal://). "
            "Leave empty to upload a file instead."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to stop synchronising.")
    )
    audience = models.CharField(
        _("audience of imported events"),
        max_length=20,
        default="public",
        choices=[("public", _("Everyone")), ("members", _("Members of the community"))],
    )
    last_synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_report = models.JSONField(_("last report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("partner calendar")
        verbose_name_plural = _("partner calendars")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ImportedEvent(models.Model):
    """Which event a partner's UID became, and the fingerprint of what was imported."""

    subscription = models.ForeignKey(
        CalendarSubscription, related_name="imported", on_delete=models.CASCADE
    )
    event = models.OneToOneField("events.Event", related_name="imported", on_delete=models.CASCADE)
    remote_uid = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "remote_uid"], name="imported_event_unique_uid"
            )
        ]

    def __str__(self) -> str:
        return self.remote_uid
