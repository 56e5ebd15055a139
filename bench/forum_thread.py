"""Benchmark of a forum thread page, ours against django-spirit's (not a test: it prints figures).

How to run (PostgreSQL named by DATABASE_URL; the script creates its databases
beside it, ``<name>_bench_forum`` and ``<name>_bench_spirit``, and drops them
at the end; PyPI must be reachable for the Spirit half)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuum
    .venv/bin/python bench/forum_thread.py                    # both halves, 300 requests each
    .venv/bin/python bench/forum_thread.py --no-spirit        # ours only
    .venv/bin/python bench/forum_thread.py --spirit-venv /tmp/spirit-venv  # reuse a venv

Both sides get the same thread: one public category, 100 posts by ten members
(short paragraphs of Markdown, rendered when saved on both sides), a few
reactions or likes, and both pages show 20 posts (Spirit's default
``ST_COMMENTS_PER_PAGE``, ours ``FORUM_POSTS_PER_PAGE``). Each side is
measured in-process through Django's test client (whole request: middleware,
view, queries, template), with local-memory caches and ``DEBUG`` off, first
as a visitor and then as a signed-in member, after 20 warm-up requests.

The Spirit half creates a throwaway virtualenv (``python -m venv`` in a
temporary folder, unless ``--spirit-venv`` names one to keep), ``pip
install``s ``django-spirit`` and ``psycopg[binary]`` in it, generates a
project with ``spirit startproject``, seeds the same thread with Spirit's own
models, and prints its figures as JSON, which this script reads.

Prints p50/p95 in milliseconds and requests per second for each side and the
ratio. Targets (issue 9): p50 under 60 ms for our page; at least 3× Spirit's
requests per second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTS = 100
AUTHORS = 10
WARMUP = 20

#: What each post says (the same texts on both sides).
TEXTS = [
    "Bonjour! Nous avons accueilli une famille **syrienne** à Lac-Mégantic le mois dernier.",
    "Pour l'école, inscrivez les enfants tout de suite : le centre de services s'occupe du reste.",
    "La *Clinique des réfugiés* de Sherbrooke reçoit aussi les familles des autres MRC.",
    "Merci pour le partage, c'est très utile pour notre comité d'accueil.",
    "- Carte d'assurance maladie\n- Numéro d'assurance sociale\n- Compte bancaire",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {
        "p50": statistics.median(values),
        "p95": percentile(values, 0.95),
        "rps": len(values) / (sum(values) / 1000),
    }


def timed_gets(client, url: str, runs: int) -> list[float]:
    for _index in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    timings = []
    for _index in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def database_urls(url: str, suffix: str) -> tuple[str, str, str]:
    """(admin url, bench url, database name) from DATABASE_URL."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    name = f"{parts.path.lstrip('/') or 'continuum'}_bench_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{name}")), name


