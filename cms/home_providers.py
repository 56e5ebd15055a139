"""Where the home page's lists come from: one small provider function per section.

A section of the home page (``cms.models.home``) that lists things asks
:func:`items` for them; a provider returns what the reader may see, newest or
soonest first. The events and forum apps do not import ``cms``: their
providers live here, in ``cms``, one function each, registered with
:func:`provider` (the events app adds ``upcoming_events``, the forum
``active_discussions``). A section whose provider is not registered yet
shows nothing, so the home page works before those apps land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeItem:
    """One line of a home page list."""

    title: str
    url: str
    summary: str = ""
    #: When it happens (events) or was published (news); shown as a date.
    when: date | datetime | None = None
    #: The language of the title and summary when it is not the page's (a French-only item).
    lang: str = ""


Provider = Callable[[HttpRequest, int], list[HomeItem]]
_PROVIDERS: dict[str, Provider] = {}


def provider(name: str) -> Callable[[Provider], Provider]:
    """Register ``function(request, limit) -> list[HomeItem]`` as the source of section ``name``."""

    def register(function: Provider) -> Provider:
        _PROVIDERS[name] = function
        return function

    return register


def is_available(name: str) -> bool:
    return name in _PROVIDERS


def items(name: str, request: HttpRequest, limit: int) -> list[HomeItem]:
    """What section ``name`` shows to this request's reader (empty without a provider)."""
    function = _PROVIDERS.get(name)
    if function is None or request is None:
        return []
    return function(request, limit)[:limit]


@provider("latest_news")
def latest_news(request: HttpRequest, limit: int) -> list[HomeItem]:
    from wagtail.models import Locale

    from cms.models import NewsArticlePage
    from cms.selectors import pages_visible_to

    locale = Locale.get_active()
    articles = (
        pages_visible_to(NewsArticlePage.objects.live().filter(locale=locale), request.user)
        .select_related("alias_of__locale")
        .order_by("-date", "-pk")[:limit]
    )
    return [
        HomeItem(
            title=article.title,
            url=article.get_url(request=request),
            summary=article.summary,
            when=article.date,
            lang=article.content_language(),
        )
        for article in articles
    ]
