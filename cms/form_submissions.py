"""The admin's export of form submissions (Forms → a form → CSV or XLSX)."""

from wagtail.contrib.forms.views import SubmissionsListView

from directory.spreadsheets import spreadsheet_cell


class SafeSubmissionsListView(SubmissionsListView):
    """Wagtail's export of submissions, with CSV cells no spreadsheet runs as formulas
    (a visitor typed them: ``=HYPERLINK(…)`` stays text). XLSX cells already are."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: spreadsheet_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
