"""What an import file may be: encodings, odd characters, sizes, duplicates, Excel workbooks.

Every bad file gets a clear error in the user's language, with its line (or
record) and column where there is one, and nothing is written.
"""

import codecs
import io
import json
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from django.core.management import CommandError, call_command
from django.utils import translation

from directory.importing import CSV, HSDS_JSON, XLSX, detect_format
from directory.importing import xlsx as import_xlsx
from directory.models import Location, Organisation, Phone, Service
from tests.factories import LocationFactory, OrganisationFactory, PhoneFactory, ServiceFactory

from .test_import import COLUMN_ORDER, GOOD_ROW, _counts, csv_file, run

pytestmark = pytest.mark.django_db

ORG_ID = "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a02"
OTHER_ORG_ID = "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a05"
SERVICE_ID = "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a01"
LOCATION_ID = "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a07"


def where(report) -> list[tuple[int, str]]:
    return [(error.line, error.column) for error in report.errors]


def hsds_organisation(identifier: str = ORG_ID, name: str = "Organisme", **extra) -> dict:
    return {"id": identifier, "name": name, "description": "", **extra}


def hsds_service(identifier: str = SERVICE_ID, name: str = "Service", **extra) -> dict:
    return {"id": identifier, "name": name, "status": "active", **extra}


def hsds_location(identifier: str = LOCATION_ID, name: str = "Bureau", **extra) -> dict:
    return {"id": identifier, "name": name, "location_type": "physical", **extra}


def as_json(records) -> bytes:
    return json.dumps(records).encode()


# --- Identifiers given twice ---------------------------------------------------------------


def test_hsds_json_giving_one_organisation_twice_reports_the_second_record(reference_data):
    records = [hsds_organisation(name="Premier"), hsds_organisation(name="Second")]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert where(report) == [(2, "id")]
    assert "record 1" in report.errors[0].message or "enregistrement 1" in (
        report.errors[0].message
    )
    assert Organisation.objects.count() == 0


def test_hsds_json_giving_a_service_to_two_organisations_reports_it(reference_data):
    records = [
        hsds_organisation(services=[hsds_service()]),
        hsds_organisation(OTHER_ORG_ID, "Autre organisme", services=[hsds_service()]),
    ]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert where(report) == [(2, "id")]
    assert Service.objects.count() == 0


def test_hsds_json_giving_one_location_id_to_two_organisations_reports_it(reference_data):
    records = [
        hsds_organisation(locations=[hsds_location()]),
        hsds_organisation(OTHER_ORG_ID, "Autre organisme", locations=[hsds_location()]),
    ]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert where(report) == [(2, "locations[0].id")]
    assert Location.objects.count() == 0


def test_hsds_json_may_repeat_a_location_under_the_services_given_there(reference_data):
    location = hsds_location(addresses=[{"address_1": "1, rue King", "postal_code": "j1h1p1"}])
    service = hsds_service(service_at_locations=[{"location": location}])
    report = run(
        as_json([hsds_organisation(locations=[location], services=[service])]),
        file_format=HSDS_JSON,
    )
    assert report.ok, report.errors
    assert Location.objects.get().postal_code == "J1H 1P1"


def test_hsds_json_giving_a_location_id_of_another_organisation_is_refused(reference_data):
    other = LocationFactory(organisation=OrganisationFactory(name="Autre"))
    records = [hsds_organisation(locations=[hsds_location(str(other.uuid))])]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert where(report) == [(1, "locations[0].id")]
    other.refresh_from_db()
    assert other.name != "Bureau"


def test_hsds_json_giving_a_phone_id_of_another_record_is_refused(reference_data):
    phone = PhoneFactory(organisation=OrganisationFactory(name="Autre"))
    records = [
        hsds_organisation(phones=[{"id": str(phone.uuid), "number": "819 555-0111"}]),
    ]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert where(report) == [(1, "phones[0].id")]
    assert Phone.objects.get().number == phone.number


def test_a_csv_service_id_shared_by_two_organisations_is_an_error_on_its_row(reference_data):
    rows = [
        {"organisme": "Premier", "service_id": SERVICE_ID, "service": "Accueil"},
        {"organisme": "Second", "service_id": SERVICE_ID, "service": "Accueil"},
    ]
    with translation.override("en"):
        report = run(csv_file(rows))
    assert where(report) == [(3, "service_id")]
    assert "line 2" in report.errors[0].message
    assert "UNIQUE" not in report.errors[0].message
    assert Service.objects.count() == 0


