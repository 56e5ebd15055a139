"""Running a directory import in the background, for the admin's upload page.

``import_job_create`` stores the file in an :class:`~directory.models.ImportJob`
and, once that is committed, starts :func:`import_job_run` in a thread of the
same process. The import writes inside one transaction, invisible to other
connections until it commits, so its progress goes through the cache
(Redis in production, shared by every process) rather than the job row; the
row gets the outcome when the import ends.

A process that stops in the middle leaves its job *running*: the status page
says so after :data:`STALE_AFTER` without progress (nothing was written,
since the transaction never committed).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from directory import access
from directory.importing import TABULAR_FORMATS, VALIDATING, detect_format, directory_import
from directory.models import ImportJob

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STALE_AFTER = timedelta(minutes=30)
PROGRESS_EVERY_SECONDS = 0.25


def _progress_key(job: ImportJob) -> str:
    return f"directory:import:{job.uuid}:progress"


def import_job_create(
    *,
    user,
    filename: str,
    content: bytes,
    file_format: str | None,
    default_source: str,
    dry_run: bool,
    language: str,
) -> ImportJob:
    """Store the file and start the import after commit. ``file_format`` None: guess it."""
    job = ImportJob(
        created_by=user,
        filename=filename[:255],
        file_format=file_format or detect_format(filename, content),
        content=content,
        default_source=default_source,
        dry_run=dry_run,
        language=language[:8],
    )
    job.full_clean()
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: import_job_start(job_id=job.pk))
    return job


def import_job_start(*, job_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=import_job_run, kwargs={"job_id": job_id}, name=f"import-job-{job_id}", daemon=True
    )
    thread.start()
    return thread


def import_job_run(*, job_id: int) -> None:
    """Run the import of a queued job; records the outcome on the job. Thread entry point."""
    try:
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if job.status != ImportJob.Status.QUEUED:
            return
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        user = job.created_by
        with translation.override(job.language):
            try:
                report = directory_import(
                    content=bytes(job.content),
                    file_format=job.file_format,
                    user=user,
                    honour_state=bool(user and user.has_perm(access.PUBLISH_DIRECTLY)),
                    default_source=job.default_source,
                    dry_run=job.dry_run,
                    note=_("Import of %(file)s") % {"file": job.filename},
                    progress=_progress_writer(job),
                )
            except Exception:
                logger.exception("Directory import %s stopped by an unexpected error", job.uuid)
                job.status = ImportJob.Status.FAILED
                job.errors = [
                    {
                        "line": 0,
                        "column": "",
                        "message": _(
                            "The import stopped on an unexpected error; nothing was imported. "
                            "The error has been logged for the technical team."
                        ),
                    }
                ]
            else:
                job.status = ImportJob.Status.DONE if report.ok else ImportJob.Status.REJECTED
                job.total = report.total
                job.processed = report.total if report.ok else job.processed
                job.errors = [error.as_dict() for error in report.errors]
                job.summary = report.summary()
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "total", "processed", "errors", "summary", "finished_at"])
        cache.delete(_progress_key(job))
    finally:
        connections.close_all()


def _progress_writer(job: ImportJob):
    key = _progress_key(job)
    state = {"last": 0.0}

    def write(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done not in (0, total) and now - state["last"] < PROGRESS_EVERY_SECONDS:
            return
        state["last"] = now
        cache.set(
            key,
            {"phase": phase, "processed": done, "total": total, "at": timezone.now().isoformat()},
            timeout=int(STALE_AFTER.total_seconds()) * 2,
        )

    return write


def import_job_status(job: ImportJob) -> dict:
    """What the progress page shows, as JSON: status, phase, counts, errors when finished."""
    progress = {} if job.is_finished else (cache.get(_progress_key(job)) or {})
    total = progress.get("total", job.total)
    processed = progress.get("processed", job.processed)
    stale = (
        job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
        and timezone.now() - (job.started_at or job.created_at) > STALE_AFTER
        and not progress
    )
    phase = progress.get("phase", "")
    percent = 100 * processed // total if total else (100 if job.is_finished else 0)
    if phase:
        progress_text = _("%(phase)s: %(processed)s of %(total)s (%(percent)s %%)") % {
            "phase": _phase_label(phase),
            "processed": processed,
            "total": total,
            "percent": percent,
        }
    else:
        progress_text = str(job.get_status_display())
    return {
        "id": str(job.uuid),
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "finished": job.is_finished,
        "stale": stale,
        "phase": phase,
        "phase_label": _phase_label(phase),
        "total": total,
        "processed": processed,
        "percent": percent,
        "progress_text": progress_text,
        "dry_run": job.dry_run,
        "file_format": job.file_format,
        "line_label": str(
            _("Line")
            if job.file_format in TABULAR_FORMATS
            else pgettext("JSON record number", "Record")
        ),
        "errors": job.errors if job.is_finished else [],
        "error_count": len(job.errors),
        "summary": job.summary,
    }


def _phase_label(phase: str) -> str:
    if not phase:
        return ""
    return _("Checking every row") if phase == VALIDATING else _("Writing the records")
