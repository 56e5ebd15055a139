"""Cards for links to the platform's own pages, shown when a link sits on its own line.

A post that says only ``https://…/fr/directory/organisations/sanc/`` on a line
shows a card (name, kind, a line of description) instead of a bare URL.
Cards are built when the post is saved (rendered once) and only from what
the public may see: a card never reveals an unpublished record, whoever
reads the post.

Other apps add theirs from their ``AppConfig.ready()`` (events, toolkit pages)::

    from forum import cards

    def event_card(match):  # a django.urls.ResolverMatch of a same-site link
        event = Event.objects.public().filter(pk=match.kwargs["pk"]).first()
        if event is None:
            return None
        return cards.Card(kind=_("Event"), title=event.title, url=event.get_absolute_url(),
                          summary=event.starts_at.strftime("%Y-%m-%d"))

    cards.register("events:detail", event_card)

The key is the URL's name (``namespace:name``); the resolver receives the
resolved match and returns a :class:`Card` or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.translation import gettext

#: Language prefixes that a same-site path may carry.
_PREFIXES = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


@dataclass(frozen=True)
class Card:
    kind: str
    title: str
    url: str
    summary: str = ""


CardResolver = Callable[[ResolverMatch], Card | None]

_registry: dict[str, CardResolver] = {}


def register(url_name: str, resolver: CardResolver) -> None:
    """Give links to pages named ``url_name`` a card (registering twice replaces)."""
    _registry[url_name] = resolver


def _same_site_path(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc:
        hosts = {host for host in settings.ALLOWED_HOSTS if host and "*" not in host}
        host = parts.hostname or ""
        if host not in hosts and not any(h.startswith(".") and host.endswith(h) for h in hosts):
            return None
    path = parts.path or ""
    if not path.startswith("/") or path.startswith("//"):
        return None
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def neutral_path(path: str) -> str:
    """A page's path without its language prefix (the middleware adds the reader's)."""
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def build_card(href: str) -> str | None:
    """The card's HTML for a same-site link with a registered card, else None."""
    path = _same_site_path(href)
    if path is None:
        return None
    try:
        match = resolve(f"/{settings.LANGUAGE_CODE}{path}")
    except Resolver404:
        return None
    resolver = _registry.get(match.view_name)
    if resolver is None:
        return None
    card = resolver(match)
    if card is None:
        return None
    return render_to_string("forum/cards/card.html", {"card": card}).strip()


# --- The directory's cards ------------------------------------------------------------------


def _organisation_card(match: ResolverMatch) -> Card | None:
    from directory.models import Organisation

    organisation = Organisation.objects.visible_to(None).filter(slug=match.kwargs["slug"]).first()
    if organisation is None:
        return None
    name = organisation.name
    if organisation.acronym:
        name = f"{name} ({organisation.acronym})"
    return Card(
        kind=gettext("Organisation"),
        title=name,
        url=neutral_path(organisation.get_absolute_url()),
        summary=(organisation.mission or "")[:240],
    )


def _service_card(match: ResolverMatch) -> Card | None:
    from directory.models import Service

    service = (
        Service.objects.visible_to(None)
        .select_related("organisation")
        .filter(slug=match.kwargs["slug"])
        .first()
    )
    if service is None:
        return None
    return Card(
        kind=gettext("Service"),
        title=service.name,
        url=neutral_path(service.get_absolute_url()),
        summary=gettext("Offered by %(organisation)s")
        % {"organisation": service.organisation.name},
    )


register("directory:organisation_detail", _organisation_card)
register("directory:service_detail", _service_card)
