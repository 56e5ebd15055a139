"""Promoted results: what staff pin for a query (Wagtail's search promotions, in the admin).

A promoted page shows in the reader's language and only if they may open it.
"""

from __future__ import annotations

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.search.utils import normalise_query_string

from cms.search.sources import SearchResult
from cms.selectors import page_is_visible


def promotions_for(query: str, request) -> list[SearchResult]:
    stored = Query.objects.filter(query_string=normalise_query_string(query)).first()
    if stored is None:
        return []
    results = []
    for pick in SearchPromotion.objects.filter(query=stored).select_related("page"):
        if pick.page is not None:
            page = pick.page.specific.localized
            if not page_is_visible(page, request.user):
                continue
            lang = page.content_language() if hasattr(page, "content_language") else ""
            results.append(
                SearchResult(
                    title=page.title,
                    url=page.get_url(request=request),
                    excerpt=pick.description,
                    lang=lang,
                )
            )
        elif pick.external_link_url:
            results.append(
                SearchResult(
                    title=pick.external_link_text or pick.external_link_url,
                    url=pick.external_link_url,
                    excerpt=pick.description,
                )
            )
    return results
