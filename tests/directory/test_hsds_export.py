"""The tabular data package: the standard's files and columns, valid rows, published only."""

import csv
import io
import json
import zipfile

import pytest

from directory.models import PublicationState, Service, ServiceAtLocation
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

from .hsds_schemas import assert_valid, datapackage
from .test_hsds_api import TRICKY_FRENCH, rich_service

pytestmark = pytest.mark.django_db

EXPECTED_RESOURCES = {
    "organization",
    "service",
    "location",
    "service_at_location",
    "phone",
    "address",
    "schedule",
    "service_area",
    "required_document",
    "language",
    "accessibility",
    "attribute",
    "taxonomy",
    "taxonomy_term",
    "meta_table_description",
}


def _download(client):
    response = client.get("/api/hsds/export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return response


class Package:
    def __init__(self, content: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.descriptor = json.loads(self.zip.read("datapackage.json"))
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}

    def header(self, name: str) -> list[str]:
        text = self.zip.read(self.resources[name]["path"]).decode("utf-8")
        return next(csv.reader(io.StringIO(text)))

    def rows(self, name: str) -> list[dict]:
        text = self.zip.read(self.resources[name]["path"]).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def package(client, reference_data):
    rich_service()
    ServiceFactory(name="Service en attente", state=PublicationState.PENDING)
    ServiceFactory(
        name="Service d'un organisme non publié",
        organisation=OrganisationFactory(name="Organisme non publié", state=PublicationState.DRAFT),
    )
    return Package(_download(client).content)


def _spec_resources() -> dict:
    return {r["name"]: r for r in datapackage()["resources"]}


def test_archive_has_one_csv_per_resource_with_the_standards_columns(package):
    assert set(package.resources) == EXPECTED_RESOURCES
    spec = _spec_resources()
    for name, resource in package.resources.items():
        assert resource["path"] == spec[name]["path"]
        assert package.header(name) == [f["name"] for f in spec[name]["schema"]["fields"]]
    assert {"README.md", "datapackage.json"} <= set(package.zip.namelist())


def test_descriptor_names_the_data_licence_and_keeps_only_inner_foreign_keys(package):
    assert package.descriptor["licenses"][0]["url"].startswith("https://creativecommons.org/")
    assert package.descriptor["profile"] == "tabular-data-package"
    for resource in package.resources.values():
        assert resource["encoding"] == "utf-8"
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in package.resources


def _typed(row: dict, resource: dict) -> dict:
    """A CSV row as the JSON object HSDS describes: numbers as numbers, empty optional
    cells left out, empty required cells kept as empty strings (an address whose street
    or postal code the recensement does not know yet: see PROFILE.md)."""
    fields = resource["schema"]["fields"]
    types = {field["name"]: field["type"] for field in fields}
    required = {f["name"] for f in fields if f.get("constraints", {}).get("required")}
    obj = {}
    for name, value in row.items():
        if value == "":
            if name in required and types[name] == "string":
                obj[name] = ""
            continue
        if types[name] == "number":
            obj[name] = float(value)
        elif types[name] == "integer":
            obj[name] = int(value)
        else:
            obj[name] = value
    return obj


def test_every_row_validates_against_its_hsds_object_schema(package):
    validated = 0
    for name, resource in package.resources.items():
        for row in package.rows(name):
            assert_valid(name, _typed(row, resource))
            validated += 1
    assert validated > 100


def test_foreign_keys_point_at_exported_rows(package):
    ids = {name: {row["id"] for row in package.rows(name)} for name in package.resources}
    for name, resource in package.resources.items():
        rows = package.rows(name)
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            for row in rows:
                value = row[key["fields"]]
                assert not value or value in ids[target], (name, key["fields"], value)


def test_only_published_records_are_exported(package):
    services = {row["name"] for row in package.rows("service")}
    assert services == set(Service.objects.published().values_list("name", flat=True))
    assert "Service en attente" not in services
    assert "Organisme non publié" not in {row["name"] for row in package.rows("organization")}
    everything = "".join(package.zip.read(r["path"]).decode() for r in package.resources.values())
    for hidden in Service.objects.exclude(pk__in=Service.objects.published()):
        assert str(hidden.uuid) not in everything


def test_french_text_with_quotes_and_line_breaks_survives_the_csv(package):
    service = next(row for row in package.rows("service") if row["name"] == "Accueil à l'arrivée")
    assert service["description"] == TRICKY_FRENCH


def test_english_versions_are_translation_rows_of_attributes_csv(package):
    service = next(row for row in package.rows("service") if row["name"] == "Accueil à l'arrivée")
    terms = {row["id"]: row for row in package.rows("taxonomy_term")}
    english = {
        terms[row["taxonomy_term_id"]]["code"]: row["value"]
        for row in package.rows("attribute")
        if row["link_id"] == service["id"] and row["link_type"] == "translation"
    }
    assert english["en:name"] == "Arrival reception"
    assert english["en:fees_description"] == "Free."
    categories = {
        terms[row["taxonomy_term_id"]]["code"]
        for row in package.rows("attribute")
        if row["link_id"] == service["id"] and row["link_type"] == "service_category"
    }
    assert categories == {"ACC", "ACC.ARRIVEE"}


def test_tables_declare_french_as_their_language(package):
    rows = package.rows("meta_table_description")
    assert {row["name"] for row in rows} == EXPECTED_RESOURCES - {"meta_table_description"}
    assert {row["language"] for row in rows} == {"fr"}


def test_the_same_data_gives_the_same_archive_and_a_304(client, reference_data):
    rich_service()
    first = _download(client)
    second = _download(client)
    assert first.content == second.content
    again = client.get("/api/hsds/export.zip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_demo_export_validates_row_by_row(client, reference_data):
    from cms.demo import demo_seed

    demo_seed()
    package = Package(_download(client).content)
    assert len(package.rows("service")) == Service.objects.published().count() > 0
    for name, resource in package.resources.items():
        for row in package.rows(name):
            assert_valid(name, _typed(row, resource))


FORMULA = '=HYPERLINK("https://example.org/piege","Cliquez ici")'


def test_a_formula_is_a_text_cell_in_the_csv_and_unchanged_in_the_json(client, reference_data):
    service = rich_service()
    Service.objects.filter(pk=service.pk).update(
        name=FORMULA, description="@SUM(1+1)*cmd|' /C calc'!A0", fees="\t=1+1"
    )
    package = Package(_download(client).content)
    row = next(row for row in package.rows("service") if row["id"] == str(service.uuid))
    assert row["name"] == f"'{FORMULA}"
    assert row["description"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["fees_description"] == "'\t=1+1"
    phones = {row["number"] for row in package.rows("phone")}
    assert "'+1 819 555-0199" in phones and "819 555-0100" in phones
    location = package.rows("location")[0]
    assert location["longitude"] == "-71.8929"  # a number stays a number
    data = client.get(f"/api/hsds/services/{service.uuid}").json()
    assert data["name"] == FORMULA
    assert data["description"] == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert data["fees_description"] == "\t=1+1"
    assert {phone["number"] for phone in data["phones"]} == {"+1 819 555-0199"}


def test_services_at_a_location_of_unpublished_records_are_not_exported(client, reference_data):
    rich_service()
    hidden = ServiceFactory(state=PublicationState.DRAFT)
    link = ServiceAtLocation.objects.create(
        service=hidden, location=LocationFactory(organisation=hidden.organisation)
    )
    package = Package(_download(client).content)
    assert str(link.uuid) not in {row["id"] for row in package.rows("service_at_location")}
    assert len(package.rows("service_at_location")) == 1
