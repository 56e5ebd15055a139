"""The HSDS 3.0 tabular data package: one CSV per HSDS object, and ``datapackage.json``.

Rows come from the same nested dicts the API serves (``directory/opendata/hsds.py``),
flattened: every nested object becomes a row of its own table, linked by
its ``*_id`` columns, and an object met twice (a location nested under
several services) is written once. Column names and order, and each
resource's description, are those of the HSDS 3.0 descriptor
(``directory/opendata/spec/datapackage.json``); foreign keys to tables we do not
publish (contacts, programs, funding…) are left out of the descriptor.

The archive is built in memory (the directory holds thousands of records,
not millions) with fixed timestamps, so that the same data gives the same
bytes and the same ETag.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone

from directory.models import ClientStatus, Location, ServiceCategory
from directory.opendata import hsds

SPEC_PATH = Path(__file__).resolve().parent / "spec" / "datapackage.json"
PROFILE_PATH = Path(__file__).resolve().parent / "PROFILE.md"
ARCHIVE_NAME = "continuum-hsds.zip"

#: The HSDS resources we publish, in the order of the archive.
RESOURCES = (
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
)

#: Nested members of an HSDS object → the resource their items are rows of.
CHILDREN = {
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "languages": "language",
    "required_documents": "required_document",
    "attributes": "attribute",
    "addresses": "address",
    "accessibility": "accessibility",
    "locations": "location",
    "location": "location",
}
# Nested members that are exported from their own list instead.
SKIPPED = {"services", "organization", "taxonomy_term", "taxonomy_detail"}

DATASET_LANGUAGE = "fr"


def hsds_descriptor() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def _spec_resources() -> dict[str, dict]:
    return {resource["name"]: resource for resource in hsds_descriptor()["resources"]}


def resource_fields(name: str) -> list[str]:
    return [field["name"] for field in _spec_resources()[name]["schema"]["fields"]]


class Tables:
    """Rows per resource, keyed by id so that an object met twice is written once."""

    def __init__(self):
        self.rows: dict[str, dict[str, dict]] = {name: {} for name in RESOURCES}

    def add(self, resource: str, obj: dict) -> None:
        self.rows[resource].setdefault(obj["id"], obj)
        for key, value in obj.items():
            if key in SKIPPED or key not in CHILDREN:
                continue
            children = value if isinstance(value, list) else [value]
            for child in children:
                self.add(CHILDREN[key], child)


def export_tables(*, base_url: str) -> dict[str, list[dict]]:
    """Every published record as HSDS rows: resource name → list of objects."""
    tables = Tables()
    for organisation in hsds.organisations_for_hsds().iterator(chunk_size=500):
        tables.add("organization", hsds.organisation_to_hsds(organisation, base_url=base_url))
    for service in hsds.services_for_hsds().iterator(chunk_size=500):
        tables.add("service", hsds.service_to_hsds(service, base_url=base_url, organisation=False))
    for taxonomy in hsds.taxonomies_to_hsds():
        tables.add("taxonomy", taxonomy)
    terms = hsds.taxonomy_terms(
        ServiceCategory.objects.select_related("parent").order_by("position"),
        ClientStatus.objects.order_by("position"),
    )
    for term in terms:
        tables.add("taxonomy_term", term)
    for name in RESOURCES:
        if name != "meta_table_description":
            tables.add(
                "meta_table_description",
                {
                    "id": hsds.stable_id("meta_table_description", name),
                    "name": name,
                    "language": DATASET_LANGUAGE,
                    "character_set": "UTF-8",
                },
            )
    return {name: list(rows.values()) for name, rows in tables.rows.items()}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def table_csv(resource: str, rows: list[dict]) -> str:
    fields = resource_fields(resource)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row.get(field)) for field in fields])
    return buffer.getvalue()


def datapackage(*, base_url: str) -> dict:
    """Our descriptor: the HSDS resources we write, as the standard describes them."""
    spec = hsds_descriptor()
    resources = _spec_resources()
    written = []
    for name in RESOURCES:
        resource = copy.deepcopy(resources[name])
        resource["encoding"] = "utf-8"
        schema = resource["schema"]
        if "foreignKeys" in schema:
            schema["foreignKeys"] = [
                key for key in schema["foreignKeys"] if key["reference"]["resource"] in RESOURCES
            ]
        written.append(resource)
    return {
        "name": "continuum-estrie-hsds",
        "title": "Continuum — services aux personnes immigrantes en Estrie (HSDS 3.0)",
        "description": (
            "Organismes et services offerts aux personnes immigrantes en Estrie (Québec), "
            "au format Open Referral HSDS 3.0. Français dans les champs standards ; versions "
            "anglaises dans attributes.csv (link_type « translation »). Voir README.md."
        ),
        "profile": spec["profile"],
        "version": spec["version"],
        "homepage": f"{base_url}/api/hsds/",
        "licenses": [hsds.data_licence()],
        "sources": [
            {
                "title": "Open Referral Human Services Data Specification 3.0 (CC BY-SA 4.0)",
                "path": spec["homepage"],
            }
        ],
        "resources": written,
    }


def _data_modified() -> datetime | None:
    services = hsds.services_for_hsds(full=False).aggregate(latest=Max("updated_at"))["latest"]
    organisations = hsds.organisations_for_hsds(full=False).aggregate(latest=Max("updated_at"))[
        "latest"
    ]
    moments = [moment for moment in (services, organisations) if moment]
    return max(moments) if moments else None


def data_fingerprint() -> str:
    """Changes when published records are added, removed or saved, or a location is
    archived or restored (three small queries)."""
    services = hsds.services_for_hsds(full=False).aggregate(
        n=Count("pk"), latest=Max("updated_at"), top=Max("pk")
    )
    organisations = hsds.organisations_for_hsds(full=False).aggregate(
        n=Count("pk"), latest=Max("updated_at"), top=Max("pk")
    )
    locations = Location.objects.aggregate(
        current=Count("pk", filter=Q(archived_at__isnull=True)), archived=Max("archived_at")
    )
    return f"{sorted(services.items())}{sorted(organisations.items())}{sorted(locations.items())}"


def export_archive_cached(*, base_url: str, seconds: int) -> bytes:
    """The archive, rebuilt at most every ``seconds`` for the same published data.

    Building it reads and formats every published record (seconds for
    thousands of services), so repeated downloads are served from the cache.
    Edits that do not save a service or an organisation (a location's
    address, a phone) show up when the entry expires.
    """
    digest = hashlib.sha256(f"{base_url}|{data_fingerprint()}".encode()).hexdigest()[:32]
    key = f"directory:hsds:export:{digest}"
    archive = cache.get(key)
    if archive is None:
        archive = export_archive(base_url=base_url)
        cache.set(key, archive, seconds)
    return archive


def export_archive(*, base_url: str) -> bytes:
    """The zip: README.md (our profile), datapackage.json, one CSV per resource."""
    tables = export_tables(base_url=base_url)
    modified = _data_modified()
    stamp = timezone.localtime(modified).timetuple()[:6] if modified else (1980, 1, 1, 0, 0, 0)
    descriptor = datapackage(base_url=base_url)
    if modified:
        # The date follows the data, so that unchanged data gives the same bytes.
        descriptor["created"] = timezone.localtime(modified).replace(microsecond=0).isoformat()
    paths = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))

        write("README.md", PROFILE_PATH.read_text(encoding="utf-8"))
        write("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2))
        for name in RESOURCES:
            write(paths[name], table_csv(name, tables[name]))
    return buffer.getvalue()
