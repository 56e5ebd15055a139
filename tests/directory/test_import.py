"""Importing the recensement's files: all or nothing, every bad row reported, re-imports update."""

import csv
import io
import json
import time

import pytest

from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import translation

from cms.demo import demo_seed
from directory.importing import COLUMNS, CSV, HSDS_JSON, IMPORTING, VALIDATING, directory_import
from directory.models import (
    ImportJob,
    Location,
    Organisation,
    Phone,
    PublicationState,
    RecordHistory,
    RecordSource,
    Service,
)
from tests.factories import OrganisationFactory, ServiceFactory, UserFactory

from .test_hsds_api import _all_pages, rich_service

pytestmark = pytest.mark.django_db

COLUMN_ORDER = [column.name for column in COLUMNS]


def csv_file(rows: list[dict], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    columns = [name for name in COLUMN_ORDER if any(name in row for row in rows)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def run(content: bytes, *, file_format: str = CSV, honour_state: bool = True, **options):
    return directory_import(
        content=content, file_format=file_format, honour_state=honour_state, **options
    )


GOOD_ROW = {
    "organisme": "Carrefour d'accueil de l'Estrie",
    "sigle": "CAE",
    "type_organisme": "Organisme communautaire",
    "site_web": "www.carrefour-accueil.example.org",
    "service": "Jumelage interculturel",
    "description": "Des « familles d'accueil » bénévoles.\nDeuxième ligne, l'été aussi.",
    "categories": "VIE.JUMELAGE; ACC.ACCOMP",
    "statuts_clientele": "REFUGIE_RPCE, TET",
    "langues": "fr; en; es",
    "territoires": "Sherbrooke; Coaticook",
    "telephone": "819 555-0123",
    "poste": "12",
    "adresse": "1, rue King Ouest",
    "municipalite": "Sherbrooke",
    "code_postal": "j1h1p1",
    "latitude": "45,4042",
    "longitude": "-71,8929",
    "date_confirmation": "2025-03-14",
    "source": "sondage",
}


def _counts() -> tuple:
    return tuple(
        model.objects.count() for model in (Organisation, Service, Location, Phone, RecordHistory)
    )


# --- A good file -----------------------------------------------------------------------


def test_a_good_file_creates_pending_records_with_every_relation(reference_data):
    report = run(csv_file([GOOD_ROW]))
    assert report.ok, report.errors
    organisation = Organisation.objects.get(acronym="CAE")
    service = organisation.services.get()
    assert (organisation.state, service.state) == (PublicationState.PENDING,) * 2
    assert service.source == RecordSource.SURVEY
    assert organisation.kind == "community"
    assert organisation.website == "https://www.carrefour-accueil.example.org"
    assert service.description == GOOD_ROW["description"]
    assert set(service.categories.values_list("code", flat=True)) == {"VIE.JUMELAGE", "ACC.ACCOMP"}
    assert set(service.client_statuses.values_list("code", flat=True)) == {"REFUGIE_RPCE", "TET"}
    assert set(service.languages.values_list("code", flat=True)) == {"fr", "en", "es"}
    assert set(service.territories.values_list("name", flat=True)) == {
        "Sherbrooke",
        "MRC de Coaticook",
    }
    phone = service.phones.get()
    assert (phone.number, phone.extension) == ("819 555-0123", "12")
    location = service.locations.get()
    assert (location.postal_code, location.latitude) == ("J1H 1P1", 45.4042)
    assert str(service.assured_date) == "2025-03-14"
    assert report.created["organisations"] == report.created["services"] == 1


def test_semicolon_separated_windows_1252_file_is_read(reference_data):
    content = csv_file([GOOD_ROW], delimiter=";", encoding="cp1252")
    report = run(content)
    assert report.ok, report.errors
    assert Service.objects.get().description == GOOD_ROW["description"]


def test_the_downloadable_template_imports_cleanly(reference_data, staff, client):
    client.force_login(staff)
    response = client.get("/admin/directory/import/template.csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == COLUMN_ORDER
    report = run(response.content)
    assert report.ok, report.errors
    assert report.created["services"] == 1


def test_imported_services_are_found_by_the_words_of_their_categories(client, reference_data):
    row = {
        **GOOD_ROW,
        "service": "Rencontres du jeudi",
        "description": "",
        "categories": "ACC.ACCOMP",
    }
    assert run(csv_file([row])).ok
    Organisation.objects.update(state=PublicationState.PUBLISHED)
    Service.objects.update(state=PublicationState.PUBLISHED)
    found = client.get("/api/hsds/services", {"search": "case management"}).json()["contents"]
    assert [s["name"] for s in found] == ["Rencontres du jeudi"]


# --- All or nothing -------------------------------------------------------------------------


def test_a_file_with_bad_rows_reports_each_with_its_line_and_writes_nothing(reference_data):
    OrganisationFactory()
    before = _counts()
    rows = [  # spreadsheet rows: the header is row 1
        GOOD_ROW,  # row 2
        {**GOOD_ROW, "service": "Aide à l'emploi", "code_postal": "H0H", "langues": "xx"},  # 3
        {**GOOD_ROW, "service": "Francisation", "categories": "FRA.TEMPS_PLEIN"},  # row 4
        {**GOOD_ROW, "service": "Logement", "courriel_service": "pas-un-courriel"},  # row 5
        {**GOOD_ROW, "organisme": "", "service": "Orphelin"},  # row 6
        {**GOOD_ROW, "service": "Mal daté", "date_confirmation": "14 mars"},  # row 7
    ]
    report = run(csv_file(rows))
    assert not report.ok
    problems = {(error.line, error.column) for error in report.errors}
    assert problems == {
        (3, "code_postal"),
        (3, "langues"),
        (5, "courriel_service"),
        (6, "organisme"),
        (7, "date_confirmation"),
    }
    assert _counts() == before


def test_lines_are_spreadsheet_rows_even_with_multi_line_cells(reference_data):
    rows = [
        {**GOOD_ROW, "description": "une\ndeux\ntrois"},  # row 2, text lines 2 to 4
        {**GOOD_ROW, "service": "Autre", "code_postal": "nope"},  # row 3, text line 5
    ]
    report = run(csv_file(rows))
    assert [(error.line, error.column) for error in report.errors] == [(3, "code_postal")]


def test_an_unknown_column_refuses_the_file_at_line_1(reference_data):
    content = b"organisme,categorie\nX,ACC\n"
    report = run(content)
    assert [(e.line, e.message.count("categorie")) for e in report.errors] == [(1, 1)]
    assert Organisation.objects.count() == 0


def test_a_dry_run_counts_everything_and_writes_nothing(reference_data):
    report = run(csv_file([GOOD_ROW]), dry_run=True)
    assert report.ok and report.created["services"] == 1
    assert _counts() == (0, 0, 0, 0, 0)


# --- Re-importing ------------------------------------------------------------------------------


def test_importing_the_same_file_twice_updates_instead_of_duplicating(reference_data):
    content = csv_file([GOOD_ROW, {**GOOD_ROW, "service": "Accueil"}])
    run(content)
    counts = _counts()
    modified = {s.pk: s.updated_at for s in Service.objects.all()}
    report = run(content)
    assert report.ok
    assert _counts() == counts
    assert report.unchanged["services"] == 2 and not report.updated and not report.created
    assert {s.pk: s.updated_at for s in Service.objects.all()} == modified


def test_matching_ignores_case_and_accents_of_the_names(reference_data):
    organisation = OrganisationFactory(name="Service d'aide aux Néo-Canadiens")
    service = ServiceFactory(organisation=organisation, name="Accueil à l'arrivée")
    rows = [{"organisme": "SERVICE D'AIDE AUX NEO-CANADIENS", "service": "accueil a l'arrivee"}]
    report = run(csv_file(rows))
    assert report.ok, report.errors
    assert Service.objects.count() == 1
    service.refresh_from_db()
    assert service.name == "accueil a l'arrivee"  # the file's spelling wins


def test_an_id_column_matches_even_when_the_name_changes(reference_data):
    service = ServiceFactory(name="Ancien nom")
    rows = [
        {
            "organisme_id": str(service.organisation.uuid),
            "organisme": service.organisation.name,
            "service_id": str(service.uuid),
            "service": "Nouveau nom",
        }
    ]
    assert run(csv_file(rows)).ok
    service.refresh_from_db()
    assert (Service.objects.count(), service.name) == (1, "Nouveau nom")


def test_a_changed_published_record_goes_back_to_pending_and_an_unchanged_one_stays(
    reference_data,
):
    organisation = OrganisationFactory(name="Organisme publié")
    changed = ServiceFactory(organisation=organisation, name="Changé", description="Avant")
    same = ServiceFactory(organisation=organisation, name="Pareil", description="Stable")
    rows = [
        {"organisme": organisation.name, "service": "Changé", "description": "Après"},
        {"organisme": organisation.name, "service": "Pareil", "description": "Stable"},
    ]
    report = run(csv_file(rows), user=UserFactory(is_staff=True))
    assert report.ok
    changed.refresh_from_db()
    same.refresh_from_db()
    assert changed.state == PublicationState.PENDING
    assert same.state == PublicationState.PUBLISHED
    history = RecordHistory.objects.get(service=changed)
    assert history.changes == {"description": ["Avant", "Après"]}


def test_a_state_column_is_for_staff_only(reference_data):
    rows = [{**GOOD_ROW, "etat": "publié"}]
    refused = run(csv_file(rows), honour_state=False)
    assert [error.column for error in refused.errors] == ["etat", "etat"]
    assert Service.objects.count() == 0
    assert run(csv_file(rows), honour_state=True).ok
    assert Service.objects.get().state == PublicationState.PUBLISHED


def test_progress_reaches_the_end_of_both_steps(reference_data):
    rows = [{**GOOD_ROW, "service": f"Service {n}"} for n in range(40)]
    calls = []
    run(csv_file(rows), progress=lambda phase, done, total: calls.append((phase, done, total)))
    for phase in (VALIDATING, IMPORTING):
        done = [d for p, d, t in calls if p == phase]
        assert done == sorted(done) and done[-1] == 40
    assert {t for _p, _d, t in calls} == {40}


# --- HSDS JSON ------------------------------------------------------------------------------------


def _without_volatile(value):
    """Exports compared without what legitimately differs: page URLs and modification times."""
    if isinstance(value, dict):
        return {
            k: _without_volatile(v) for k, v in value.items() if k not in {"uri", "last_modified"}
        }
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def test_hsds_json_round_trip_into_an_empty_directory_gives_the_same_records(
    client, reference_data
):
    demo_seed()
    rich_service()
    exported = _all_pages(client, "/api/hsds/organizations", full_service="true")
    assert any(o["services"] for o in exported)
    Organisation.objects.all().delete()
    assert Service.objects.count() == Location.objects.count() == 0

    report = run(json.dumps(exported).encode(), file_format=HSDS_JSON)
    assert report.ok, report.errors
    assert Service.objects.filter(state=PublicationState.PENDING).count() == Service.objects.count()
    Organisation.objects.update(state=PublicationState.PUBLISHED)
    Service.objects.update(state=PublicationState.PUBLISHED)
    reimported = _all_pages(client, "/api/hsds/organizations", full_service="true")
    assert _without_volatile(reimported) == _without_volatile(exported)

    again = run(json.dumps(exported).encode(), file_format=HSDS_JSON)
    assert again.ok and not again.created


def test_hsds_json_with_an_unknown_language_reports_the_record_and_its_path(reference_data):
    service = {
        "id": "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a01",
        "name": "Service",
        "status": "active",
        "organization": {
            "id": "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a02",
            "name": "Organisme",
            "description": "",
        },
        "languages": [{"id": "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a03", "code": "zz"}],
    }
    other = {**service, "id": "0b6b1f5e-5f0a-4a1e-9d77-3a0d9d1c1a04", "status": "bof"}
    report = run(json.dumps([service, other]).encode(), file_format=HSDS_JSON)
    assert {(e.line, e.column) for e in report.errors} == {
        (1, "languages[0].code"),
        (2, "languages[0].code"),
        (2, "status"),
    }
    assert Organisation.objects.count() == 0


def test_invalid_json_is_refused_with_its_line(reference_data):
    report = run(b'[\n{"name": "x",}\n]', file_format=HSDS_JSON)
    assert [error.line for error in report.errors] == [2]


# --- Languages of the messages -------------------------------------------------------------------


BAD_POSTAL_CODE = [{"organisme": "Organisme", "service": "Service", "code_postal": "H0H"}]


def test_errors_are_in_english_for_an_english_speaking_user(reference_data):
    with translation.override("en"):
        report = run(csv_file(BAD_POSTAL_CODE))
    assert report.errors[0].message == "Not a Canadian postal code: write it as J1H 5N4."


def test_errors_are_in_french_for_a_french_speaking_user(reference_data):
    with translation.override("fr"):
        report = run(csv_file(BAD_POSTAL_CODE))
    assert (
        report.errors[0].message
        == "Ce n'est pas un code postal canadien : écrivez-le comme J1H 5N4."
    )


# --- The command --------------------------------------------------------------------------------


def test_command_lists_bad_rows_in_the_language_asked_and_fails(reference_data, tmp_path):
    path = tmp_path / "recensement.csv"
    path.write_bytes(csv_file([GOOD_ROW, *BAD_POSTAL_CODE]))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_directory", str(path), language="en", stdout=out, stderr=err)
    assert "Line 3 [code_postal]: Not a Canadian postal code" in err.getvalue()
    assert Organisation.objects.count() == 0


def test_command_imports_and_shows_its_progress(reference_data, tmp_path):
    path = tmp_path / "recensement.csv"
    path.write_bytes(csv_file([GOOD_ROW]))
    out = io.StringIO()
    call_command("import_directory", str(path), "--dry-run", language="en", stdout=out)
    assert "Checking: 1/1 (100 %)" in out.getvalue()
    assert "Dry run" in out.getvalue()
    assert Service.objects.count() == 0
    call_command("import_directory", str(path), language="en", stdout=out)
    assert Service.objects.count() == 1


# --- The admin ---------------------------------------------------------------------------------


def _refused(response) -> bool:
    """Wagtail answers a refusal with a redirect to its home page and a message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_import_pages_are_refused_to_members_who_are_not_staff(client, reference_data):
    member = UserFactory()
    client.force_login(member)
    response = client.get("/admin/directory/import/")
    assert response.status_code == 302 and "login" in response["Location"]
    # Given access to the admin, a member who is not staff is still refused the import.
    member.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert client.get("/admin/").status_code == 200
    assert _refused(client.get("/admin/directory/import/"))
    assert _refused(client.get("/admin/directory/import/template.csv"))
    job = ImportJob.objects.create(
        created_by=UserFactory(is_staff=True), filename="x.csv", file_format=CSV, content=b"x"
    )
    assert _refused(client.get(f"/admin/directory/import/{job.uuid}/"))
    assert _refused(client.get(f"/admin/directory/import/{job.uuid}/status.json"))
    upload = io.BytesIO(csv_file([GOOD_ROW]))
    upload.name = "recensement.csv"
    response = client.post("/admin/directory/import/", {"file": upload, "file_format": "auto"})
    assert _refused(response)
    assert ImportJob.objects.count() == 1 and Service.objects.count() == 0


def _upload_and_wait(client, content: bytes, **fields) -> dict:
    upload = io.BytesIO(content)
    upload.name = "recensement.csv"
    response = client.post(
        "/admin/directory/import/",
        {"file": upload, "file_format": "auto", "default_source": "survey", **fields},
    )
    assert response.status_code == 302, response.content[:2000]
    job_url = response["Location"]
    deadline = time.monotonic() + 60
    while True:
        status = client.get(f"{job_url}status.json").json()
        if status["finished"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    status["page"] = client.get(job_url).content.decode()
    return status


@pytest.mark.django_db(transaction=True)
def test_staff_upload_runs_the_import_in_the_background_to_the_end(client, reference_data):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get("/admin/directory/import/")
    assert page.status_code == 200
    assert 'href="/admin/directory/import/template.csv"' in page.content.decode()
    status = _upload_and_wait(client, csv_file([GOOD_ROW, {**GOOD_ROW, "service": "Autre"}]))
    assert status["status"] == ImportJob.Status.DONE, status
    assert (status["processed"], status["total"], status["percent"]) == (2, 2, 100)
    assert Service.objects.filter(source=RecordSource.SURVEY).count() == 2
    assert "<progress" not in status["page"]
    assert RecordHistory.objects.filter(actor=staff).count() == 3


@pytest.mark.django_db(transaction=True)
def test_staff_upload_of_a_bad_file_lists_every_error_and_writes_nothing(client, reference_data):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rows = [GOOD_ROW, *BAD_POSTAL_CODE, {**GOOD_ROW, "service": "X", "langues": "xx"}]
    status = _upload_and_wait(client, csv_file(rows), dry_run="")
    assert status["status"] == ImportJob.Status.REJECTED
    assert [(e["line"], e["column"]) for e in status["errors"]] == [
        (3, "code_postal"),
        (4, "langues"),
    ]
    assert '<th scope="row">3</th>' in status["page"]
    assert Organisation.objects.count() == 0


def test_a_running_job_page_has_a_progress_bar_a_live_region_and_a_fallback(client, staff):
    client.force_login(staff)
    job = ImportJob.objects.create(
        created_by=staff, filename="gros.csv", file_format=CSV, content=b"x", total=3000
    )
    page = client.get(f"/admin/directory/import/{job.uuid}/").content.decode()
    assert '<progress id="import-progress" max="3000" value="0"' in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "directory/js/import_progress.mjs" in page
    status = client.get(f"/admin/directory/import/{job.uuid}/status.json").json()
    assert (status["finished"], status["total"]) == (False, 3000)
