"""Toolkit documents, by their title and description.

A document is found only through a fiche the reader may open (live, in a
section they may see, in their language) and only when its collection is not
restricted: the metadata of a private document never shows.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.lookups import Contains
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from wagtail.models import CollectionViewRestriction, Locale

from cms.models import FicheDocument, FichePage, SiteDocument
from cms.selectors import pages_visible_to
from directory.search.text import SEARCH_CONFIG, Fold, fold, search_query

from . import SearchResult, SourceResults, source


def _text_q(query: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(search_document=search_query(query))
    condition = Q()
    for word in fold(query).split():
        condition &= Q(Contains(Fold(F("title")), Value(word))) | Q(
            Contains(Fold(F("description")), Value(word))
        )
    return condition


@source("documents")
def documents(query: str, request, limit: int) -> list[SourceResults]:
    fiches = pages_visible_to(
        FichePage.objects.live().filter(locale=Locale.get_active()), request.user
    )
    links = FicheDocument.objects.filter(fiche__in=fiches)
    restricted = CollectionViewRestriction.objects.values("collection__path")
    found = SiteDocument.objects.filter(pk__in=links.values("document_id"))
    for path in restricted:
        found = found.exclude(collection__path__startswith=path["collection__path"])
    if connection.vendor == "postgresql":
        found = found.annotate(
            search_document=SearchVector("title", "description", config=SEARCH_CONFIG)
        )
    found = found.filter(_text_q(query)).order_by("title", "pk")
    count = found.count()
    shown = list(found[:limit])
    fiche_of = {
        link.document_id: link.fiche
        for link in links.filter(document__in=shown).select_related("fiche")
    }
    group = SourceResults(kind="documents", label=_("Toolkit documents"), count=count)
    for document in shown:
        fiche = fiche_of.get(document.pk)
        group.results.append(
            SearchResult(
                title=document.title,
                url=document.url,
                excerpt=Truncator(document.description).words(40),
                meta=" · ".join(
                    part
                    for part in (
                        document.kind_label,
                        filesizeformat(document.file_size) if document.file_size else "",
                        _("in « %(fiche)s »") % {"fiche": fiche.title} if fiche else "",
                    )
                    if part
                ),
            )
        )
    return [group]