def admin_execute(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


# --- Ours ---------------------------------------------------------------------------------


def ours(url: str, runs: int) -> dict:
    admin_url, bench_url, name = database_urls(url, "forum")
    admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ.pop("REDIS_URL", None)  # local-memory cache, as on the Spirit side
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.base"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        from cms.site_setup import site_ensure
        from directory.models import Membership, Organisation
        from forum import services
        from forum.models import Category
        from tests.factories import UserFactory

        site_ensure()
        category = Category.objects.create(slug="accueil", name="Accueil", public=True)
        members = []
        for index in range(AUTHORS):
            organisation = Organisation.objects.create(
                name=f"Organisme {index}", slug=f"organisme-{index}", state="published"
            )
            user = UserFactory(display_name=f"Membre {index}")
            Membership.objects.create(user=user, organisation=organisation, state="active")
            members.append(user)
        thread = services.thread_create(
            author=members[0], space=category, title="Accueillir une famille", body=TEXTS[0]
        )
        for number in range(1, POSTS):
            post = services.post_create(
                author=members[number % AUTHORS], thread=thread, body=TEXTS[number % len(TEXTS)]
            )
            if number < 20 and number % 3 == 0:
                services.reaction_toggle(post=post, user=members[0], kind="thanks")
        seeded = time.perf_counter() - started
        path = f"/fr/forum/threads/{thread.pk}/{thread.slug}/"
        visitor = timed_gets(Client(), path, runs)
        member = Client()
        member.force_login(members[1])
        signed_in = timed_gets(member, path, runs)
        return {
            "seconds_to_build": seeded,
            "visitor": summary(visitor),
            "member": summary(signed_in),
        }
    finally:
        connections.close_all()
        admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Spirit -----------------------------------------------------------------------------------

SPIRIT_SETTINGS = """
from .base import *  # noqa

SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.postgresql",
    "NAME": {name!r}, "USER": {user!r}, "PASSWORD": {password!r},
    "HOST": {host!r}, "PORT": {port!r},
}}}}
CACHES = {{
    "default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "st_rate_limit": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                       "LOCATION": "spirit_rl_cache", "TIMEOUT": None}},
}}
HAYSTACK_CONNECTIONS = {{"default": {{"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
STORAGES = {{
    "default": {{"BACKEND": "django.core.files.storage.FileSystemStorage"}},
    "staticfiles": {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
}}
LOGGING = {{"version": 1, "disable_existing_loggers": True}}
ST_SITE_URL = "http://testserver/"
"""

SPIRIT_RUNNER = """
import json, os, statistics, sys, time
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "benchsite.settings.bench"
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

call_command("migrate", verbosity=0)
from spirit.category.models import Category
from spirit.comment.like.models import CommentLike
from spirit.comment.models import Comment
from spirit.core.utils.markdown import Markdown
from spirit.topic.models import Topic

TEXTS, POSTS, AUTHORS, WARMUP, RUNS = json.loads(sys.argv[1])
User = get_user_model()
users = [
    User.objects.create_user(username=f"membre{i}", email=f"m{i}@example.org", password="x")
    for i in range(AUTHORS)
]
category = Category.objects.create(title="Accueil", sort=10)
topic = Topic.objects.create(category=category, user=users[0], title="Accueillir une famille")
markdown = Markdown()
for number in range(POSTS):
    text = TEXTS[number % len(TEXTS)]
    comment = Comment.objects.create(
        topic=topic, user=users[number % AUTHORS], comment=text, comment_html=markdown.render(text)
    )
    if 0 < number < 20 and number % 3 == 0:
        CommentLike.objects.create(user=users[0], comment=comment)
        Comment.objects.filter(pk=comment.pk).update(likes_count=1)
Topic.objects.filter(pk=topic.pk).update(comment_count=POSTS)
url = reverse("spirit:topic:detail", kwargs={"pk": topic.pk, "slug": topic.slug})


def timed(client):
    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


visitor = timed(Client())
member = Client()
member.force_login(users[1])
signed_in = timed(member)
print("SPIRIT-JSON " + json.dumps({"visitor": visitor, "member": signed_in,
                                  "django": django.get_version()}))
"""


def spirit(url: str, runs: int, venv: Path | None) -> dict:
    admin_url, bench_url, name = database_urls(url, "spirit")
    parts = urlsplit(bench_url)
    admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    with tempfile.TemporaryDirectory(prefix="spirit-bench-") as folder:
        folder = Path(folder)
        venv = venv or folder / "venv"
        python = venv / "bin" / "python"
        try:
            if not python.exists():
                subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "django-spirit", "psycopg[binary]"],
                check=True,
            )
            environment = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}"}
            subprocess.run(
                [str(venv / "bin" / "spirit"), "startproject", "benchsite"],
                cwd=folder,
                check=True,
                env=environment,
                stdout=subprocess.DEVNULL,
            )
            project = folder / "benchsite"
            (project / "benchsite" / "settings" / "bench.py").write_text(
                SPIRIT_SETTINGS.format(
                    name=name,
                    user=parts.username or "",
                    password=parts.password or "",
                    host=parts.hostname or "",
                    port=str(parts.port or ""),
                )
            )
            (project / "bench_runner.py").write_text(textwrap.dedent(SPIRIT_RUNNER))
            arguments = json.dumps([TEXTS, POSTS, AUTHORS, WARMUP, runs])
            result = subprocess.run(
                [str(python), "bench_runner.py", arguments],
                cwd=project,
                env=environment,
                capture_output=True,
                text=True,
            )
            line = next(
                (x for x in result.stdout.splitlines() if x.startswith("SPIRIT-JSON ")), None
            )
            if line is None:
                raise SystemExit("Spirit's half failed:\n" + result.stdout + result.stderr)
            data = json.loads(line.removeprefix("SPIRIT-JSON "))
            version = subprocess.run(
                [
                    str(python),
                    "-c",
                    "import importlib.metadata as m; print(m.version('django-spirit'))",
                ],
                capture_output=True,
                text=True,
            ).stdout.strip()
            return {
                "visitor": summary(data["visitor"]),
                "member": summary(data["member"]),
                "version": f"django-spirit {version}, Django {data['django']}",
            }
        finally:
            admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-spirit", action="store_true", help="measure our page only")
    parser.add_argument("--spirit-venv", type=Path, help="a virtualenv to (create and) reuse")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (see the top of this file).")

    results = {"Continuum": ours(url, options.runs)}
    for who in ("visitor", "member"):
        row = results["Continuum"][who]
        print(
            f"Continuum, {who}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, "
            f"{row['rps']:.1f} req/s",
            flush=True,
        )
    if not options.no_spirit:
        results["django-spirit"] = spirit(url, options.runs, options.spirit_venv)

    print(f"\nThread page, {POSTS} posts, 20 per page, {options.runs} requests each, in-process:")
    print(f"{'':16} {'who':8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}")
    for label, figures in results.items():
        for who in ("visitor", "member"):
            row = figures[who]
            print(f"{label:16} {who:8} {row['p50']:8.1f} {row['p95']:8.1f} {row['rps']:8.1f}")
    ours_p50 = results["Continuum"]["visitor"]["p50"]
    print(f"\nTarget p50 < 60 ms: {'met' if ours_p50 < 60 else 'NOT met'} ({ours_p50:.1f} ms).")
    if "django-spirit" in results:
        print(f"({results['django-spirit']['version']})")
        for who in ("visitor", "member"):
            ratio = results["Continuum"][who]["rps"] / results["django-spirit"][who]["rps"]
            verdict = "met" if ratio >= 3 else "NOT met"
            print(f"Requests per second, {who}: {ratio:.2f}× Spirit's (target ≥ 3×: {verdict}).")


if __name__ == "__main__":
    main()