def test_a_conflict_found_only_by_the_database_is_reported_in_words_not_sql(
    reference_data, monkeypatch
):
    """Should a conflict slip past the checks, people still read a sentence about their row."""
    from django.db import IntegrityError

    from directory.importing.apply import Applier

    def conflict(self, plan):
        raise IntegrityError('duplicate key value violates unique constraint "x_uuid_key"')

    monkeypatch.setattr(Applier, "service", conflict)
    with translation.override("fr"):
        report = run(csv_file([GOOD_ROW]))
    assert where(report) == [(2, "")]
    assert "duplicate" not in report.errors[0].message
    assert "Rien n'a été importé" in report.errors[0].message
    assert Organisation.objects.count() == 0


# --- Characters the forms refuse --------------------------------------------------------------


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_cell_is_refused_with_its_row_and_column(
    reference_data, character
):
    rows = [GOOD_ROW, {**GOOD_ROW, "service": "Logement", "description": f"a{character}b"}]
    with translation.override("en"):
        report = run(csv_file(rows))
    assert where(report) == [(3, "description")]
    assert f"U+{ord(character):04X}" in report.errors[0].message
    assert _counts() == (0, 0, 0, 0, 0)


def test_control_characters_and_lone_surrogates_in_json_are_refused_with_their_path(
    reference_data,
):
    text = (
        '[{"id": "ORG_ID", "name": "Org\\u0000", "description": "",'
        ' "services": [{"name": "S\\ud800", "status": "active"}]}]'
    ).replace("ORG_ID", ORG_ID)
    report = run(text.encode(), file_format=HSDS_JSON)
    assert where(report) == [(1, "name"), (1, "services[0].name")]
    assert Organisation.objects.count() == 0


def test_json_escapes_of_accents_and_emoji_are_text_not_errors(reference_data):
    """Python and many tools write every non-ASCII character as an escape (an emoji as
    two surrogates): that is text, unlike a lone surrogate."""
    records = [hsds_organisation(name="Café des âges 😀", services=[hsds_service()])]
    report = run(json.dumps(records, ensure_ascii=True).encode(), file_format=HSDS_JSON)
    assert report.ok, report.errors
    assert Organisation.objects.get().name == "Café des âges 😀"


def test_a_json_string_longer_than_a_cell_is_refused_with_its_path(reference_data):
    records = [hsds_organisation(services=[hsds_service(description="x" * 40_000)])]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert where(report) == [(1, "services[0].description")]


def test_a_text_where_a_list_is_expected_or_the_reverse_is_an_error_not_a_crash(reference_data):
    records = [
        hsds_organisation(
            name=["not", "text"],
            phones="819 555-0123",
            services=[
                hsds_service(
                    service_areas=["Sherbrooke"],
                    attributes=[{"taxonomy_term_id": [1], "taxonomy_term": {"taxonomy_id": ["x"]}}],
                )
            ],
        )
    ]
    report = run(as_json(records), file_format=HSDS_JSON)
    assert (1, "name") in where(report)
    assert (1, "services[0].service_areas[0].name") in where(report)
    assert Organisation.objects.count() == 0


def test_direction_marks_and_byte_order_marks_around_values_are_removed(reference_data):
    row = {
        **GOOD_ROW,
        "organisme": "\u200fCarrefour d'accueil de l'Estrie\ufeff",
        "code_postal": "J1H 1P1\u200e",
        "description": "مرحبا\u200f بكم",
    }
    report = run(csv_file([row]))
    assert report.ok, report.errors
    service = Service.objects.get()
    assert service.organisation.name == "Carrefour d'accueil de l'Estrie"
    assert service.description == "مرحبا\u200f بكم"  # inside text, a direction mark is text
    assert service.locations.get().postal_code == "J1H 1P1"


def test_a_header_repeated_in_the_middle_of_the_file_is_reported(reference_data):
    """Two CSV files pasted one after the other: the second's header (and its byte order
    mark) must not become an organisation named « organisme »."""
    first = csv_file([GOOD_ROW])
    second = codecs.BOM_UTF8 + csv_file([{**GOOD_ROW, "service": "Autre"}])
    report = run(first + second)
    assert where(report) == [(3, "")]
    assert Organisation.objects.count() == 0


def test_the_importer_refuses_what_the_forms_refuse_with_the_same_words(reference_data):
    """One rule (directory/catalogue/validation.py): the forms' words, in French."""
    rows = [
        {
            "organisme": "Organisme",
            "service": "Service",
            "telephone": "abc<script>",
            "code_postal": "ZZZ ZZZ",
        }
    ]
    report = run(csv_file(rows))
    messages = {error.column: error.message for error in report.errors}
    assert messages == {
        "telephone": (
            "Ce n'est pas un numéro de téléphone : écrivez les 10 chiffres avec l'indicatif "
            "régional (819 555-0123), ou un numéro international commençant par + "
            "(+33 1 23 45 67 89)."
        ),
        "code_postal": "Ce n'est pas un code postal canadien : écrivez-le comme J1H 5N4.",
    }


