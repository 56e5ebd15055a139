"""Stored feeds and members' private feed tokens (imported by ``events/models.py``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def feed_token() -> str:
    return secrets.token_urlsafe(24)


class FeedSnapshot(models.Model):
    """The bytes of one feed as last built, served as they are (``events/feeds/snapshots.py``).

    ``key`` names the feed (``all``, ``kind:workshop``, ``organisation:12``,
    ``member:34``, ``event:56``). ``stale`` is set after a change that may
    alter it; the next request or the rebuild task builds it again.
    ``changed_at`` is when the bytes last changed (the Last-Modified header),
    not when they were last built: rebuilding identical bytes keeps it.
    """

    key = models.CharField(max_length=100, unique=True)
    content = models.BinaryField()
    etag = models.CharField(max_length=80)
    changed_at = models.DateTimeField()
    built_at = models.DateTimeField()
    stale = models.BooleanField(default=False)
    #: Cacheable by shared caches (``Cache-Control: public``) or for one person only.
    public = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return self.key


class CalendarToken(models.Model):
    """The secret in a member's private feed address (``/events/my/<token>.ics``).

    One per member. Revoking deletes it (the address stops working at once);
    rotating replaces it (the old address stops working, a new one is shown).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        related_name="calendar_token",
        on_delete=models.CASCADE,
    )
    token = models.CharField(max_length=64, unique=True, default=feed_token, editable=False)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("private calendar address")
        verbose_name_plural = _("private calendar addresses")

    def __str__(self) -> str:
        return str(self.user)
