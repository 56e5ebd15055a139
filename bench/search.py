"""Benchmark of the public directory search at regional scale (not a test: it prints figures).

How to run (PostgreSQL named by DATABASE_URL; the script creates its own
database beside it, ``<name>_bench_search``, and drops it at the end)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuum
    .venv/bin/python bench/search.py                 # 5,000 organisations, 20,000 services
    .venv/bin/python bench/search.py --runs 500 --explain

It builds 5,000 organisations and 20,000 services (with categories, client
statuses, territories, languages and locations) with ``bulk_create``, fills
the search vectors in one statement per table, then runs a mix of realistic
searches in-process — text, facets, both, organisations, deep pages — and
prints p50/p95/p99 in milliseconds, for the search itself (selector: facets,
count, one page with its prefetches) and for the whole page (view and
template through Django's test client). The target is a p95 under 50 ms.
``--explain`` prints the plans of the slowest kinds of query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = tuple(
    " ".join(
        (
            "accueil accompagnement intégration francisation emploi logement santé famille",
            "réfugiés étudiants travailleurs jeunes aînés femmes interprétariat jumelage",
            "bénévolat orientation formation reconnaissance diplômes entrepreneuriat garderie",
            "école parents soutien écoute information démarches impôts banque transport",
            "alimentation vêtements conversation ateliers cuisine sport culture bibliothèque",
            "quartier citoyenneté droits juridique clinique vaccination psychosocial",
            "hébergement urgence recherche stage",
        )
    ).split()
)
ORG_HEADS = (
    "Centre",
    "Carrefour",
    "Maison",
    "Service",
    "Association",
    "Comité",
    "Regroupement",
    "Coopérative",
)
ORG_TAILS = (
    "d'accueil",
    "interculturel",
    "des familles",
    "jeunesse-emploi",
    "d'entraide",
    "des nouveaux arrivants",
    "communautaire",
    "de francisation",
)
PLACES = (
    "Sherbrooke",
    "Magog",
    "Granby",
    "Coaticook",
    "Lac-Mégantic",
    "Cowansville",
    "Asbestos",
    "East Angus",
    "Windsor",
    "Stanstead",
)
SERVICE_HEADS = (
    "Atelier",
    "Accompagnement",
    "Cours",
    "Soutien",
    "Clinique",
    "Séance d'information",
    "Programme",
    "Halte",
)
SERVICE_TOPICS = (
    "de francisation",
    "à la recherche d'emploi",
    "au logement",
    "en santé",
    "pour les familles",
    "pour les réfugiés",
    "pour les étudiants étrangers",
    "d'intégration",
    "juridique",
    "de jumelage interculturel",
)

# (label, query string) — what visitors do, with repeats for weight. TEXT is
# replaced at each run by a word (or two) people type, from a pool of about
# 200, so that some searches are new and others repeat, as on the site.
TEXT = object()
QUERIES = [
    ("landing", {}),
    ("landing", {}),
    ("text: one word", {"q": TEXT}),
    ("text: one word", {"q": TEXT}),
    ("text: one word", {"q": TEXT}),
    ("text: two words", {"q": (TEXT, TEXT)}),
    ("text: acronym", {"q": "CAI"}),
    ("category (top)", {"category": "FRA"}),
    ("category (top)", {"category": "EMP"}),
    ("category (sub)", {"category": "LOG.RECHERCHE"}),
    ("status", {"status": "DEMANDEUR_ASILE"}),
    ("category + status", {"category": "ACC", "status": "DEMANDEUR_ASILE"}),
    (
        "territory + category + language",
        {"territory": "sherbrooke", "category": "FRA", "language": "es"},
    ),
    (
        "text + category + territory",
        {"q": TEXT, "category": "EMP", "territory": "mrc-de-memphremagog"},
    ),
    ("kind + status", {"kind": "community", "status": "ETUDIANT_INTL"}),
    (
        "many values",
        {"status": ["DEMANDEUR_ASILE", "REFUGIE_RPCE", "TET"], "language": ["ar", "es"]},
    ),
    ("deep page", {"page": "40"}),
    ("organisations", {"show": "organisations"}),
    ("organisations + text", {"show": "organisations", "q": TEXT}),
    (
        "organisations + facets",
        {"show": "organisations", "category": "LOG", "territory": "mrc-de-la-haute-yamaska"},
    ),
]


def text_pool() -> list[str]:
    """Words as people type them: with or without accents, plural, upper case."""
    import unicodedata

    pool = []
    for word in (*WORDS, "atelier", "cours", "clinique", "soutien", "halte", "programme"):
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        )
        pool += [word, plain, f"{plain}s" if not plain.endswith("s") else plain.upper()]
    return sorted(set(pool))


def concrete(params: dict, rng: random.Random, pool: list[str]) -> dict:
    """The query string of one run: TEXT filled in."""
    filled = {}
    for key, value in params.items():
        if value is TEXT:
            value = rng.choice(pool)
        elif isinstance(value, tuple):
            value = " ".join(rng.choice(pool) for _ in value)
        filled[key] = value
    return filled


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bench_database_url(url: str) -> tuple[str, str, str]:
    """(admin url, bench url, bench database name) from DATABASE_URL."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    name = f"{parts.path.lstrip('/') or 'continuum'}_bench_search"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def admin_execute(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def build(organisations: int, services: int, seed: int) -> None:
    """Bulk-create the data set and fill the search vectors."""
    from django.utils import timezone

    from directory.models import (
        ClientStatus,
        Language,
        Location,
        Organisation,
        OrganisationKind,
        Service,
        ServiceAtLocation,
        ServiceCategory,
        Territory,
    )
    from directory.search.text import search_vectors_refresh_all

    rng = random.Random(seed)
    now = timezone.now()
    categories = list(ServiceCategory.objects.all())
    statuses = list(ClientStatus.objects.all())
    territories = list(Territory.objects.all())
    languages = list(Language.objects.all())
    # Most services are offered in a few languages; some in rarer ones.
    spoken = [lang for lang in languages if lang.code in {"fr", "en", "es", "ar", "fa", "sw"}]
    kinds = list(OrganisationKind.values)

    # Real descriptions draw on a large vocabulary: a few topical words among
    # many ordinary ones, so that a topical word is in a few percent of records.
    syllables = ("ba", "cor", "di", "fen", "ga", "lu", "mo", "ni", "pra", "ro", "sel", "tu", "vi")
    vocabulary = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(3000)})

    def words(n: int) -> str:
        chosen = rng.choices(vocabulary, k=n - 2) + rng.choices(WORDS, k=2)
        rng.shuffle(chosen)
        return " ".join(chosen)

    orgs = []
    for number in range(organisations):
        place = rng.choice(PLACES)
        name = f"{rng.choice(ORG_HEADS)} {rng.choice(ORG_TAILS)} de {place} {number}"
        acronym = "".join(word[0] for word in name.split()[:3]).upper() + str(number % 97)
        orgs.append(
            Organisation(
                slug=f"org-{number}",
                name=name,
                acronym=acronym if number % 50 else "CAI",
                kind=rng.choice(kinds),
                mission=words(rng.randint(15, 40)),
                state="published" if rng.random() < 0.9 else rng.choice(["draft", "pending"]),
                verified_at=now,
            )
        )
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    orgs = list(Organisation.objects.order_by("pk"))
    through = Organisation.territories.through
    through.objects.bulk_create(
        [
            through(organisation_id=o.pk, territory_id=t.pk)
            for o in orgs
            for t in rng.sample(territories, rng.randint(1, 2))
        ],
        batch_size=5000,
    )

    locations = []
    for organisation in orgs:
        for index in range(rng.choice((1, 1, 1, 2))):
            locations.append(
                Location(
                    organisation_id=organisation.pk,
                    name=f"Point de service {index + 1}",
                    address=f"{rng.randint(1, 999)}, rue Principale",
                    municipality=rng.choice(PLACES),
                    latitude=rng.uniform(45.0, 45.9),
                    longitude=rng.uniform(-72.9, -70.9),
                )
            )
    Location.objects.bulk_create(locations, batch_size=2000)
    locations_by_org: dict[int, list[int]] = {}
    for location_id, organisation_id in Location.objects.values_list("pk", "organisation_id"):
        locations_by_org.setdefault(organisation_id, []).append(location_id)

    rows = []
    for number in range(services):
        organisation = orgs[number % len(orgs)]
        rows.append(
            Service(
                slug=f"service-{number}",
                organisation_id=organisation.pk,
                name=f"{rng.choice(SERVICE_HEADS)} {rng.choice(SERVICE_TOPICS)} {number}",
                description=words(rng.randint(20, 60)),
                state="published" if rng.random() < 0.9 else rng.choice(["draft", "archived"]),
                status="active" if rng.random() < 0.95 else "inactive",
                verified_at=now,
            )
        )
    Service.objects.bulk_create(rows, batch_size=2000)
    service_rows = list(Service.objects.values_list("pk", "organisation_id"))

    def link(model, column, pool, low, high):
        model.objects.bulk_create(
            [
                model(service_id=pk, **{column: term.pk})
                for pk, _ in service_rows
                for term in rng.sample(pool, rng.randint(low, high))
            ],
            batch_size=10000,
        )

    link(Service.categories.through, "servicecategory_id", categories, 1, 3)
    link(Service.client_statuses.through, "clientstatus_id", statuses, 2, 6)
    link(Service.territories.through, "territory_id", territories, 1, 2)
    link(Service.languages.through, "language_id", spoken, 1, 3)
    ServiceAtLocation.objects.bulk_create(
        [
            ServiceAtLocation(service_id=pk, location_id=rng.choice(locations_by_org[org]))
            for pk, org in service_rows
        ],
        batch_size=10000,
    )
    # bulk_create sends no signal: one UPDATE per table fills every vector.
    search_vectors_refresh_all()


