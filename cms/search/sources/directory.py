"""Organisations and services of the directory, as the reader may see them.

Reuses the directory's own text matching (French stemming without accents on
PostgreSQL, folded substrings on SQLite) and its one visibility rule.
"""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from directory.models import Organisation, Service
from directory.search.text import (
    matching_ids,
    organisation_name_q,
    organisation_text_q,
    service_name_q,
    service_text_q,
)

from . import SearchResult, SourceResults, source


def _lang(text) -> str:
    """``fr`` when the English site shows the French text (no English version)."""
    return text.lang if getattr(text, "fallback", False) else ""


def _ranked(queryset, text_q, name_q, limit):
    [ids, by_name] = matching_ids(queryset.filter(text_q), queryset.filter(text_q & name_q))
    first = set(by_name)
    ordered = [*by_name, *(pk for pk in ids if pk not in first)]
    return len(ids), ordered[:limit]


@source("directory")
def directory(query: str, request, limit: int) -> list[SourceResults]:
    user = request.user
    count, ids = _ranked(
        Organisation.objects.visible_to(user),
        organisation_text_q(query),
        organisation_name_q(query),
        limit,
    )
    records = Organisation.objects.in_bulk(ids)
    organisations = SourceResults(
        kind="organisations",
        label=_("Organisations"),
        count=count,
        results=[
            SearchResult(
                title=records[pk].i18n.name,
                url=records[pk].get_absolute_url(),
                excerpt=Truncator(records[pk].i18n.mission).words(40),
                lang=_lang(records[pk].i18n.name),
            )
            for pk in ids
        ],
    )
    count, ids = _ranked(
        Service.objects.visible_to(user), service_text_q(query), service_name_q(query), limit
    )
    records = Service.objects.select_related("organisation").in_bulk(ids)
    services = SourceResults(
        kind="services",
        label=_("Services"),
        count=count,
        results=[
            SearchResult(
                title=records[pk].i18n.name,
                url=records[pk].get_absolute_url(),
                excerpt=Truncator(records[pk].i18n.description).words(40),
                lang=_lang(records[pk].i18n.description),
                meta=records[pk].organisation.i18n.name,
            )
            for pk in ids
        ],
    )
    return [organisations, services]
