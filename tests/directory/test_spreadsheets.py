"""CSV files meant for spreadsheets: no cell runs as a formula (directory/spreadsheets.py)."""

import csv
import io

import pytest

from directory.models import ServiceCategory
from directory.spreadsheets import spreadsheet_cell, spreadsheet_writer


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("https://example.org/piege","Cliquez ici")',
        "+1 819 555-0199",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=1",
        "-",
    ],
)
def test_a_cell_that_would_run_as_a_formula_becomes_text(value):
    assert spreadsheet_cell(value) == f"'{value}"


@pytest.mark.parametrize(
    "value", ["-71.8929", "-71,8929", "+15", "45.4042", "-0.5e3", "0", "", "Accueil", "1 = 1"]
)
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert spreadsheet_cell(value) == value


def test_none_is_an_empty_cell_and_other_values_are_text():
    assert spreadsheet_cell(None) == ""
    assert spreadsheet_cell(-3) == "-3"


def test_the_writer_neutralises_every_cell_and_keeps_csv_quoting():
    buffer = io.StringIO()
    writer = spreadsheet_writer(buffer)
    writer.writerow(["nom", "longitude"])
    writer.writerows([['=HYPERLINK("x","y"), encore', "-71.8929"]])
    assert buffer.getvalue().endswith("\r\n")
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["nom", "longitude"], ['\'=HYPERLINK("x","y"), encore', "-71.8929"]]


@pytest.mark.django_db
def test_the_import_codes_download_neutralises_formulas(client, staff, reference_data):
    ServiceCategory.objects.filter(code="FRA").update(label_fr="=1+1", label_en="@cmd")
    client.force_login(staff)
    response = client.get("/admin/directory/import/codes.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    french = next(row for row in rows if row["code"] == "FRA")
    assert (french["libelle_fr"], french["label_en"]) == ("'=1+1", "'@cmd")