# --- Sizes -------------------------------------------------------------------------------------


def test_a_one_megabyte_cell_is_refused_with_its_line_and_column_in_french(reference_data):
    rows = [GOOD_ROW, {**GOOD_ROW, "service": "Gros", "description": "x" * 1_000_000}]
    with translation.override("fr"):
        report = run(csv_file(rows))
    assert where(report) == [(3, "description")]
    assert "1000000" in report.errors[0].message.replace("\u202f", "").replace(" ", "")
    assert "caractères" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_an_unclosed_quote_swallowing_the_file_is_explained(reference_data):
    good = csv_file([GOOD_ROW]).decode()
    lines = "".join(f"X{n},Service {n}\r\n" for n in range(3000))
    content = (good + 'Autre,"Service\r\n' + lines * 4).encode()
    with translation.override("en"):
        report = run(content)
    assert len(report.errors) == 1
    assert "quotation mark" in report.errors[0].message


def test_a_file_with_more_rows_than_allowed_is_refused_before_reading_them_all(
    reference_data, monkeypatch
):
    monkeypatch.setattr("directory.importing.csv_template.MAX_RECORDS", 50)
    rows = [{**GOOD_ROW, "service": f"Service {n}"} for n in range(200)]
    report = run(csv_file(rows))
    assert where(report) == [(52, "")]
    assert "50" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_a_file_larger_than_the_limit_is_refused(reference_data, monkeypatch):
    monkeypatch.setattr("directory.importing.MAX_FILE_BYTES", 1000)
    with translation.override("en"):
        report = run(csv_file([GOOD_ROW] * 10))
    assert len(report.errors) == 1 and "larger than 1000" in report.errors[0].message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"organisme,service\r\n", "no rows"),
        (b"organisme,service\r\n,\r\n , \r\n", "no rows"),
    ],
)
def test_empty_files_and_files_with_only_a_header_are_refused_clearly(
    reference_data, content, expected
):
    with translation.override("en"):
        report = run(content)
    assert len(report.errors) == 1 and expected in report.errors[0].message


def test_an_empty_json_list_is_refused_clearly(reference_data):
    with translation.override("en"):
        report = run(b"[]", file_format=HSDS_JSON)
    assert ["no organization" in error.message for error in report.errors] == [True]


def test_deeply_nested_json_is_refused_quickly_with_a_clear_message(reference_data):
    content = b"[" * 100_000 + b"]" * 100_000
    with translation.override("en"):
        report = run(content, file_format=HSDS_JSON)
    assert len(report.errors) == 1
    assert "nested too deep" in report.errors[0].message


def test_a_five_thousand_digit_number_is_refused_with_a_clear_message(reference_data):
    content = (
        ('[{"id": "ORG_ID", "name": "X", "description": "",\n "phones": [{"number": DIGITS}]}]')
        .replace("ORG_ID", ORG_ID)
        .replace("DIGITS", "9" * 5000)
    )
    with translation.override("en"):
        report = run(content.encode(), file_format=HSDS_JSON)
    assert where(report) == [(2, "")]
    assert "5000 digits" in report.errors[0].message


def test_invalid_json_is_explained_in_the_users_language(reference_data):
    with translation.override("fr"):
        report = run(b'[\n{"name": "x",}\n]', file_format=HSDS_JSON)
    assert where(report) == [(2, "")]
    assert report.errors[0].message.startswith("Ce n'est pas du JSON valide")


# --- Encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_files_with_a_byte_order_mark_are_read_in_their_encoding(reference_data, encoding):
    text = csv_file([GOOD_ROW], delimiter="\t").decode()
    mark = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
    }.get(encoding, b"")
    report = run(mark + text.encode(encoding))
    assert report.ok, report.errors
    assert Service.objects.get().description == GOOD_ROW["description"]


def test_a_utf16_file_saved_without_its_mark_is_still_read(reference_data):
    report = run(csv_file([GOOD_ROW]).decode().encode("utf-16-le"))
    assert report.ok, report.errors


def test_a_file_mixing_utf8_and_windows_1252_is_refused_with_the_line_and_the_remedy(
    reference_data,
):
    content = csv_file([GOOD_ROW]) + "Autre;Église\r\n".encode("cp1252")
    with translation.override("en"):
        report = run(content)
    assert len(report.errors) == 1
    message = report.errors[0].message
    assert "mixes two encodings" in message and "CSV UTF-8" in message


