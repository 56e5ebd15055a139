"""The admin's "Import the directory" pages: upload, progress, templates and codes.

Registered by the import section of ``directory/wagtail_hooks.py`` under
``/admin/directory/import/``. Wagtail checks admin access; these views also
require the permission to import (``directory/access.py``).
"""

from __future__ import annotations

import io
from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from directory import access
from directory.importing import COLUMNS, CSV, HSDS_JSON, XLSX, template_csv, template_xlsx
from directory.importing.jobs import MAX_UPLOAD_BYTES, import_job_create, import_job_status
from directory.importing.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from directory.models import (
    ClientStatus,
    ImportJob,
    Language,
    RecordSource,
    ServiceCategory,
    Territory,
)
from directory.spreadsheets import spreadsheet_writer

AUTO = "auto"


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File to import"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx, first sheet) or a CSV file following the template "
            "(UTF-8, UTF-16 or Windows-1252, separated by commas or semicolons), or an "
            "HSDS 3.0 JSON file. 10 MB at most."
        ),
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            (AUTO, gettext_lazy("Guess from the file")),
            (XLSX, gettext_lazy("Excel workbook (recensement template)")),
            (CSV, gettext_lazy("CSV (recensement template)")),
            (HSDS_JSON, gettext_lazy("HSDS 3.0 JSON")),
        ],
        initial=AUTO,
    )
    default_source = forms.ChoiceField(
        label=gettext_lazy("Source of the information"),
        choices=RecordSource.choices,
        initial=RecordSource.DOCUMENT,
        help_text=gettext_lazy("For the rows that have no « source » column."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only, write nothing"),
        required=False,
        help_text=gettext_lazy(
            "Every row is checked and counted as for a real import, then nothing is kept."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into several files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def import_permission_required(view):
    """Those who may import (``IMPORT_DIRECTORY``): an import touches every organisation."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm(access.IMPORT_DIRECTORY):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _job_or_404(uuid) -> ImportJob:
    try:
        return ImportJob.objects.defer("content").get(uuid=uuid)
    except (ImportJob.DoesNotExist, ValueError) as error:
        raise Http404 from error


@import_permission_required
@require_http_methods(["GET", "POST"])
def import_index(request):
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        chosen = form.cleaned_data["file_format"]
        job = import_job_create(
            user=request.user,
            filename=upload.name,
            content=upload.read(),
            file_format=None if chosen == AUTO else chosen,
            default_source=form.cleaned_data["default_source"],
            dry_run=form.cleaned_data["dry_run"],
            language=translation.get_language() or "fr",
        )
        return redirect("directory_import:job", uuid=job.uuid)
    jobs = ImportJob.objects.defer("content").select_related("created_by")[:10]
    return render(
        request,
        "directory/admin/import.html",
        {"form": form, "jobs": jobs, "columns": COLUMNS},
        status=400 if request.method == "POST" else 200,
    )


@import_permission_required
@require_GET
def import_job(request, uuid):
    job = _job_or_404(uuid)
    status = import_job_status(job)
    return render(
        request,
        "directory/admin/import_job.html",
        {
            "job": job,
            "status": status,
            "status_url": reverse("directory_import:job_status", kwargs={"uuid": job.uuid}),
        },
    )


@import_permission_required
@require_GET
def import_job_status_json(request, uuid):
    response = JsonResponse(import_job_status(_job_or_404(uuid)))
    response["Cache-Control"] = "no-store"
    return response


@import_permission_required
@require_GET
def import_template(request):
    """The CSV template with one example row, UTF-8 with a BOM so that Excel reads accents."""
    response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-repertoire.csv"'
    return response


@import_permission_required
@require_GET
def import_template_xlsx(request):
    """The template as an Excel workbook: columns formatted as text, an example row, and a
    second sheet saying what each column holds (the importer reads the first sheet only)."""
    response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="modele-import-repertoire.xlsx"'
    return response


@import_permission_required
@require_GET
def import_codes(request):
    """Every code the template's list columns accept, with its French and English labels.

    Opened in a spreadsheet: cells that would run as formulas are written as text."""
    buffer = io.StringIO()
    writer = spreadsheet_writer(buffer)
    writer.writerow(["colonne", "code", "libelle_fr", "label_en"])
    for category in ServiceCategory.objects.order_by("position"):
        writer.writerow(["categories", category.code, category.label_fr, category.label_en])
    for status in ClientStatus.objects.order_by("position"):
        writer.writerow(["statuts_clientele", status.code, status.label_fr, status.label_en])
    for language in Language.objects.order_by("position", "code"):
        writer.writerow(["langues", language.code, language.label_fr, language.label_en])
    for territory in Territory.objects.order_by("position"):
        writer.writerow(["territoires", territory.code, territory.name, territory.name])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="codes-import-repertoire.csv"'
    return response


app_name = "directory_import"

urlpatterns = [
    path("", import_index, name="index"),
    path("template.csv", import_template, name="template"),
    path("template.xlsx", import_template_xlsx, name="template_xlsx"),
    path("codes.csv", import_codes, name="codes"),
    path("<uuid:uuid>/", import_job, name="job"),
    path("<uuid:uuid>/status.json", import_job_status_json, name="job_status"),
]
