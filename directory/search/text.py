"""Full-text search documents of the directory, and how a text query matches them.

On PostgreSQL every service and organisation carries a ``search_vector``
built with the ``french_unaccent`` text search configuration (French
stemming after ``unaccent``), so that "integration" finds "intégration" and
"logements" finds "logement". The vectors are weighted:

- services: name (A) > organisation name and acronym, category labels in
  French and English, with their parent's (B) > description (C) >
  municipalities and names of the locations not archived (D);
- organisations: name and acronym (A) > mission (C).

:func:`search_vectors_refresh` is the only writer of the vectors. The signal
handlers in ``directory/search/signals.py`` call it after every ORM write that can
change a document; code that writes with ``bulk_create``, ``update()`` or raw
SQL (importers, the benchmark) must call it itself, once, with every id it
touched: one ``UPDATE … FROM`` statement per kind of record does the lot.

On SQLite (``make run``) there is no vector: :func:`service_text_q` and
:func:`organisation_text_q` fall back to an accent- and case-insensitive
substring match on the same fields, through the ``continuum_fold`` SQL
function registered on every SQLite connection (no stemming there).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains

from directory.data_version import data_version_bump
from directory.models import (
    Location,
    Organisation,
    Service,
    ServiceAtLocation,
    ServiceCategory,
)

#: The text search configuration created by migration 0004_search_vector (PostgreSQL only).
SEARCH_CONFIG = "french_unaccent"

#: Longest text query we search, in characters, counted before and after folding
#: (folding expands ligatures: U+FDFA alone becomes four words, 18 letters).
QUERY_MAX_LENGTH = 200
#: Most words we search, before and after folding. Each word is one more
#: condition: on SQLite, seven substring matches and a category subquery.
QUERY_MAX_WORDS = 10
#: Input read at most: room for spaces and invisible characters around a
#: query that fits, so that any input costs the same small work.
QUERY_READ_MAX = 8 * QUERY_MAX_LENGTH


def uses_full_text_search() -> bool:
    """True when the database has the vectors and the configuration (PostgreSQL)."""
    return connection.vendor == "postgresql"


# --- Keeping the vectors current --------------------------------------------------


def _ids(values) -> list[int] | None:
    if values is None:
        return None
    return sorted({value if isinstance(value, int) else value.pk for value in values})


def _service_refresh_sql(where: str) -> str:
    service = Service._meta.db_table
    organisation = Organisation._meta.db_table
    category = ServiceCategory._meta.db_table
    service_category = Service.categories.through._meta.db_table
    location = Location._meta.db_table
    service_location = ServiceAtLocation._meta.db_table
    # Identifiers come from the models and ``where`` from this module; values are parameters.
    return f"""
        UPDATE {service} AS s
        SET search_vector =
            setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ', s.name, s.name_en)), 'A')
            || setweight(to_tsvector('{SEARCH_CONFIG}',
                   concat_ws(' ', d.organisation_text, d.category_text)), 'B')
            || setweight(to_tsvector('{SEARCH_CONFIG}',
                   concat_ws(' ', s.description, s.description_en)), 'C')
            || setweight(to_tsvector('{SEARCH_CONFIG}', d.place_text), 'D')
        FROM (
            SELECT s2.id,
                   concat_ws(' ', o.name, o.name_en, o.acronym) AS organisation_text,
                   coalesce((
                       SELECT string_agg(
                           concat_ws(' ', c.label_fr, c.label_en, p.label_fr, p.label_en), ' ')
                       FROM {service_category} sc
                       JOIN {category} c ON c.id = sc.servicecategory_id
                       LEFT JOIN {category} p ON p.id = c.parent_id
                       WHERE sc.service_id = s2.id
                   ), '') AS category_text,
                   coalesce((
                       SELECT string_agg(concat_ws(' ', l.municipality, l.name, l.name_en), ' ')
                       FROM {service_location} sl
                       JOIN {location} l ON l.id = sl.location_id
                       WHERE sl.service_id = s2.id AND l.archived_at IS NULL
                   ), '') AS place_text
            FROM {service} s2
            JOIN {organisation} o ON o.id = s2.organisation_id
            WHERE {where}
        ) AS d
        WHERE d.id = s.id
    """  # noqa: S608


def _organisation_refresh_sql(where: str) -> str:
    organisation = Organisation._meta.db_table
    return f"""
        UPDATE {organisation} AS o
        SET search_vector =
            setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ', o.name, o.name_en, o.acronym)),
                      'A')
            || setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ', o.mission, o.mission_en)),
                         'C')
        WHERE {where}
    """  # noqa: S608


def search_vectors_refresh(
    *,
    services: Iterable[int | Service] | None = None,
    organisations: Iterable[int | Organisation] | None = None,
) -> None:
    """Rebuild the search documents of these services and organisations.

    ``organisations`` also rebuilds every service of those organisations,
    since a service's document carries its organisation's name and acronym.
    Ids or instances; ``None`` means "none of this kind". Two statements at
    most, whatever the number of ids (no vector on SQLite). It also bumps the
    directory's data version (after commit), so that one call after a bulk
    write keeps every search structure current.
    """
    data_version_bump()
    if not uses_full_text_search():
        return
    service_ids = _ids(services)
    organisation_ids = _ids(organisations)
    with connection.cursor() as cursor:
        if organisation_ids:
            cursor.execute(_organisation_refresh_sql("o.id = ANY(%s)"), [organisation_ids])
        if service_ids and organisation_ids:
            cursor.execute(
                _service_refresh_sql("(s2.id = ANY(%s) OR s2.organisation_id = ANY(%s))"),
                [service_ids, organisation_ids],
            )
        elif service_ids:
            cursor.execute(_service_refresh_sql("s2.id = ANY(%s)"), [service_ids])
        elif organisation_ids:
            cursor.execute(_service_refresh_sql("s2.organisation_id = ANY(%s)"), [organisation_ids])


def search_vectors_refresh_all() -> None:
    """Rebuild every document (after a bulk import, or when the configuration changes)."""
    data_version_bump()
    if not uses_full_text_search():
        return
    with connection.cursor() as cursor:
        cursor.execute(_organisation_refresh_sql("TRUE"))
        cursor.execute(_service_refresh_sql("TRUE"))


# --- Matching a text query ----------------------------------------------------------


def _visible(text: str) -> str:
    """Control characters become spaces and invisible formatting characters go.

    PostgreSQL refuses NUL in any string; zero-width spaces and joiners and
    direction marks (Unicode category Cf) never help to find a word.
    """
    return "".join(
        " " if category == "Cc" else char
        for char in text
        if (category := unicodedata.category(char)) != "Cf"
    )


def _query_fits(query: str) -> bool:
    folded = fold(query)
    return (
        len(query) <= QUERY_MAX_LENGTH
        and len(folded) <= QUERY_MAX_LENGTH
        and len(query.split()) <= QUERY_MAX_WORDS
        and len(folded.split()) <= QUERY_MAX_WORDS
    )


def query_bound(text: str | None) -> tuple[str, bool]:
    """The text query as we search it, and whether it had to be shortened.

    Trimmed, one space between words, without control or invisible characters,
    and within :data:`QUERY_MAX_WORDS` and :data:`QUERY_MAX_LENGTH` both as
    typed and once folded, since the SQLite fallback searches the folded words
    and folding can multiply them. The first words that fit are kept; a first
    word too long on its own is cut. Any input costs the same small work: at
    most :data:`QUERY_READ_MAX` characters are read.
    """
    text = text or ""
    words = " ".join(_visible(text[:QUERY_READ_MAX]).split())
    kept: list[str] = []
    for word in words[: QUERY_MAX_LENGTH + 1].split(" "):
        if _query_fits(" ".join([*kept, word])):
            kept.append(word)
            continue
        if not kept:
            # Longest prefix that fits (fits is monotonic in the prefix length).
            low, high = 0, len(word)
            while low < high:
                middle = (low + high + 1) // 2
                if _query_fits(word[:middle]):
                    low = middle
                else:
                    high = middle - 1
            kept.append(word[:low])
        break
    query = " ".join(kept).strip()
    return query, query != words or bool(text[QUERY_READ_MAX:].strip())


def query_clean(text: str | None) -> str:
    """The bounded text query (see :func:`query_bound`); idempotent."""
    return query_bound(text)[0]


def fold(text: str) -> str:
    """Lower case without accents: the SQLite fallback compares folded texts.

    Compatibility decomposition (NFKD) also expands ligatures, sometimes into
    several words: bound a visitor's query with :func:`query_bound` first.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Fold(Func):
    """``continuum_fold(text)``: :func:`fold` in SQL, registered on SQLite connections."""

    function = "continuum_fold"
    output_field = TextField()