def test_a_utf16_mark_on_a_file_that_is_not_utf16_names_the_accepted_encodings(
    reference_data,
):
    with translation.override("en"):
        report = run(codecs.BOM_UTF16_LE + b"organisme\n\x00\xd8")
    assert len(report.errors) == 1
    assert "UTF-8" in report.errors[0].message and "Windows-1252" in report.errors[0].message


def test_an_excel_file_sent_as_csv_is_recognised(reference_data):
    with translation.override("en"):
        report = run(workbook_file([GOOD_ROW]), file_format=CSV)
    assert "Excel" in report.errors[0].message


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("recensement.xlsx", b"", XLSX),
        ("recensement.bin", b"PK\x03\x04rest", XLSX),
        ("recensement.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", XLSX),
        ("recensement.txt", b"\xff\xfe[\x00{\x00", HSDS_JSON),
        ("recensement.txt", b"\xef\xbb\xbf  [", HSDS_JSON),
        ("recensement.txt", b"organisme,service", CSV),
    ],
)
def test_the_format_is_guessed_from_the_name_then_the_first_bytes(filename, content, expected):
    assert detect_format(filename, content) == expected


# --- Excel workbooks ------------------------------------------------------------------------------


def workbook_file(rows: list[dict], *, title_rows: int = 0, values=None) -> bytes:
    """A workbook whose first sheet holds the rows under the template's header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    columns = [name for name in COLUMN_ORDER if any(name in row for row in rows)]
    for _ in range(title_rows):
        sheet.append([])
    sheet.append(columns)
    for row in rows:
        sheet.append([(values or {}).get(name, row.get(name)) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_values(content: bytes, cached: dict[str, str]) -> bytes:
    """The workbook as Excel saves it: each formula cell given its computed value."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in cached.items():
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{ref}"\1 t="str"><f>\2</f><v>{value}</v>',
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return output.getvalue()


def test_an_excel_workbook_imports_like_the_csv_template(reference_data):
    row = {
        **GOOD_ROW,
        "telephone": 8195550123,
        "poste": 12,
        "latitude": 45.4042,
        "longitude": -71.8929,
        "date_confirmation": datetime(2025, 3, 14),
    }
    report = run(
        workbook_file([row, {**row, "service": "Autre", "date_confirmation": date(2025, 3, 1)}]),
        file_format=XLSX,
    )
    assert report.ok, report.errors
    service = Service.objects.get(name=GOOD_ROW["service"])
    assert service.description == GOOD_ROW["description"]
    assert str(service.assured_date) == "2025-03-14"
    phone = service.phones.get()
    assert (phone.number, phone.extension) == ("819 555-0123", "12")
    assert service.locations.get().latitude == 45.4042
    assert str(Service.objects.get(name="Autre").assured_date) == "2025-03-01"


def test_excel_rows_are_numbered_as_excel_shows_them(reference_data):
    rows = [GOOD_ROW, {**GOOD_ROW, "service": "Autre", "code_postal": "nope"}]
    report = run(workbook_file(rows, title_rows=2), file_format=XLSX)
    assert where(report) == [(5, "code_postal")]


def test_excel_formulas_count_as_the_value_excel_saved(reference_data):
    content = workbook_file(
        [GOOD_ROW], values={"service": '="Jumelage "&"interculturel"', "sigle": '=LOWER("CAE")'}
    )
    columns = [name for name in COLUMN_ORDER if name in GOOD_ROW]
    service_cell = f"{openpyxl.utils.get_column_letter(columns.index('service') + 1)}2"
    acronym_cell = f"{openpyxl.utils.get_column_letter(columns.index('sigle') + 1)}2"
    saved = with_cached_values(
        content, {service_cell: "Jumelage interculturel", acronym_cell: "cae"}
    )
    report = run(saved, file_format=XLSX)
    assert report.ok, report.errors
    service = Service.objects.get()
    assert (service.name, service.organisation.acronym) == ("Jumelage interculturel", "cae")


def test_an_excel_formula_without_a_saved_value_is_an_error_not_an_empty_cell(reference_data):
    content = workbook_file([GOOD_ROW], values={"sigle": '=LOWER("CAE")'})
    with translation.override("en"):
        report = run(content, file_format=XLSX)
    assert where(report) == [(2, "sigle")]
    assert "formula" in report.errors[0].message
    assert Organisation.objects.count() == 0


