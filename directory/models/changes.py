"""Change requests and the history of directory records.

Organisations keep their own records, but the public only ever sees what
staff have validated. An admin's edit to a public record becomes a
:class:`ChangeRequest` (the proposed values, and the values it was made
against); staff approve it or send it back with a comment. Every change
actually applied to a record, whatever its path (an approved request, a
direct edit of a record that is not public yet, a staff edit on the site
or in the Wagtail admin), leaves a :class:`RecordHistory` entry.

Values are stored as JSON, one key per field: text as strings, choices as
their stored value, numbers as numbers, foreign keys and many-to-many
fields as reference codes (territories, categories, client statuses,
languages) or UUIDs (locations), phones as a list of objects. See
``directory/editing/fields.py`` for the (de)serialisation.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalogue import Location, Service
from .organisations import Organisation


class RecordKind(models.TextChoices):
    """Which kind of record a change request or a history entry is about.

    Organisations edit the first three themselves (change requests are only
    about them); initiatives, partnerships and memberships are edited by
    staff in the admin, and their history is kept with every organisation
    they concern.
    """

    ORGANISATION = "organisation", _("Organisation")
    SERVICE = "service", _("Service")
    LOCATION = "location", _("Location")
    INITIATIVE = "initiative", _("Initiative or project")
    PARTNERSHIP = "partnership", _("Partnership")
    MEMBERSHIP = "membership", _("Membership")


#: The records organisations edit themselves, hence the only targets of change requests.
EDITABLE_RECORD_KINDS = [
    (kind.value, kind.label)
    for kind in (RecordKind.ORGANISATION, RecordKind.SERVICE, RecordKind.LOCATION)
]


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ChangeRequest.Status.PENDING)

    def open_for(self, record):
        """Pending requests about this very record (organisation, service or location)."""
        return self.pending().filter(**ChangeRequest.target_lookup(record))

    def about(self, record):
        return self.filter(**ChangeRequest.target_lookup(record))


class ChangeRequest(models.Model):
    """What an organisation's admin proposed for a public record, awaiting staff.

    ``proposed`` holds only the fields that differ from the record as it was
    when the request was made; ``previous`` is a snapshot of every editable
    field at that moment. Staff approve (the proposed values are applied in
    one transaction and the record is marked verified) or send back with a
    comment; a sent-back request keeps its proposed values, so that the admin
    can edit and resubmit from them.

    For ``kind=create`` on a location, the location does not exist yet and
    ``location`` stays empty until approval creates it. For ``kind=create``
    on an organisation or a service, the record exists in state *pending*
    (not public) and approval publishes it. ``archive`` takes a record out of
    the directory; ``restore`` brings an archived location back.
    """

    class Kind(models.TextChoices):
        CREATE = "create", pgettext_lazy("kind of change", "New record")
        UPDATE = "update", pgettext_lazy("kind of change", "Update")
        ARCHIVE = "archive", pgettext_lazy("kind of change", "Archive")
        RESTORE = "restore", pgettext_lazy("kind of change", "Restore")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("change request status", "Awaiting validation")
        APPROVED = "approved", pgettext_lazy("change request status", "Approved")
        SENT_BACK = "sent_back", pgettext_lazy("change request status", "Sent back")
        WITHDRAWN = "withdrawn", pgettext_lazy("change request status", "Withdrawn")
        SUPERSEDED = (
            "superseded",
            pgettext_lazy("change request status", "Replaced by a newer request"),
        )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    target_kind = models.CharField(
        _("record type"), max_length=20, choices=EDITABLE_RECORD_KINDS, db_index=True
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    kind = models.CharField(_("kind of change"), max_length=10, choices=Kind.choices)
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    previous = models.JSONField(_("values when submitted"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted on"), auto_now_add=True, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        permissions = [("validate_changes", _("Can validate changes to the directory"))]
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target_kind="organisation", service__isnull=True, location__isnull=True)
                    | Q(target_kind="service", service__isnull=False, location__isnull=True)
                    | Q(target_kind="location", service__isnull=True)
                ),
                name="change_request_target_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind="location", location__isnull=True) | Q(kind="create"),
                name="change_request_location_exists_unless_create",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.target_label}"

    @staticmethod
    def target_lookup(record) -> dict:
        """Filter keywords selecting the requests (or history) about ``record``."""
        if isinstance(record, Organisation):
            return {"organisation": record, "target_kind": RecordKind.ORGANISATION}
        if isinstance(record, Service):
            return {"service": record, "target_kind": RecordKind.SERVICE}
        if isinstance(record, Location):
            return {"location": record, "target_kind": RecordKind.LOCATION}
        raise TypeError(f"Not a directory record: {record!r}")

    @property
    def target(self):
        """The record the request is about; None for a location not created yet."""
        if self.target_kind == RecordKind.SERVICE:
            return self.service
        if self.target_kind == RecordKind.LOCATION:
            return self.location
        return self.organisation

    @property
    def target_label(self) -> str:
        target = self.target
        if target is not None:
            return str(target)
        values = self.proposed or {}
        return (
            values.get("name")
            or ", ".join(v for v in (values.get("address"), values.get("municipality")) if v)
            or str(_("New location"))
        )

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def get_manage_url(self) -> str:
        """Where the organisation's admins follow this request on the site."""
        return reverse(
            "directory:change_request_detail",
            kwargs={"slug": self.organisation.slug, "uuid": self.uuid},
        )


class RecordHistory(models.Model):
    """One change applied to a directory record: who, when, what, and by which path.

    Every entry belongs to one organisation's history. A change to a record
    that concerns several organisations (an initiative: its lead, partners
    and funders; a partnership: both sides) leaves one entry in each of
    their histories, with the same values.
    """

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("history action", "Created")
        UPDATED = "updated", pgettext_lazy("history action", "Updated")
        SUBMITTED = "submitted", pgettext_lazy("history action", "Submitted for verification")
        PUBLISHED = "published", pgettext_lazy("history action", "Published")
        RETURNED_TO_DRAFT = (
            "returned_to_draft",
            pgettext_lazy("history action", "Returned to draft"),
        )
        ARCHIVED = "archived", pgettext_lazy("history action", "Archived")
        RESTORED = "restored", pgettext_lazy("history action", "Restored")
        DELETED = "deleted", pgettext_lazy("history action", "Deleted")

    class Channel(models.TextChoices):
        SITE = "site", _("Edited on the site (record not public yet)")
        CHANGE_REQUEST = "change_request", _("Change request approved by staff")
        STAFF_SITE = "staff_site", _("Edited by staff on the site")
        ADMIN = "admin", _("Edited by staff in the administration")
        SURVEY = "survey", _("Confirmed by the organisation in a survey answer")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    target_kind = models.CharField(
        _("record type"), max_length=20, choices=RecordKind.choices, db_index=True
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="history",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="history",
    )
    target_label = models.CharField(_("record"), max_length=250)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    channel = models.CharField(_("through"), max_length=20, choices=Channel.choices)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, help_text=_("Field → [before, after].")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("on"), auto_now_add=True, db_index=True)
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="history",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target_label}: {self.get_action_display()} ({self.at:%Y-%m-%d})"
