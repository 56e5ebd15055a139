"""Sections that other apps add to organisation and service pages.

The directory imports no other app, yet an organisation's page should show
its upcoming events (events app) and recent public discussions (forum app).
Those apps register a *section provider* here, from their
``AppConfig.ready()``::

    from directory import profile_sections

    def upcoming_events(organisation, *, request):
        events = Event.objects.public().upcoming().for_organisation(organisation)[:5]
        if not events:
            return None  # nothing to show: no heading either
        return profile_sections.ProfileSection(
            template="events/organisation_section.html",
            context={"events": events},
        )

    profile_sections.register_organisation_section("events", upcoming_events, order=10)

A provider receives the record and the request, and returns a
:class:`ProfileSection` (a template and its context) or ``None``. It must
apply the public-visibility rule of its own app (private events and
private groups never reach these pages), and keep its query count
constant (prefetch what its template loops over). The section's template
starts with an ``<h2>``; the page renders sections in ``order``, after the
directory's own sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

ORGANISATION = "organisation"
SERVICE = "service"


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionProvider = Callable[..., ProfileSection | None]


@dataclass(frozen=True)
class _Registration:
    key: str
    provider: SectionProvider
    order: int


_registry: dict[str, dict[str, _Registration]] = {ORGANISATION: {}, SERVICE: {}}


def _register(kind: str, key: str, provider: SectionProvider, order: int) -> None:
    # Keyed, so that registering twice (ready() run again in tests) replaces.
    _registry[kind][key] = _Registration(key=key, provider=provider, order=order)


def register_organisation_section(key: str, provider: SectionProvider, *, order: int = 100):
    """Add a section to every organisation page (``provider(organisation, request=…)``)."""
    _register(ORGANISATION, key, provider, order)


def register_service_section(key: str, provider: SectionProvider, *, order: int = 100):
    """Add a section to every service page (``provider(service, request=…)``)."""
    _register(SERVICE, key, provider, order)


def unregister(kind: str, key: str) -> None:
    _registry[kind].pop(key, None)


def sections_for(kind: str, record, *, request: HttpRequest) -> list[ProfileSection]:
    """The sections that have something to show for this record, in order."""
    registrations = sorted(_registry[kind].values(), key=lambda r: (r.order, r.key))
    sections = []
    for registration in registrations:
        section = registration.provider(record, request=request)
        if section is not None:
            sections.append(section)
    return sections
