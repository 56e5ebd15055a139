"""Benchmark of the cartographie's portrait at regional scale (not a test: it prints figures).

How to run (PostgreSQL named by DATABASE_URL; the script creates its own
database beside it, ``<name>_bench_portrait``, and drops it at the end)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuum
    .venv/bin/python bench/portrait.py                 # 5,000 organisations, 20,000 services
    .venv/bin/python bench/portrait.py --runs 100 --search-runs 100

It builds the directory of ``bench/search.py`` (same generator: categories,
client statuses, territories, languages, 10 % unpublished) plus
``--partnerships`` random partnerships, then times in-process, through
Django's test client (view, queries and template):

- the portrait page (the coverage matrix), plain, filtered by status and
  language, and with every sub-category expanded;
- the portrait page again just after a write (the data version moved: its
  aggregates are computed afresh, not read from the cache);
- ``/directory/coverage.csv``, the gaps and overlaps page, the partnership
  network (one territory), the continuum of one status, an organisation's
  suggested partners and the staff version of the matrix;

and prints p50/p95/p99 for each, beside the directory search's figures
(``bench/search.py``'s searches, page and selector) measured on the same
data. The target is a p95 under 300 ms for the portrait page. The portrait's
aggregates are cached per data version (``directory/cartographie/cache.py``,
the local-memory cache here): most pages read them from it, the "first after a
write" line shows the cost of computing them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as base  # noqa: E402 - bench/search.py, beside this file

SUFFIX = "_bench_portrait"
TARGET_MS = 300


def database_urls(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    name = f"{parts.path.lstrip('/') or 'continuum'}{SUFFIX}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def partnerships_build(count: int, seed: int) -> None:
    from directory.models import Organisation, Partnership

    rng = random.Random(seed)
    ids = list(Organisation.objects.values_list("pk", flat=True))
    kinds = list(Partnership.Kind.values)
    pairs = set()
    while len(pairs) < count:
        source, target = rng.sample(ids, 2)
        pairs.add((source, target, rng.choice(kinds)))
    Partnership.objects.bulk_create(
        [Partnership(source_id=s, target_id=t, kind=k) for s, t, k in pairs], batch_size=5000
    )


def staff_user():
    from django.contrib.auth.models import Group

    from directory import access
    from directory.models import User

    access.roles_ensure()
    user = User.objects.filter(email="bench-staff@example.org").first()
    user = user or User.objects.create_user(email="bench-staff@example.org", password="x")  # noqa: S106
    user.groups.add(Group.objects.get(name=access.DIRECTORY_TEAM.name))
    return user


def measure(runs: int, seed: int) -> dict[str, list[float]]:
    from django.test import Client

    from directory.data_version import data_version_bump
    from directory.models import Organisation

    rng = random.Random(seed)
    public, staff = Client(), Client()
    staff.force_login(staff_user())
    slugs = list(Organisation.objects.published().values_list("slug", flat=True)[:500])
    pages = [
        ("portrait page", public, "/fr/directory/portrait/", {}),
        (
            "portrait page, status + language",
            public,
            "/fr/directory/portrait/",
            {"status": "DEMANDEUR_ASILE", "language": "es"},
        ),
        ("portrait page, every sub-category", public, "/fr/directory/portrait/", {"expand": "all"}),
        ("portrait page, staff version", staff, "/fr/directory/portrait/", {}),
        ("coverage.csv", public, "/directory/coverage.csv", {}),
        ("gaps and overlaps", public, "/fr/directory/portrait/gaps/", {}),
        (
            "network of one territory",
            public,
            "/fr/directory/portrait/network/",
            {"territory": "mrc-de-coaticook"},
        ),
        (
            "continuum of one status",
            public,
            "/fr/directory/portrait/continuum/",
            {"status": "REFUGIE_RPCE"},
        ),
        ("suggested partners", public, "/fr/directory/portrait/suggestions/", None),
    ]
    timings: dict[str, list[float]] = {label: [] for label, *_ in pages}
    cold = "portrait page, first after a write"
    timings[cold] = []
    for _label, client, url, params in pages:  # warm-up
        client.get(url, params if params is not None else {"organisation": slugs[0]})
    for _ in range(runs):
        for label, client, url, params in pages:
            query = params if params is not None else {"organisation": rng.choice(slugs)}
            start = time.perf_counter()
            response = client.get(url, query)
            timings[label].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (label, response.status_code)
    for _ in range(max(runs // 3, 5)):
        # A write elsewhere moves the data version: the next page computes afresh.
        data_version_bump()
        start = time.perf_counter()
        response = public.get("/fr/directory/portrait/")
        timings[cold].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings


def report(title: str, timings: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print(f"{'':38} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    for label, values in timings.items():
        if not values:
            continue
        print(
            f"{label:38} {len(values):5d} {statistics.median(values):8.1f} "
            f"{base.percentile(values, 0.95):8.1f} {base.percentile(values, 0.99):8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--partnerships", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--search-runs", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the database a --keep run left (no build)"
    )
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see the top of this file).")
    admin_url, url, name = database_urls(url)
    if not options.reuse:
        base.admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
        base.admin_execute(admin_url, f'CREATE DATABASE "{name}"')
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
        if not options.reuse:
            call_command("load_reference_data", verbosity=0)
            base.build(options.organisations, options.services, options.seed)
            partnerships_build(options.partnerships, options.seed)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"Built {options.organisations:,} organisations, {options.services:,} services and "
            f"{options.partnerships:,} partnerships in {time.perf_counter() - started:.1f} s."
        )
        portrait = measure(options.runs, options.seed)
        report(
            f"Portrait ({options.runs} runs of each, whole pages through the test client)", portrait
        )
        if options.search_runs:
            search = base.measure(options.search_runs, options.seed)
            report(
                f"Directory search on the same data ({options.search_runs} searches)",
                {k: v for k, v in search.items() if not k.startswith("  ")},
            )
        p95 = base.percentile(portrait["portrait page"], 0.95)
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        print(f"\nTarget p95 < {TARGET_MS} ms for the portrait page: {verdict} ({p95:.1f} ms).")
    finally:
        connections.close_all()
        if not options.keep:
            base.admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
