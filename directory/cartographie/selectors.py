"""Which records a portrait reads, under the access policy.

The public portrait reads the published records, through the one visibility
rule (``visible_to(None)``), whoever asks. The staff version (permission
:data:`VIEW_FULL_PORTRAIT`, roles *Équipe du répertoire* and *Animation*)
adds unpublished records (drafts, awaiting verification) and the needs
gathered by the recensement; someone holding the permission may still ask
for the public version (``?version=public``) to see what everyone sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from directory.access import CONNECT_ORGANISATIONS, VIEW_FULL_PORTRAIT
from directory.models import Organisation, Partnership, Service

PUBLIC = "public"
FULL = "full"
VERSIONS = (PUBLIC, FULL)


@dataclass(frozen=True)
class PortraitScope:
    """The records a portrait is computed on. Build it with :func:`portrait_scope`."""

    version: str = PUBLIC

    @property
    def is_full(self) -> bool:
        return self.version == FULL

    def organisations(self) -> QuerySet:
        if self.is_full:
            return Organisation.objects.all()
        return Organisation.objects.visible_to(None)

    def services(self) -> QuerySet:
        """Every service of the scope, whatever its status (see :meth:`offer`)."""
        if self.is_full:
            return Service.objects.all()
        return Service.objects.visible_to(None)

    def offer(self) -> QuerySet:
        """The services that make the offer: in scope and active (or temporarily closed),
        as the directory search counts them."""
        return self.services().active()

    def partnerships(self) -> QuerySet:
        """Partnerships between two organisations of the scope (both ends visible)."""
        organisations = self.organisations().values("pk")
        return Partnership.objects.filter(source__in=organisations, target__in=organisations)


PUBLIC_SCOPE = PortraitScope(PUBLIC)


def portrait_scope(*, user, requested: str | None = None) -> PortraitScope:
    """The full portrait for those who may see it (unless they ask for the public one);
    the public portrait for everyone else, whatever they ask."""
    if user is not None and user.has_perm(VIEW_FULL_PORTRAIT) and requested != PUBLIC:
        return PortraitScope(FULL)
    return PUBLIC_SCOPE


def may_connect(user) -> bool:
    return user is not None and user.has_perm(CONNECT_ORGANISATIONS)
