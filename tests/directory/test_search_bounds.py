"""A visitor's text query is bounded after folding: odd input gets a clear, fast answer.

Folding (the SQLite fallback's accent removal) expands some characters into
several words: U+FDFA alone becomes four. Unbounded, 200 of them made a 500
("Expression tree is too large") after 8 s on SQLite, and 100 words took
seconds on the map page. Every surface that takes a text query is checked
with the same inputs, on PostgreSQL; a subprocess checks SQLite.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from django.urls import reverse

from directory.search.text import (
    QUERY_MAX_LENGTH,
    QUERY_MAX_WORDS,
    fold,
    query_bound,
    query_clean,
)
from tests.factories import ServiceFactory

ROOT = Path(__file__).resolve().parents[2]

ODD_QUERIES = {
    "ligature_x200": "\ufdfa" * 200,
    "ligatures_as_words": " ".join(["\ufdfa"] * 100),
    "hundred_words": " ".join(f"mot{n}" for n in range(100)),
    "ten_thousand_characters": "a" * 10_000,
    "combining_marks": "e" + "\u0301" * 5_000,
    "right_to_left": "\u202eسلام\u200f عليكم\u202c",
    "zero_width": "lo\u200bge\u200dment\ufeff",
    "nul_and_controls": "loge\x00ment\x07\x1b[31m",
    "only_invisible": "\u200b" * 300,
    "replacement_and_private_use": "\ufffd\ue000\U0010fffd",
}


def _within_bounds(query: str) -> bool:
    folded = fold(query)
    return (
        len(query) <= QUERY_MAX_LENGTH
        and len(folded) <= QUERY_MAX_LENGTH
        and len(query.split()) <= QUERY_MAX_WORDS
        and len(folded.split()) <= QUERY_MAX_WORDS
    )


# --- The bound itself ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ODD_QUERIES.values(), ids=ODD_QUERIES.keys())
def test_every_odd_query_is_bounded_once_folded_and_stays_so(raw):
    query = query_clean(raw)
    assert _within_bounds(query)
    assert query_clean(query) == query
    assert not any(ord(char) < 32 for char in query)


def test_expanding_ligatures_are_cut_by_what_they_fold_to():
    query, shortened = query_bound("\ufdfa" * 200)
    assert shortened
    assert 0 < len(query) <= 3
    assert len(fold(query).split()) <= QUERY_MAX_WORDS


def test_a_long_query_keeps_its_first_words():
    query, shortened = query_bound(" ".join(f"mot{n}" for n in range(100)))
    assert shortened
    assert query == " ".join(f"mot{n}" for n in range(QUERY_MAX_WORDS))


def test_a_single_overlong_word_is_cut_to_the_length_limit():
    query, shortened = query_bound("a" * 10_000)
    assert shortened
    assert query == "a" * QUERY_MAX_LENGTH


def test_invisible_and_control_characters_are_dropped_without_calling_it_shortened():
    assert query_bound("lo\u200bge\u200dment") == ("logement", False)
    assert query_bound("loge\x00ment") == ("loge ment", False)


def test_an_ordinary_query_is_unchanged_and_not_called_shortened():
    assert query_bound("  Intégration   au « travail »  ") == ("Intégration au « travail »", False)


# --- Every surface, on PostgreSQL --------------------------------------------------------


SURFACES = [
    ("directory:search", "q"),
    ("directory:map", "q"),
    ("directory:map_data", "q"),
]
API_SURFACES = ["/api/hsds/services", "/api/hsds/organizations", "/api/hsds/taxonomy_terms"]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "parameter"), SURFACES)
def test_search_map_and_map_data_answer_every_odd_query(client, url_name, parameter):
    ServiceFactory(name="Aide au logement")
    for name, raw in ODD_QUERIES.items():
        response = client.get(reverse(url_name), {parameter: raw})
        assert response.status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("path", API_SURFACES)
def test_the_hsds_api_answers_every_odd_search(client, path):
    ServiceFactory(name="Aide au logement")
    for name, raw in ODD_QUERIES.items():
        response = client.get(path, {"search": raw})
        assert response["Content-Type"].startswith("application/json")
        if len(raw) > 1000 or "\x00" in raw:
            # The API refuses a parameter longer than it accepts, or with a NUL byte,
            # naming it (a JSON 400); the pages search what they can of it.
            assert response.status_code == 400, name
            assert response.json()["parameter"] == "search"
        else:
            assert response.status_code == 200, name


@pytest.mark.django_db
def test_the_bounded_query_is_searched_and_finds(client):
    ServiceFactory(name="Aide au logement")
    ServiceFactory(name="Cours de cuisine")
    response = client.get(reverse("directory:search"), {"q": "logement " * 100})
    assert {service.name for service in response.context["result"].page.object_list} == {
        "Aide au logement"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["directory:search", "directory:map"])
def test_the_page_says_the_query_was_shortened_and_shows_what_was_searched(client, url_name):
    response = client.get(reverse(url_name), {"q": " ".join(f"mot{n}" for n in range(100))})
    page = response.content.decode()
    assert "Votre recherche était trop longue" in page
    assert 'aria-describedby="directory-q-help directory-q-shortened"' in page
    assert f'value="{" ".join(f"mot{n}" for n in range(QUERY_MAX_WORDS))}"' in page


@pytest.mark.django_db
def test_an_ordinary_query_gets_no_shortening_notice(client):
    response = client.get(reverse("directory:search"), {"q": "logement"})
    assert "directory-q-shortened" not in response.content.decode()


# --- SQLite (make run) ---------------------------------------------------------------------

SQLITE_SCRIPT = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.db import connection
    from directory import data_version
    from directory.models import Organisation, Service, ServiceCategory
    from directory.search import text

    with connection.schema_editor() as editor:
        for model in (ServiceCategory, Organisation, Service):
            editor.create_model(model)
        data_version.store_create(editor)
    connection.disable_constraint_checking()  # the tables they refer to are not created
    organisation = Organisation.objects.create(name="Accueil", slug="accueil")
    Service.objects.create(organisation=organisation, name="Aide au logement", slug="aide")
    answers = {}
    for name, raw in json.loads(input()).items():
        query = text.query_clean(raw) or "x"
        found = [
            Service.objects.filter(text.service_text_q(query)).count(),
            Service.objects.filter(text.service_name_q(query)).count(),
            Organisation.objects.filter(text.organisation_text_q(query)).count(),
            # A caller that forgets to clean is bounded too.
            Service.objects.filter(text.service_text_q(raw)).count(),
        ]
        conditions = str(Service.objects.filter(text.service_text_q(raw)).query).count(" LIKE ")
        answers[name] = {"found": found, "conditions": conditions}
    print(json.dumps(answers))
    """
)


def test_on_sqlite_every_odd_query_is_answered_with_a_bounded_number_of_conditions():
    queries = {**ODD_QUERIES, "ordinary": "logement " * 100}
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": "sqlite://:memory:",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=ROOT,
        env=environment,
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(answers) == set(queries)
    assert answers["ordinary"]["found"] == [1, 1, 0, 1]
    # Per word: seven fields and four category labels. Unbounded, U+FDFA × 200
    # made 800 words (8,800 conditions, 36 s; a 500 once nested in the map's query).
    most = {name: answer["conditions"] for name, answer in answers.items()}
    assert max(most.values()) <= QUERY_MAX_WORDS * 11, most