def measure(runs: int, seed: int) -> dict[str, list[float]]:
    from django.test import Client

    from directory.search.facets import ReferenceData, SearchFilters, directory_search

    rng = random.Random(seed)
    client = Client()
    timings: dict[str, list[float]] = {"selector": [], "page": []}
    by_kind: dict[str, list[float]] = {}

    def query_dict(params):
        from django.http import QueryDict

        return QueryDict(urlencode(params, doseq=True))

    pool = text_pool()
    for _ in range(20):  # warm-up: the index, prepared plans (no text: runs meet words new)
        _label, params = rng.choice(QUERIES)
        without_text = {k: v for k, v in params.items() if k != "q"}
        client.get("/fr/directory/", concrete(without_text, rng, pool))
    seen: set[tuple] = set()
    for _ in range(runs):
        label, template = rng.choice(QUERIES)
        params = concrete(template, rng, pool)
        if "q" in params:
            key = (params.get("show"), params["q"])
            label += " (again)" if key in seen else " (new)"
            seen.add(key)
        start = time.perf_counter()
        reference = ReferenceData.current()
        filters = SearchFilters.from_query(query_dict(params), reference)
        result = directory_search(
            user=None, filters=filters, reference=reference, page_number=params.get("page")
        )
        for record in result.page.object_list:
            _ = record.name
        elapsed = (time.perf_counter() - start) * 1000
        timings["selector"].append(elapsed)
        by_kind.setdefault(label, []).append(elapsed)

        start = time.perf_counter()
        response = client.get("/fr/directory/", params)
        timings["page"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    timings.update({f"  {label}": values for label, values in sorted(by_kind.items())})
    return timings


def explain() -> None:
    """Plans of the text match (the only part of a search that scans): with and without
    the planner hint of ``directory.search.matching_ids``."""
    from django.db import connection, transaction

    from directory.models import Service
    from directory.search.text import service_name_q, service_text_q

    for word in ("integration", "francisation"):
        for label, queryset in (
            ("documents", Service.objects.filter(service_text_q(word))),
            ("names", Service.objects.filter(service_name_q(word))),
        ):
            sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
            for hint in ("", "SET LOCAL random_page_cost = 1.1"):
                with transaction.atomic(), connection.cursor() as cursor:
                    if hint:
                        cursor.execute(hint)
                    cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
                    plan = [row[0] for row in cursor.fetchall()]
                print(f"\n--- {label} matching {word!r}{' with ' + hint if hint else ''}")
                print("\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see the top of this file).")
    admin_url, url, name = bench_database_url(url)
    admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # local-memory cache: measure the database, not Redis
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.base"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        build(options.organisations, options.services, options.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Built {options.organisations:,} organisations and {options.services:,} services "
            f"in {time.perf_counter() - started:.1f} s; {options.runs} searches each way.\n"
        )
        timings = measure(options.runs, options.seed)
        print(f"{'':34} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
        for label, values in timings.items():
            print(
                f"{label:34} {len(values):5d} {statistics.median(values):8.1f} "
                f"{percentile(values, 0.95):8.1f} {percentile(values, 0.99):8.1f}"
            )
        p95 = percentile(timings["selector"], 0.95)
        verdict = "met" if p95 < 50 else "NOT met"
        print(f"\nTarget p95 < 50 ms for the search: {verdict} ({p95:.1f} ms).")
        if options.explain:
            explain()
    finally:
        connections.close_all()
        if not options.keep:
            admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
