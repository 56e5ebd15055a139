"""Search p95 while a write lands every second on another process (not a test: it prints figures).

How to run (PostgreSQL named by DATABASE_URL; the script creates its own
database beside it, ``<name>_bench_writes``, and drops it at the end)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuum
    .venv/bin/python bench/search_under_writes.py            # 5,000 organisations, 20,000 services
    .venv/bin/python bench/search_under_writes.py --seconds 120 --interval 0.5
    .venv/bin/python bench/search_under_writes.py --keep     # then --reuse: skip the build

It builds the directory of ``bench/search.py`` (same generator, same
searches), then runs the searches back to back for ``--seconds``, twice:

- *quiet*: nobody writes;
- *under writes*: a second process (this script with ``--writer``) saves one
  service every ``--interval`` seconds through the ORM, in its own
  transaction, as an organisation's edit does: the signals rebuild its
  search document, and the directory's data version moves after commit
  (``directory/data_version.py``). At its next search this process sees the
  new version; its previous facet index answers while a thread rebuilds it
  (``directory/search/facet_index.py``), at most once every
  ``DIRECTORY_INDEX_REBUILD_INTERVAL`` seconds. ``DIRECTORY_INDEX_SERVE_WHILE_REBUILDING=0``
  in the environment measures the searches that wait for each rebuild instead.

For each run it prints p50/p95/p99 of the search (selector: facets, count,
one page) and of the whole page (view and template, through Django's test
client), the number of index rebuilds and the time of one. The searches
are timed as a visitor meets them, rebuilds included (the background
thread holds the interpreter while it builds).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as base  # noqa: E402 - bench/search.py, beside this file

SUFFIX = "_bench_writes"


def database_urls(url: str) -> tuple[str, str, str]:
    """(admin url, bench url, bench database name) from DATABASE_URL."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    name = f"{parts.path.lstrip('/') or 'continuum'}{SUFFIX}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # local-memory cache: measure the database, not Redis
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.base"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()


# --- The writer process ------------------------------------------------------------------


def writer(interval: float, seed: int) -> None:
    """Save one service every ``interval`` seconds until SIGTERM; print how many."""
    from django.db import transaction

    from directory.models import Service

    stop = False

    def finish(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    rng = random.Random(seed)
    ids = list(Service.objects.values_list("pk", flat=True))
    print("ready", flush=True)
    writes = 0
    next_at = time.monotonic()
    while not stop:
        with transaction.atomic():
            service = Service.objects.select_for_update().get(pk=rng.choice(ids))
            service.description = f"{service.description.split(' — ')[0]} — révision {writes}"
            service.save()
        writes += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    print(writes, flush=True)


# --- The reader (this process) -----------------------------------------------------------


def measure(seconds: float, seed: int) -> dict:
    """Searches back to back for ``seconds``: timings, and the facet index rebuilds."""
    from django.http import QueryDict
    from django.test import Client

    from directory.search import facet_index
    from directory.search.facets import ReferenceData, SearchFilters, directory_search

    builds: list[float] = []
    build = facet_index._build

    def timed_build(version):
        start = time.perf_counter()
        try:
            return build(version)
        finally:
            builds.append((time.perf_counter() - start) * 1000)

    facet_index._build = timed_build
    rng = random.Random(seed)
    pool = base.text_pool()
    client = Client()
    timings: dict[str, list[float]] = {"selector": [], "page": []}
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            _label, template = rng.choice(base.QUERIES)
            params = base.concrete(template, rng, pool)
            start = time.perf_counter()
            reference = ReferenceData.current()
            filters = SearchFilters.from_query(QueryDict(urlencode(params, doseq=True)), reference)
            result = directory_search(
                user=None, filters=filters, reference=reference, page_number=params.get("page")
            )
            for record in result.page.object_list:
                _ = record.name
            timings["selector"].append((time.perf_counter() - start) * 1000)

            start = time.perf_counter()
            response = client.get("/fr/directory/", params)
            timings["page"].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    finally:
        facet_index._build = build
    return {"timings": timings, "builds": builds}


def report(label: str, measured: dict, writes: int | None) -> None:
    timings, builds = measured["timings"], measured["builds"]
    print(f"\n{label}" + (f" ({writes} writes)" if writes is not None else ""))
    print(f"  {'':10} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8}  (ms)")
    for name, values in timings.items():
        print(
            f"  {name:10} {len(values):5d} {statistics.median(values):8.1f} "
            f"{base.percentile(values, 0.95):8.1f} {base.percentile(values, 0.99):8.1f}"
        )
    if builds:
        print(
            f"  facet index rebuilds: {len(builds)}, "
            f"{statistics.median(builds):.0f} ms each (median), {max(builds):.0f} ms at most"
        )
    else:
        print("  facet index rebuilds: 0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=60.0, help="per run (quiet, writes)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between writes")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.writer:  # the second process, started by main() below
        django_setup(os.environ["DATABASE_URL"])
        writer(options.interval, options.seed)
        return

    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see the top of this file).")
    admin_url, url, name = database_urls(url)
    if not options.reuse:
        base.admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
        base.admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection, connections

    from directory.models import Organisation, Service

    try:
        started = time.perf_counter()
        if not options.reuse:
            call_command("migrate", verbosity=0)
            call_command("load_reference_data", verbosity=0)
            base.build(options.organisations, options.services, options.seed)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{Organisation.objects.count():,} organisations and {Service.objects.count():,} "
            f"services (ready in {time.perf_counter() - started:.1f} s); "
            f"{options.seconds:.0f} s of searches per run, one write every "
            f"{options.interval:g} s in the second run."
        )
        measure(5, options.seed)  # warm-up: the index, prepared plans
        quiet = measure(options.seconds, options.seed)
        process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--writer",
                "--interval",
                str(options.interval),
                "--seed",
                str(options.seed),
            ],
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout.readline().strip() == "ready"  # the writer's own start-up
            loaded = measure(options.seconds, options.seed + 1)
        finally:
            process.send_signal(signal.SIGTERM)
            out, _ = process.communicate(timeout=60)
        writes = int(out.strip().splitlines()[-1]) if out.strip() else 0
        report("Quiet", quiet, None)
        report(f"One write every {options.interval:g} s on another process", loaded, writes)
        p95 = base.percentile(loaded["timings"]["selector"], 0.95)
        verdict = "met" if p95 < 50 else "NOT met"
        print(f"\nTarget p95 < 50 ms for the search under writes: {verdict} ({p95:.1f} ms).")
    finally:
        connections.close_all()
        if not (options.keep or options.reuse):
            base.admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
