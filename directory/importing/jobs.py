"""Running a directory import in the background, for the admin's upload page.

``import_job_create`` stores the file in an :class:`~directory.models.ImportJob`
and, once that is committed, enqueues :func:`import_job_run` on the task
queue (``directory/background/``): a worker runs it, not the web process, so
a restart of the site loses nothing. The import writes inside one
transaction, invisible to other connections until it commits, so its
progress goes through the cache (Redis in production, files in ``make run``:
shared by the worker and the web processes) rather than the job row; the
row gets the outcome when the import ends, and the uploaded file is then
deleted from it.

Imports are not retried: a worker that dies during one has written nothing
(one transaction), and an old file imported again later, automatically,
could undo a newer one sent meanwhile. The reaper marks the task failed;
:func:`import_jobs_abandon_stale` (a periodic job) then marks the job
failed with a message in the uploader's language, and deletes the file.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from functools import partial

from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from directory import access
from directory.background import periodic
from directory.background.reaper import WORKER_LOST_PATH
from directory.importing import TABULAR_FORMATS, VALIDATING, detect_format, directory_import
from directory.models import ImportJob

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STALE_AFTER = timedelta(minutes=30)
PROGRESS_EVERY_SECONDS = 0.25

#: Why a job was abandoned, shown on its page in the uploader's language.
UNEXPECTED_ERROR = gettext_noop(
    "The import stopped on an unexpected error; nothing was imported. "
    "The error has been logged for the technical team."
)
WORKER_LOST = gettext_noop(
    "The import was interrupted: the server running it stopped (a restart or a crash). "
    "Nothing was imported; upload the file again."
)
NEVER_STARTED = gettext_noop(
    "The import never started: the server stopped before handing it over. "
    "Nothing was imported; upload the file again."
)


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
    """Store the file and enqueue the import after commit. ``file_format`` None: guess it."""
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
        transaction.on_commit(partial(_import_job_enqueue, job.pk), robust=True)
    return job


def _import_job_enqueue(job_id: int) -> None:
    result = import_job_run.enqueue(job_id=job_id)
    # The task records its id too when it starts (it may start before this line).
    ImportJob.objects.filter(pk=job_id, task_result_id="").update(task_result_id=str(result.id))


@task(takes_context=True)
def import_job_run(context, *, job_id: int) -> str:
    """Run the import of a queued job; records the outcome on the job and deletes the file."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        task_result_id=str(context.task_result.id),
    )
    if not started:
        return "not queued"  # already run, or abandoned
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
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
            job.errors = [_error(_(UNEXPECTED_ERROR))]
        else:
            job.status = ImportJob.Status.DONE if report.ok else ImportJob.Status.REJECTED
            job.total = report.total
            job.processed = report.total if report.ok else job.processed
            job.errors = [error.as_dict() for error in report.errors]
            job.summary = report.summary()
    job.finished_at = timezone.now()
    job.content = b""
    job.save(
        update_fields=[
            "status",
            "total",
            "processed",
            "errors",
            "summary",
            "finished_at",
            "content",
        ]
    )
    cache.delete(_progress_key(job))
    return job.status


def _error(message: str) -> dict:
    return {"line": 0, "column": "", "message": message}


def import_job_abandon(*, job: ImportJob, reason: str) -> bool:
    """Mark a queued or running job failed with ``reason`` (one of the messages above, translated
    into the uploader's language) and delete its file. False if it had finished meanwhile."""
    with translation.override(job.language):
        message = _(reason)
    abandoned = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).update(
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        errors=[_error(message)],
        content=b"",
    )
    if abandoned:
        cache.delete(_progress_key(job))
        logger.warning("Directory import %s abandoned: %s", job.uuid, reason)
    return bool(abandoned)


@periodic(every=timedelta(minutes=1))
@task()
def import_jobs_abandon_stale() -> dict:
    """Fail the jobs whose task will never finish them, and delete the files of finished jobs.

    A job still queued or running is abandoned when its task failed (its
    worker died: the reaper failed it; or an error escaped the import), or
    when it has no task at all after :data:`STALE_AFTER` (the web process
    stopped between the commit and the enqueue). A job whose task is waiting
    or running is left alone: the reaper watches running tasks.
    """
    now = timezone.now()
    abandoned = 0
    unfinished = ImportJob.objects.filter(
        status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    ).defer("content")
    for job in unfinished:
        result = _task_result(job)
        if result is None:
            reason = NEVER_STARTED if now - job.created_at > STALE_AFTER else None
        elif result.status == TaskResultStatus.FAILED:
            lost = any(error.exception_class_path == WORKER_LOST_PATH for error in result.errors)
            reason = WORKER_LOST if lost else UNEXPECTED_ERROR
        elif result.status == TaskResultStatus.SUCCESSFUL:
            reason = UNEXPECTED_ERROR  # the task ended without finishing the job
        else:
            reason = None
        if reason and import_job_abandon(job=job, reason=reason):
            abandoned += 1
    # Files of jobs finished before their content was deleted with the outcome.
    emptied = (
        ImportJob.objects.exclude(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        .exclude(content=b"")
        .update(content=b"")
    )
    return {"abandoned": abandoned, "files_deleted": emptied}


def _task_result(job: ImportJob):
    if not job.task_result_id:
        return None
    try:
        return import_job_run.get_result(job.task_result_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return None


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
