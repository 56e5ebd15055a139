"""Benchmark of the public iCalendar feed at 1,000 events (not a test: it prints figures).

How to run (PostgreSQL named by DATABASE_URL; the script creates its own
database beside it, ``<name>_bench_feeds``, and drops it at the end)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuum
    export REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python bench/feeds.py
    .venv/bin/python bench/feeds.py --events 1000 --series 200 --runs 500

It creates 1,000 public events in the feed's window: single events and
series (weekly or monthly, 8 to 20 occurrences) each with one moved and one
cancelled occurrence and one excluded date, hosted by a few organisations.
Then, in-process (Django's test client, every middleware included):

- the rebuild of ``/events/feed.ics`` (query, build, serialise, store),
  target under 1 s;
- a request served from the stored snapshot, target p95 under 5 ms;
- a conditional request answered 304, target p95 under 2 ms;
- the size of the feed, target under 900 KB.

It exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search import admin_execute, percentile  # noqa: E402

TITLES = (
    "Communauté de pratique : accueil et intégration",
    "Atelier de formation « Premiers pas en emploi »",
    "Webinaire : reconnaissance des diplômes, démarches et conseils",
    "Rencontre des partenaires de la MRC de Memphrémagog",
    "Café-rencontre interculturel ; jumelage & bénévolat",
    "Séance d'information sur le logement à Sherbrooke",
)
PLACES = ("Sherbrooke", "Magog", "Coaticook", "Lac-Mégantic", "Cowansville", "East Angus")


def bench_database_url(url: str) -> tuple[str, str, str]:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    name = f"{parts.path.lstrip('/') or 'continuum'}_bench_feeds"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def build(events: int, series: int, seed: int) -> None:
    from django.utils import timezone

    from directory.models import Organisation
    from events import recurrence
    from events.models import Event, Occurrence

    random.seed(seed)
    organisations = [
        Organisation.objects.create(name=f"Organisme {n} de l'Estrie", slug=f"organisme-{n}")
        for n in range(10)
    ]
    now = timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)
    kinds = ("meeting", "workshop", "webinar", "partner")
    rows = []
    for number in range(events):
        start = now + timedelta(days=random.randint(-25, 330), hours=random.randint(-6, 6))
        is_series = number < series
        rule = ""
        if is_series:
            rule = random.choice(
                [f"FREQ=WEEKLY;COUNT={random.randint(8, 20)}", "FREQ=MONTHLY;BYDAY=2TU;COUNT=10"]
            )
            rule = recurrence.rrule_normalise(rule)
        rows.append(
            Event(
                kind=kinds[number % 4],
                title=f"{random.choice(TITLES)} — n° {number}",
                slug=f"evenement-{number}",
                description=(
                    "Ordre du jour : tour de table, bilan des projets, suivis.\n"
                    "Apportez vos questions ; café offert, à bientôt !"
                ),
                venue="Salle 204, Maison des arts",
                address="25, rue du Marché",
                municipality=random.choice(PLACES),
                online_url="https://meet.example.org/secret",
                mode="hybrid",
                start=start,
                end=start + timedelta(hours=2),
                rrule=rule,
                state="published",
                audience="public",
            )
        )
    created = Event.objects.bulk_create(rows)
    through = Event.organisations.through
    through.objects.bulk_create(
        through(event_id=event.pk, organisation_id=random.choice(organisations).pk)
        for event in created
    )
    occurrences = []
    for event in created:
        for start in recurrence.expand(event):
            occurrence = Occurrence(
                event=event,
                recurrence_id=start,
                start=start,
                end=recurrence.occurrence_end(event, start),
            )
            occurrences.append(occurrence)
    Occurrence.objects.bulk_create(occurrences, batch_size=2000)
    # Each series: its 3rd occurrence moved by an hour, its 5th cancelled, its 7th excluded.
    now = timezone.now()
    for event in created:
        if not event.rrule:
            continue
        starts = recurrence.expand(event)
        moved = Occurrence.objects.get(event=event, recurrence_id=starts[2])
        moved.start += timedelta(hours=1)
        moved.end += timedelta(hours=1)
        Occurrence.objects.filter(pk=moved.pk).update(
            start=moved.start, end=moved.end, modified=True, sequence=1
        )
        Occurrence.objects.filter(event=event, recurrence_id=starts[4]).update(
            cancelled=True, cancelled_at=now
        )
        Occurrence.objects.filter(event=event, recurrence_id=starts[6]).delete()
        Event.objects.filter(pk=event.pk).update(exdates=[starts[6].isoformat()])


def timed(function, runs: int) -> list[float]:
    values = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rebuilds", type=int, default=7)
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
    # As in production: persistent database connections, Redis as the shared cache.
    os.environ["DB_CONN_MAX_AGE"] = "600"
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL too: fragments of the feed are kept in the cache.")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.base"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import RequestFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    failed = False
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        build(options.events, options.series, options.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Built {options.events:,} events ({options.series} series with a moved, a "
            f"cancelled and an excluded occurrence) in {time.perf_counter() - started:.1f} s."
        )
        from django.core.cache import cache

        from events.feeds import fragments
        from events.feeds.snapshots import snapshot_rebuild
        from events.models import Event

        def rebuild_cold():
            cache.clear()
            fragments.fragments._memory.clear()
            snapshot_rebuild("all", force=True)

        cold = timed(rebuild_cold, 3)
        handler = WSGIHandler()
        factory = RequestFactory()

        def request(**headers):
            environ = factory._base_environ(
                PATH_INFO="/events/feed.ics", REQUEST_METHOD="GET", **headers
            )
            answer = {}

            def start_response(status, response_headers, exc_info=None):
                answer["status"], answer["headers"] = status, dict(response_headers)

            body = b"".join(handler(environ, start_response))
            return answer["status"], answer["headers"], body

        status, headers, content = request()
        assert status.startswith("200"), status
        size = len(content)
        etag = headers["ETag"]
        served = timed(request, options.runs)
        not_modified = timed(lambda: request(HTTP_IF_NONE_MATCH=etag), options.runs)
        assert request(HTTP_IF_NONE_MATCH=etag)[0].startswith("304")
        # The view alone (no middleware): what the feed itself costs, for comparison.
        from events.feeds import views as feed_views

        view_served = timed(
            lambda: feed_views.all_events(factory.get("/events/feed.ics")), options.runs
        )
        view_304 = timed(
            lambda: feed_views.all_events(factory.get("/events/feed.ics", HTTP_IF_NONE_MATCH=etag)),
            options.runs,
        )
        vevents = content.count(b"BEGIN:VEVENT")
        # One event changed: what the task does after an edit (its fragment alone is new).
        changed = Event.objects.order_by("pk").first()
        changed.title += " (déplacé)"
        changed.sequence += 1
        changed.save()
        incremental = timed(lambda: snapshot_rebuild("all", force=True), options.rebuilds)

        print(f"\n{'':28} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}  (ms)")
        for label, values in (
            ("rebuild, cold fragments", cold),
            ("rebuild, after one change", incremental),
            ("served from snapshot", served),
            ("304 Not Modified", not_modified),
            ("view alone, served", view_served),
            ("view alone, 304", view_304),
        ):
            print(
                f"{label:28} {len(values):5d} {statistics.median(values):8.1f} "
                f"{percentile(values, 0.95):8.1f} {max(values):8.1f}"
            )
        print(f"\nFeed: {size / 1000:.0f} KB, {vevents} VEVENT components.\n")
        checks = (
            ("rebuild under 1 s (median, after a change)", statistics.median(incremental) < 1000),
            ("served p95 under 5 ms", percentile(served, 0.95) < 5),
            ("304 p95 under 2 ms", percentile(not_modified, 0.95) < 2),
            ("size under 900 KB", size < 900_000),
        )
        for label, ok in checks:
            print(f"Target {label}: {'met' if ok else 'NOT met'}.")
            failed |= not ok
    finally:
        connections.close_all()
        if not options.keep:
            admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
