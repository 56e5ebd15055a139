"""Pages of the site (in the reader's language), through Wagtail's search backend.

Wagtail's database backend searches live pages of the active locale; the
matches are then filtered with the project's page policy
(``cms.selectors.pages_visible_to``), so a login-restricted page never shows
to a visitor, and counted after that filter.
"""

from __future__ import annotations

import re

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from wagtail.models import Locale, Page

from cms.selectors import pages_visible_to

from . import SearchResult, SourceResults, source

#: Matches read from the backend before the policy filter (then counted).
MAX_MATCHES = 500


def backend_query(query: str) -> str:
    """Words only: the backend builds a raw tsquery from the terms."""
    return " ".join(re.sub(r"[^\w]+", " ", query).split())


def _excerpt(page) -> str:
    for name in ("search_description", "summary", "intro"):
        value = getattr(page, name, "")
        if isinstance(value, str) and value.strip():
            return Truncator(value).words(40)
    return ""


@source("pages")
def pages(query: str, request, limit: int) -> list[SourceResults]:
    words = backend_query(query)
    group = SourceResults(kind="pages", label=_("Pages"), count=0)
    if not words:
        return [group]
    locale = Locale.get_active()
    matches = Page.objects.live().filter(locale=locale).search(words)[:MAX_MATCHES]
    ids = [page.pk for page in matches]
    visible = set(
        pages_visible_to(Page.objects.live().filter(pk__in=ids), request.user).values_list(
            "pk", flat=True
        )
    )
    ordered = [pk for pk in ids if pk in visible]
    group.count = len(ordered)
    shown = {page.pk: page for page in Page.objects.filter(pk__in=ordered[:limit]).specific()}
    for pk in ordered[:limit]:
        page = shown[pk]
        lang = page.content_language() if hasattr(page, "content_language") else ""
        group.results.append(
            SearchResult(
                title=page.title,
                url=page.get_url(request=request),
                excerpt=_excerpt(page),
                lang=lang,
                meta=str(page.specific_class._meta.verbose_name).capitalize(),
            )
        )
    return [group]
