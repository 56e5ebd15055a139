"""A workshop's upcoming sessions, from the events app (once it exists).

``workshop_sessions(workshop, request)`` returns what the workshop page lists:
:class:`cms.home_providers.HomeItem` entries, soonest first, visible to the
reader. The events app does not import ``cms``; integrating it means writing
the body of :func:`workshop_sessions` here: events whose workshop code is
``workshop.code``, upcoming, visible to ``request.user``.
"""

from __future__ import annotations

from cms.home_providers import HomeItem


def workshop_sessions(workshop, request) -> list[HomeItem]:
    return []