def test_an_excel_error_value_is_reported(reference_data):
    content = workbook_file([GOOD_ROW], values={"categories": "#N/A"})
    report = run(content, file_format=XLSX)
    assert where(report) == [(2, "categories")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a workbook at all", "not an Excel workbook"),
        (b"PK\x03\x04" + b"\x00" * 200, "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password"),
    ],
)
def test_files_that_are_not_readable_workbooks_are_refused_clearly(
    reference_data, content, expected
):
    with translation.override("en"):
        report = run(content, file_format=XLSX)
    assert len(report.errors) == 1 and expected in report.errors[0].message


def test_a_zip_that_is_not_a_workbook_is_refused_clearly(reference_data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    with translation.override("en"):
        report = run(buffer.getvalue(), file_format=XLSX)
    assert len(report.errors) == 1 and "cannot be read" in report.errors[0].message


def test_a_workbook_too_large_once_unpacked_is_refused_before_it_is_read(
    reference_data, monkeypatch
):
    monkeypatch.setattr(import_xlsx, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    buffer = io.BytesIO(workbook_file([GOOD_ROW]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\x00" * (3 * 1024 * 1024))
    with translation.override("en"):
        report = run(buffer.getvalue(), file_format=XLSX)
    assert len(report.errors) == 1 and "too large" in report.errors[0].message


def test_an_empty_first_sheet_says_that_only_the_first_sheet_is_read(reference_data):
    workbook = openpyxl.Workbook()
    workbook.create_sheet("Données").append(["organisme"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"):
        report = run(buffer.getvalue(), file_format=XLSX)
    assert len(report.errors) == 1 and "first sheet" in report.errors[0].message


def test_the_excel_template_downloads_and_imports_cleanly(reference_data, staff, client):
    client.force_login(staff)
    page = client.get("/admin/directory/import/").content.decode()
    assert 'href="/admin/directory/import/template.xlsx"' in page
    response = client.get("/admin/directory/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == import_xlsx.CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == COLUMN_ORDER
    assert len(workbook.worksheets) == 2  # the second explains the columns
    report = run(response.content, file_format=XLSX)
    assert report.ok, report.errors
    assert report.created["services"] == 1


def test_command_imports_an_excel_workbook_guessing_its_format(reference_data, tmp_path):
    path = tmp_path / "recensement.xlsx"
    path.write_bytes(workbook_file([GOOD_ROW]))
    call_command("import_directory", str(path), language="en", stdout=io.StringIO())
    assert Service.objects.count() == 1


def test_command_lists_excel_errors_by_line(reference_data, tmp_path):
    path = tmp_path / "recensement"
    path.write_bytes(workbook_file([GOOD_ROW, {**GOOD_ROW, "service": "X", "code_postal": "?"}]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_directory",
            str(path),
            "--format",
            "xlsx",
            language="en",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "Line 3 [code_postal]" in err.getvalue()


def test_command_refuses_a_file_larger_than_the_limit_without_reading_it(
    reference_data, tmp_path, monkeypatch
):
    monkeypatch.setattr("directory.management.commands.import_directory.MAX_FILE_BYTES", 100)
    path = tmp_path / "recensement.csv"
    path.write_bytes(csv_file([GOOD_ROW]))
    with pytest.raises(CommandError, match="larger than 100"):
        call_command("import_directory", str(path), language="en", stdout=io.StringIO())


def test_an_excel_upload_in_the_admin_is_recognised_and_its_errors_numbered_by_line(
    client, staff, reference_data
):
    from directory.importing.jobs import import_job_status
    from directory.models import ImportJob

    client.force_login(staff)
    page = client.get("/admin/directory/import/").content.decode()
    assert 'value="xlsx"' in page
    upload = io.BytesIO(workbook_file([GOOD_ROW]))
    upload.name = "Recensement 2025.XLSX"
    response = client.post(
        "/admin/directory/import/",
        {"file": upload, "file_format": "auto", "default_source": "survey"},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.file_format == XLSX
    with translation.override("fr"):
        assert import_job_status(job)["line_label"] == "Ligne"


def test_existing_records_phones_are_matched_whatever_their_old_spelling(reference_data):
    """A phone saved before numbers were normalised is the same phone, not a new one."""
    organisation = OrganisationFactory(name=GOOD_ROW["organisme"])
    service = ServiceFactory(organisation=organisation, name=GOOD_ROW["service"])
    PhoneFactory(organisation=None, service=service, number="(819) 555.0123", extension="12")
    assert run(csv_file([GOOD_ROW])).ok
    assert list(service.phones.values_list("number", "extension")) == [("819 555-0123", "12")]