def sqlite_functions_register(sender, connection, **kwargs) -> None:
    """``connection_created`` handler: teach SQLite to fold accents and case."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "continuum_fold",
            1,
            lambda value: fold(value) if isinstance(value, str) else value,
            deterministic=True,
        )


def search_query(text: str) -> SearchQuery:
    """A PostgreSQL query in web-search syntax ("quoted phrase", or, -word), bounded."""
    return SearchQuery(query_clean(text), config=SEARCH_CONFIG, search_type="websearch")


def _folded_words_q(text: str, lookups: tuple[str, ...], *, with_categories: bool) -> Q:
    """Every word in at least one of the fields (SQLite fallback).

    The query is bounded again here (it is idempotent), so that no caller can
    build an expression tree deeper than SQLite accepts.
    """
    condition = Q()
    for word in fold(query_clean(text)).split():
        any_field = Q()
        for lookup in lookups:
            any_field |= Q(Contains(Fold(F(lookup)), Value(word)))
        if with_categories:
            matching_categories = ServiceCategory.objects.filter(
                Q(Contains(Fold(F("label_fr")), Value(word)))
                | Q(Contains(Fold(F("label_en")), Value(word)))
                | Q(Contains(Fold(F("parent__label_fr")), Value(word)))
                | Q(Contains(Fold(F("parent__label_en")), Value(word)))
            )
            any_field |= Q(
                pk__in=Service.categories.through.objects.filter(
                    servicecategory__in=matching_categories
                ).values("service_id")
            )
        condition &= any_field
    return condition


def service_text_q(text: str) -> Q:
    """Services whose document matches ``text`` (a cleaned, non-empty query)."""
    if uses_full_text_search():
        return Q(search_vector=search_query(text))
    return _folded_words_q(
        text,
        (
            "name",
            "name_en",
            "description",
            "description_en",
            "organisation__name",
            "organisation__name_en",
            "organisation__acronym",
        ),
        with_categories=True,
    )


def organisation_text_q(text: str) -> Q:
    """Organisations whose document matches ``text`` (a cleaned, non-empty query)."""
    if uses_full_text_search():
        return Q(search_vector=search_query(text))
    return _folded_words_q(
        text, ("name", "name_en", "acronym", "mission", "mission_en"), with_categories=False
    )


#: Names alone, as indexed by migration 0007 (the expressions must stay identical).
SERVICE_NAME_VECTOR = (
    f"to_tsvector('{SEARCH_CONFIG}'::regconfig, coalesce(name, '') || ' ' || coalesce(name_en, ''))"
)
ORGANISATION_NAME_VECTOR = (
    f"to_tsvector('{SEARCH_CONFIG}'::regconfig,"
    " coalesce(name, '') || ' ' || coalesce(name_en, '') || ' ' || coalesce(acronym, ''))"
)


def _name_q(vector_sql: str, text: str) -> Q:
    """The indexed name expression matches the text (for a queryset without joins:
    the expression names its columns without their table)."""
    matches = RawSQL(  # noqa: S611 - constant SQL; the visitor's text is a parameter
        f"{vector_sql} @@ websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)",
        [query_clean(text)],
        output_field=BooleanField(),
    )
    return Q(matches)


def service_name_q(text: str) -> Q:
    """Services whose name matches ``text``: they come first in the results."""
    if uses_full_text_search():
        return _name_q(SERVICE_NAME_VECTOR, text)
    return _folded_words_q(text, ("name", "name_en"), with_categories=False)


def organisation_name_q(text: str) -> Q:
    """Organisations whose name or acronym matches ``text``: they come first."""
    if uses_full_text_search():
        return _name_q(ORGANISATION_NAME_VECTOR, text)
    return _folded_words_q(text, ("name", "name_en", "acronym"), with_categories=False)


def matching_ids(*querysets) -> list[list[int]]:
    """Ids of full-text filtered querysets, read through their GIN indexes.

    With PostgreSQL's default ``random_page_cost`` (4, meant for spinning
    disks) the planner reads the whole table — 40 MB of vectors at 20,000
    services — for a word found in a third of the records: 30–45 ms, where
    the index takes 8 ms. The lower cost, usual for SSDs, is set for this
    transaction only (or, inside an outer transaction, until it ends).
    """
    if not uses_full_text_search():
        return [list(queryset.order_by().values_list("pk", flat=True)) for queryset in querysets]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        return [list(queryset.order_by().values_list("pk", flat=True)) for queryset in querysets]
