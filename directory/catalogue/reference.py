"""Loading the reference data (territories, taxonomy, statuses, languages) from CSV.

Idempotent: rows are matched by their code and updated in place, so loading
twice gives the same rows. All or nothing: one transaction for the lot.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from directory.models import ClientStatus, Language, ServiceCategory, Territory

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class LoadReport:
    territories: int
    categories: int
    client_statuses: int
    languages: int


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _load_territories() -> int:
    rows = _rows("territories.csv")
    for position, row in enumerate(rows):
        region = row["dans_region_admin_Estrie"]
        Territory.objects.update_or_create(
            code=slugify(row["territoire"]),
            defaults={
                "name": row["territoire"],
                "kind": row["type"],
                "municipalities": row["principales_municipalites"],
                "seat": row["chef_lieu_ou_centre"],
                "municipality_count": _int_or_none(row["nb_municipalites"]),
                "in_estrie": region.lower().startswith("oui"),
                "in_estrie_note": region,
                "notes": row["notes"],
                "sources": row["sources"],
                "verification": row["verification"],
                "position": position,
            },
        )
    return len(rows)


def _load_categories() -> int:
    rows = _rows("service_categories.csv")
    # Parents first: the file lists each top-level category before its children.
    for position, row in enumerate(rows):
        parent = (
            ServiceCategory.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        )
        ServiceCategory.objects.update_or_create(
            code=row["code"],
            defaults={
                "parent": parent,
                "label_fr": row["label_fr"],
                "label_en": row["label_en"],
                "source": row["ancrage_source"],
                "position": position,
            },
        )
    return len(rows)


def _load_client_statuses() -> int:
    rows = _rows("client_statuses.csv")
    for position, row in enumerate(rows):
        ClientStatus.objects.update_or_create(
            code=row["code"],
            defaults={
                "label_fr": row["label_fr"],
                "label_en": row["label_en"],
                "group": row["groupe"],
                "source": row["source"],
                "position": position,
            },
        )
    return len(rows)


def _load_languages() -> int:
    rows = _rows("languages.csv")
    for position, row in enumerate(rows):
        Language.objects.update_or_create(
            code=row["code"],
            defaults={
                "label_fr": row["label_fr"],
                "label_en": row["label_en"],
                "position": position,
            },
        )
    return len(rows)


@transaction.atomic
def reference_data_load() -> LoadReport:
    return LoadReport(
        territories=_load_territories(),
        categories=_load_categories(),
        client_statuses=_load_client_statuses(),
        languages=_load_languages(),
    )
