"""The admin's "Background tasks" pages: failed, running and waiting tasks, and the workers.

Registered by the background tasks section of ``directory/wagtail_hooks.py``
under ``/admin/directory/tasks/``, for those who hold
``VIEW_BACKGROUND_TASKS`` (the directory team). Read-only: a failed e-mail
or import is re-sent by doing again what sent it. The arguments of tasks
declared ``arguments_hidden`` (e-mails: password reset links) are never
shown.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from directory import access
from directory.admin_access import PermissionRequiredMixin
from directory.background import arguments_are_hidden
from directory.background.reaper import WORKER_LOST_PATH, worker_dead_after
from directory.models import TaskWorker

#: The listing's tabs, in order: status filter, label.
STATUSES = {
    TaskResultStatus.FAILED: _("Failed"),
    TaskResultStatus.RUNNING: _("Running"),
    TaskResultStatus.READY: _("Waiting"),
    TaskResultStatus.SUCCESSFUL: _("Done"),
}
PER_PAGE = 50


def _row(result: DBTaskResult) -> dict:
    run_after = result.run_after if result.run_after != get_date_max() else None
    return {
        "id": result.id,
        "name": result.task_path.rsplit(".", 1)[-1],
        "path": result.task_path,
        "status": result.status,
        "status_label": STATUSES.get(result.status, result.status),
        "attempts": len(result.worker_ids),
        "enqueued_at": result.enqueued_at,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "next_attempt_at": run_after
        if result.status == TaskResultStatus.READY and run_after and result.worker_ids
        else None,
        "worker_id": result.worker_ids[-1] if result.worker_ids else "",
        "error_class": result.exception_class_path,
        "worker_lost": result.exception_class_path == WORKER_LOST_PATH,
    }


class TaskListView(PermissionRequiredMixin, TemplateView):
    permission_required = access.VIEW_BACKGROUND_TASKS
    template_name = "directory/admin/tasks.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", TaskResultStatus.FAILED)
        if status not in STATUSES:
            status = TaskResultStatus.FAILED
        counts = dict(
            DBTaskResult.objects.values_list("status").annotate(count=Count("pk")).order_by()
        )
        results = (
            DBTaskResult.objects.filter(status=status)
            .defer("args_kwargs", "return_value", "traceback")
            .order_by("-enqueued_at")
        )
        page = Paginator(results, PER_PAGE).get_page(self.request.GET.get("p"))
        cutoff = timezone.now() - worker_dead_after()
        workers = [
            {"worker": worker, "alive": worker.last_seen_at >= cutoff}
            for worker in TaskWorker.objects.order_by("-last_seen_at")
        ]
        return {
            **super().get_context_data(**kwargs),
            "status": status,
            "tabs": [
                {"status": key, "label": label, "count": counts.get(key, 0)}
                for key, label in STATUSES.items()
            ],
            "page": page,
            "rows": [_row(result) for result in page],
            "workers": workers,
            "dead_after_minutes": max(1, int(worker_dead_after() / timedelta(minutes=1))),
        }


class TaskDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = access.VIEW_BACKGROUND_TASKS
    template_name = "directory/admin/task_detail.html"

    def get_context_data(self, **kwargs):
        try:
            result = DBTaskResult.objects.get(pk=kwargs["task_id"])
        except DBTaskResult.DoesNotExist as error:
            raise Http404 from error
        hidden = arguments_are_hidden(result.task_path)
        return {
            **super().get_context_data(**kwargs),
            "task": _row(result),
            "worker_ids": result.worker_ids,
            "arguments_hidden": hidden,
            "arguments": ""
            if hidden
            else json.dumps(result.args_kwargs, indent=2, ensure_ascii=False, default=str),
            "traceback": result.traceback,
        }


app_name = "directory_tasks"

urlpatterns = [
    path("", TaskListView.as_view(), name="index"),
    path("<uuid:task_id>/", TaskDetailView.as_view(), name="detail"),
]
