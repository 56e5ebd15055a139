"""Tournée des partenaires: the visit log, its follow-ups and attachments.

Staff work (permission ``directory.manage_visits``, roles *Animation* and
*Équipe du répertoire*): never public. Needs heard during a visit become
:class:`~directory.models.needs.Need` rows pointing back to it. Attachments
live in a private storage (``PRIVATE_MEDIA_ROOT``), never under ``/media/``:
they are served by a view that checks the permission.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation


def private_storage():
    """Where attachments are kept: outside MEDIA_ROOT, served only through a checked view."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def _attachment_path(instance, filename: str) -> str:
    # The name people gave the file is kept in ``filename``; on disk, a random name.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"visits/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Visits are staff work: all of them with ``manage_visits``, none otherwise."""
        from directory import access

        if user is not None and user.is_authenticated and user.has_perm(access.MANAGE_VISITS):
            return self.all()
        return self.none()


class Visit(models.Model):
    """A meeting with one or more partner organisations during the tournée."""

    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=250, blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations met"), related_name="visits"
    )
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our team"),
        blank=True,
        related_name="visits_attended_as_staff",
    )
    member_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members met"),
        blank=True,
        related_name="visits_attended",
    )
    other_attendees = models.TextField(
        _("other people met"),
        blank=True,
        help_text=_("People without an account: name and role, one per line."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner visit")
        verbose_name_plural = _("partner visits")
        ordering = ["-date", "-pk"]
        permissions = [("manage_visits", _("Can record and read the partner visits"))]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} — {self.place}" if self.place else f"{self.date:%Y-%m-%d}"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def due_within(self, days: int):
        """Open follow-ups due within ``days`` days (and those already late)."""
        limit = timezone.localdate() + timedelta(days=days)
        return self.open().filter(due_on__lte=limit)


class FollowUp(models.Model):
    """An action promised during a visit, with who does it and by when."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    action = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who does it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.action

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_late(self) -> bool:
        return not self.is_done and self.due_on is not None and self.due_on < timezone.localdate()


class VisitAttachment(models.Model):
    """A file brought back from a visit (minutes, brochure, photo). Type and size are checked
    on its content when uploaded (``directory/tournee/attachments.py``)."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=_attachment_path, storage=private_storage, max_length=200
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("added on"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename
