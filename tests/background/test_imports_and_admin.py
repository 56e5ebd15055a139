"""Imports run as tasks; the admin shows failed tasks to those who may see them."""

import io
from datetime import timedelta

from django_tasks_db.models import DBTaskResult

from django.utils import timezone

from directory import access
from directory.models import ImportJob, TaskWorker
from tests.directory.test_import import GOOD_ROW, csv_file
from tests.factories import UserFactory

from . import tasks
from .conftest import wait_for


def _upload(client) -> ImportJob:
    upload = io.BytesIO(csv_file([GOOD_ROW]))
    upload.name = "recensement.csv"
    response = client.post(
        "/admin/directory/import/",
        {"file": upload, "file_format": "auto", "default_source": "survey"},
    )
    assert response.status_code == 302, response.content[:2000]
    return ImportJob.objects.get()


def test_an_upload_is_imported_by_a_worker_and_the_file_is_then_deleted(
    workers, client, staff, reference_data
):
    client.force_login(staff)
    job = _upload(client)
    assert job.status == ImportJob.Status.QUEUED and job.task_result_id
    workers.start()

    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).exists(),
        what="the import to finish",
    )
    job.refresh_from_db()
    assert bytes(job.content) == b""
    assert job.summary["created"]["services"] == 1


def test_an_import_whose_worker_died_shows_failed_with_what_happened(
    workers, client, staff, reference_data
):
    client.force_login(staff)
    job = _upload(client)
    # What a worker killed in the middle of the import leaves behind.
    long_ago = timezone.now() - timedelta(minutes=10)
    TaskWorker.objects.create(
        worker_id="killed",
        hostname="worker-1",
        pid=1234,
        queues="default",
        started_at=long_ago,
        last_seen_at=long_ago,
    )
    DBTaskResult.objects.filter(pk=job.task_result_id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["killed"]
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=long_ago)

    workers.start()

    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).exists(),
        what="the job to be marked failed",
    )
    status = client.get(f"/admin/directory/import/{job.uuid}/status.json").json()
    assert status["finished"] and status["status"] == "failed"
    page = client.get(f"/admin/directory/import/{job.uuid}/").content.decode()
    assert "importation a été interrompue" in page
    job.refresh_from_db()
    assert bytes(job.content) == b""
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == "FAILED"


def _failed_task():
    result = tasks.add.enqueue(1, 2)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED",
        finished_at=timezone.now(),
        worker_ids=["w"],
        exception_class_path="smtplib.SMTPConnectError",
        traceback="smtplib.SMTPConnectError: (421, 'Service not available')",
    )
    return result


def test_the_directory_team_sees_failed_tasks_and_their_error(db, client, staff, database_tasks):
    result = _failed_task()
    client.force_login(staff)

    listing = client.get("/admin/directory/tasks/").content.decode()
    assert "<code>add</code>" in listing
    assert "/admin/directory/tasks/" in client.get("/admin/").content.decode()  # the menu
    detail = client.get(f"/admin/directory/tasks/{result.id}/").content.decode()
    assert "Service not available" in detail
    assert "[1, 2]" in detail.replace("\n", "").replace("  ", "").replace(",", ", ")


def test_the_task_pages_are_refused_to_staff_without_the_permission(
    db, client, roles, database_tasks
):
    result = _failed_task()
    webmaster = UserFactory(is_staff=True)  # may open the admin, nothing more
    webmaster.groups.add(roles[access.EDITORS.key])
    client.force_login(webmaster)

    for url in ("/admin/directory/tasks/", f"/admin/directory/tasks/{result.id}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    assert "/admin/directory/tasks/" not in client.get("/admin/").content.decode()


def test_the_arguments_of_an_email_are_never_shown(db, client, staff, database_tasks):
    from directory.mail import mail_send

    result = mail_send.enqueue(
        message={"subject": "Réinitialisation", "body": "https://x/reset/SECRET-KEY/", "to": []}
    )
    client.force_login(staff)
    detail = client.get(f"/admin/directory/tasks/{result.id}/").content.decode()
    assert "SECRET-KEY" not in detail
