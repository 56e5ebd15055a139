"""Benchmark of the directory import and the HSDS export (not a test: it prints figures).

How to run (PostgreSQL named by DATABASE_URL; the script creates its own
database beside it, ``<name>_bench_import``, and drops it at the end)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuum
    .venv/bin/python bench/import_directory.py              # 3,000 rows, 600 organisations
    .venv/bin/python bench/import_directory.py --rows 10000

It writes a recensement CSV (one row per service, every column filled),
then times: a first import (everything created), the same file again
(everything unchanged), a dry run, the same rows as an Excel workbook,
then the HSDS export of the result (``export.zip``, built then cached) and
one page of 200 fully nested services of the API. The
target: a file of a few thousand rows imports in well under the minute, so
that the admin's progress bar is the only wait people notice.

Then files that must be refused at little cost (time and peak Python
memory): 50,000 rows (more than the importer takes), JSON nested 100,000
deep, and the HSDS export of the result read back (depth check included).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    name = f"{parts.path.lstrip('/') or 'continuum'}_bench_import"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def admin_execute(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def recensement_csv(rows: int, organisations: int, seed: int) -> bytes:
    from directory.importing import COLUMNS
    from directory.models import ClientStatus, Language, ServiceCategory, Territory

    rng = random.Random(seed)
    categories = list(ServiceCategory.objects.values_list("code", flat=True))
    statuses = list(ClientStatus.objects.values_list("code", flat=True))
    languages = list(Language.objects.values_list("code", flat=True))
    territories = list(Territory.objects.values_list("name", flat=True))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.name for c in COLUMNS])
    writer.writeheader()
    for n in range(rows):
        org = n % organisations
        writer.writerow(
            {
                "organisme": f"Organisme d'accueil n° {org}",
                "sigle": f"OA{org}",
                "type_organisme": "community",
                "mission": "Accueillir « toutes » les personnes immigrantes.\nDepuis 1990.",
                "site_web": f"https://organisme{org}.example.org",
                "service": f"Service n° {n} : accompagnement",
                "service_en": f"Service {n}",
                "description": "Un accompagnement personnalisé, l'été comme l'hiver.",
                "categories": "; ".join(rng.sample(categories, 2)),
                "statuts_clientele": "; ".join(rng.sample(statuses, 3)),
                "langues": "; ".join(rng.sample(languages, 3)),
                "territoires": rng.choice(territories),
                "telephone": f"819 555-{n % 10000:04d}",
                "adresse": f"{org}, rue King Ouest",
                "municipalite": "Sherbrooke",
                "code_postal": "J1H 1P1",
                # One place per organisation: the same coordinates on each of its rows.
                "latitude": f"{45.40 + random.Random(org).uniform(-0.05, 0.05):.5f}",
                "longitude": f"{-71.89 + random.Random(-org).uniform(-0.05, 0.05):.5f}",
                "date_confirmation": "2025-03-14",
                "source": "survey",
            }
        )
    return buffer.getvalue().encode()


def timed(label: str, function, *, memory: bool = False):
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    result = function()
    line = f"{label:45} {time.perf_counter() - started:8.1f} s"
    if memory:
        line += f"   peak {tracemalloc.get_traced_memory()[1] / 2**20:6.0f} MiB"
        tracemalloc.stop()
    print(line)
    return result


def as_workbook(content: bytes) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in csv.reader(io.StringIO(content.decode())):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--organisations", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see the top of this file).")
    admin_url, url, name = bench_database_url(url)
    admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.base"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from directory.importing import CSV, HSDS_JSON, XLSX, directory_import
    from directory.models import Organisation, PublicationState, Service

    try:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        content = recensement_csv(options.rows, options.organisations, options.seed)
        print(
            f"{options.rows:,} rows, {options.organisations:,} organisations, "
            f"{len(content) / 1024:.0f} KiB of CSV\n"
        )

        def run(**extra):
            report = directory_import(content=content, file_format=CSV, honour_state=True, **extra)
            assert report.ok, report.errors[:5]
            return report

        first = timed("first import (everything created)", run)
        again = timed("same file again (everything unchanged)", run)
        timed("dry run of the same file", lambda: run(dry_run=True))
        workbook = as_workbook(content)
        timed(
            f"same rows, Excel workbook ({len(workbook) / 1024:.0f} KiB)",
            lambda: directory_import(content=workbook, file_format=XLSX, honour_state=True),
            memory=True,
        )
        print(f"\ncreated {dict(first.created)}; second run unchanged {dict(again.unchanged)}\n")

        def refused(data: bytes, file_format: str):
            report = directory_import(content=data, file_format=file_format, honour_state=True)
            assert not report.ok
            return report

        big = recensement_csv(50_000, options.organisations, options.seed)
        timed(
            f"50,000 rows refused ({len(big) / 2**20:.0f} MiB of CSV)",
            lambda: refused(big, CSV),
            memory=True,
        )
        deep = b"[" * 100_000 + b"]" * 100_000
        timed("JSON nested 100,000 deep refused", lambda: refused(deep, HSDS_JSON), memory=True)

        Organisation.objects.update(state=PublicationState.PUBLISHED)
        Service.objects.update(state=PublicationState.PUBLISHED)
        client = Client()
        archive = timed("export.zip", lambda: client.get("/api/hsds/export.zip"))
        print(f"{'':45} {len(archive.content) / 1024:8.0f} KiB")
        timed("export.zip again (from the cache)", lambda: client.get("/api/hsds/export.zip"))
        page = timed(
            "one API page of 200 nested services",
            lambda: client.get("/api/hsds/services", {"full": "true", "per_page": 200}),
        )
        records = page.json()["contents"]
        exported = json.dumps(records).encode()
        timed(
            f"that page read back ({len(exported) / 1024:.0f} KiB of JSON, dry run)",
            lambda: directory_import(
                content=exported, file_format=HSDS_JSON, honour_state=True, dry_run=True
            ),
            memory=True,
        )
    finally:
        connections.close_all()
        if not options.keep:
            admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
