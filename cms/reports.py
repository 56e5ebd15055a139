"""Admin report: the toolkit's documents by downloads (Reports → Toolkit downloads).

Open to the CMS roles (anyone who may change documents); exportable as CSV or XLSX
like Wagtail's own reports, with formula cells written as text.
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.documents import get_permission_policy

from cms.models import SiteDocument
from directory.spreadsheets import spreadsheet_cell


class ToolkitDownloadsReportView(ReportView):
    page_title = _("Toolkit downloads")
    header_icon = "download"
    index_url_name = "cms_toolkit_downloads"
    index_results_url_name = "cms_toolkit_downloads_results"
    list_export = ["title", "file_extension", "download_count", "created_at"]
    export_headings = {
        "title": _("title"),
        "file_extension": _("format"),
        "download_count": _("downloads"),
        "created_at": _("added on"),
    }
    columns = [
        Column("title", label=_("title")),
        Column("kind_label", label=_("format")),
        Column("download_count", label=_("downloads")),
        Column("created_at", label=_("added on")),
    ]

    def get_queryset(self):
        return SiteDocument.objects.order_by("-download_count", "title")

    any_permission_required = ["change"]

    @cached_property
    def permission_policy(self):
        return get_permission_policy()

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: spreadsheet_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
