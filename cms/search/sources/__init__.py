"""The registry of search sources: each kind of thing the site-wide search finds.

A source is a function ``(query, request, limit) -> SourceResults`` registered
with :func:`source`; it returns only what ``request.user`` may see (the
source applies the access policy, never the view) and the number of matches.
Sources live in this package, one module each, listed in
:data:`SOURCE_MODULES` in the order their groups are shown. The events and
forum apps never import ``cms``: their sources are modules here
(``events.py``, ``threads.py``) added to that list when they land.

``query`` is already bounded and cleaned (``directory.search.text.query_bound``):
non-empty, at most 10 words and 200 characters once folded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.http import HttpRequest

#: Modules that register sources, in the order of their groups on the page.
SOURCE_MODULES = (
    "cms.search.sources.pages",
    "cms.search.sources.documents",
    "cms.search.sources.directory",
)


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    excerpt: str = ""
    #: Language of title and excerpt when not the page's (a French-only page on /en/).
    lang: str = ""
    #: A short line under the title: the organisation, a date, "PDF, 120 KB"…
    meta: str = ""


@dataclass
class SourceResults:
    #: Stable key of the kind ("pages", "documents", "organisations"…), used as an anchor.
    kind: str
    #: Heading of the group, in the reader's language.
    label: str
    #: How many matches the reader may see (results holds at most ``limit`` of them).
    count: int
    results: list[SearchResult] = field(default_factory=list)


Source = Callable[[str, HttpRequest, int], list[SourceResults]]
_SOURCES: list[tuple[str, Source]] = []


def source(name: str) -> Callable[[Source], Source]:
    """Register a source; it may return several groups (organisations and services)."""

    def register(function: Source) -> Source:
        _SOURCES[:] = [(key, f) for key, f in _SOURCES if key != name]
        _SOURCES.append((name, function))
        return function

    return register


def sources() -> list[tuple[str, Source]]:
    for module in SOURCE_MODULES:
        import_module(module)
    order = {module.rsplit(".", 1)[1]: index for index, module in enumerate(SOURCE_MODULES)}
    return sorted(_SOURCES, key=lambda item: order.get(item[0], len(order)))


def search_everything(query: str, request: HttpRequest, limit: int) -> list[SourceResults]:
    groups: list[SourceResults] = []
    for _name, function in sources():
        groups.extend(function(query, request, limit))
    return groups
