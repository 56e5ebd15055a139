"""Import jobs: a file of the recensement, imported in the background from the admin.

The job row is the record of what was asked and what came of it (status,
counts, every error with its line). Progress while the import runs lives in
the cache (see ``directory/importing/jobs.py``), because the import writes
inside one transaction that other connections cannot see into.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import RecordSource


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Refused: nothing was imported")
        FAILED = "failed", _("Stopped by an unexpected error: nothing was imported")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV (recensement template)")
        XLSX = "xlsx", _("Excel workbook (recensement template)")
        HSDS_JSON = "hsds-json", _("HSDS 3.0 JSON")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    content = models.BinaryField(_("file content"), editable=False)
    dry_run = models.BooleanField(_("check only"), default=False)
    default_source = models.CharField(
        _("source of the information"),
        max_length=20,
        choices=RecordSource.choices,
        default=RecordSource.DOCUMENT,
    )
    language = models.CharField(_("language of the messages"), max_length=8, default="fr")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(_("records in the file"), default=0)
    processed = models.PositiveIntegerField(_("records processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The background task that runs the import (django-tasks' result id): how
    # the stale-job sweep tells a job whose worker died from one still queued.
    task_result_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("directory import")
        verbose_name_plural = _("directory imports")
        permissions = [("import_directory", _("Can import directory data"))]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}
