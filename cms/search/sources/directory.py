"""Organisations and services of the directory, as the reader may see them.

Reuses the directory's own text matching (French stemming without accents on
PostgreSQL, folded substrings on SQLite) and its one visibility rule.
"""

from __future__ import annotations

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from directory.models import Organisation, Service
from directory.search.text import (
    organisation_name_q,
    organisation_text_q,
    service_name_q,
    service_text_q,
)

from . import SearchResult, SourceResults, source


def _lang(text) -> str:
    """``fr`` when the English site shows the French text (no English version)."""
    return text.lang if getattr(text, "fallback", False) else ""


def _ranked(model, user, text_q, name_q, limit) -> tuple[int, list[int]]:
    """How many visible records match, and the ids of the first ``limit``: name matches first.

    The text conditions are raw SQL on the model's own columns: they are applied
    to the bare table in a subquery, the visibility rule outside it.
    """
    matches = model.objects.visible_to(user).filter(
        pk__in=model.objects.filter(text_q).values("pk")
    )
    count = matches.count()
    by_name = list(
        matches.filter(pk__in=model.objects.filter(name_q).values("pk"))
        .order_by("name", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    others = list(
        matches.exclude(pk__in=by_name)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[: limit - len(by_name)]
    )
    return count, by_name + others


@source("directory")
def directory(query: str, request, limit: int) -> list[SourceResults]:
    user = request.user
    count, ids = _ranked(
        Organisation, user, organisation_text_q(query), organisation_name_q(query), limit
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
    count, ids = _ranked(Service, user, service_text_q(query), service_name_q(query), limit)
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
