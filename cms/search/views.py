"""The site-wide search page: /fr/search/ and /en/search/."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from cms.search.promotions import promotions_for
from cms.search.sources import search_everything
from directory.search.text import QUERY_MAX_WORDS, query_bound

#: Results shown per kind; the count says how many there are in all.
RESULTS_PER_KIND = 10


def search(request):
    raw = request.GET.get("q", "")
    query, shortened = query_bound(raw)
    notice = ""
    groups, promoted = [], []
    if raw.strip() and not query:
        notice = _("Your search has no letters or digits to look for. Try other words.")
    elif query:
        if shortened:
            notice = _(
                "Your search was too long: we searched its first words only (at most %(words)d)."
            ) % {"words": QUERY_MAX_WORDS}
        groups = search_everything(query, request, RESULTS_PER_KIND)
        promoted = promotions_for(query, request)
    return render(
        request,
        "cms/search.html",
        {
            "query": query,
            "notice": notice,
            "groups": groups,
            "promoted": promoted,
            "total": sum(group.count for group in groups),
        },
    )
