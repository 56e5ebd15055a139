"""Maillage (networking) suggestions: who an organisation could work with, and why.

For an organisation, the suggested partners are the organisations of the
scope that

- serve the same clients in the same places: they share at least one
  (territory, client status) pair with it, from their services in the offer;
- are complementary: they offer at least one top-level category it does not;
- have no partnership with it yet (in either direction, of any kind, not ended).

Ranked by how much they would add (categories the organisation lacks), then
by how many clients and places they share, then by name; each suggestion
says why. Queries: 8, whatever the size of the directory.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from directory.models import ClientStatus, Organisation, ServiceCategory, Territory

from . import cache
from .coverage import Reference
from .selectors import PortraitScope

SUGGESTION_LIMIT = 10


@dataclass
class Suggestion:
    organisation: Organisation
    partner: Organisation
    #: Territories and client statuses both serve (the pairs, grouped for reading).
    territories: list[Territory] = field(default_factory=list)
    statuses: list[ClientStatus] = field(default_factory=list)
    shared_pairs: int = 0
    #: Top-level categories the partner offers and the organisation does not, and back.
    brings: list[ServiceCategory] = field(default_factory=list)
    receives: list[ServiceCategory] = field(default_factory=list)

    @property
    def status_labels(self) -> str:
        return ", ".join(status.label for status in self.statuses)

    @property
    def territory_names(self) -> str:
        return ", ".join(territory.name for territory in self.territories)

    @property
    def rank_key(self) -> tuple:
        return (
            -len(self.brings),
            -self.shared_pairs,
            -len(self.receives),
            self.partner.name.casefold(),
        )


def partner_ids(organisation: Organisation, scope: PortraitScope) -> set[int]:
    """Organisations already in a partnership with this one (not ended), either way."""
    today = timezone.localdate()
    rows = (
        scope.partnerships()
        .filter(Q(source=organisation) | Q(target=organisation))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values_list("source_id", "target_id")
    )
    return {pk for pair in rows for pk in pair} - {organisation.pk}


def _pair_rows(services) -> dict[int, set[tuple[int, int]]]:
    result: dict[int, set[tuple[int, int]]] = {}
    rows = (
        services.values_list("organisation_id", "territories", "client_statuses")
        .order_by()
        .distinct()
    )
    for organisation_id, territory_id, status_id in cache.rows(rows):
        if territory_id is not None and status_id is not None:
            result.setdefault(organisation_id, set()).add((territory_id, status_id))
    return result


def _category_rows(services) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    rows = services.annotate(top=TOP).values_list("organisation_id", "top").order_by().distinct()
    for organisation_id, top in cache.rows(rows):
        if top is not None:
            result.setdefault(organisation_id, set()).add(top)
    return result


TOP = Coalesce(F("categories__parent_id"), F("categories__id"))


def suggestions_for(
    organisation: Organisation,
    *,
    scope: PortraitScope,
    reference: Reference,
    limit: int = SUGGESTION_LIMIT,
) -> list[Suggestion]:
    """The organisation's suggested partners, best first (at most ``limit``).

    The candidates are scored in the database (one row per organisation:
    how many of the pairs it shares, how many categories it adds); only the
    best are read in detail. Queries: 8, whatever the size of the directory.
    """
    offer = scope.offer()
    own = offer.filter(organisation=organisation)
    own_pairs = _pair_rows(own).get(organisation.pk, set())
    if not own_pairs:
        return []
    own_categories = _category_rows(own).get(organisation.pk, set())
    excluded = partner_ids(organisation, scope) | {organisation.pk}
    # Same row of the joins: the service serves this territory *and* accepts this status.
    serves_a_pair = reduce(
        operator.or_, (Q(territories=t, client_statuses=s) for t, s in sorted(own_pairs))
    )
    sharing = offer.exclude(organisation_id__in=excluded).filter(serves_a_pair)
    shared = {
        row["organisation_id"]: row["shared"]
        for row in cache.rows(
            sharing.values("organisation_id")
            .annotate(
                shared=Count(
                    ExpressionWrapper(
                        F("territories") * 100000 + F("client_statuses"),
                        output_field=BigIntegerField(),
                    ),
                    distinct=True,
                )
            )
            .order_by()
        )
    }
    if not shared:
        return []
    adding = offer.filter(organisation_id__in=sharing.values("organisation_id")).annotate(top=TOP)
    if own_categories:
        adding = adding.exclude(top__in=own_categories)
    brings = {
        row["organisation_id"]: row["brings"]
        for row in cache.rows(
            adding.filter(top__isnull=False)
            .values("organisation_id")
            .annotate(brings=Count("top", distinct=True))
            .order_by()
        )
    }
    ranked = sorted(
        (pk for pk in brings if pk in shared), key=lambda pk: (-brings[pk], -shared[pk], pk)
    )[: limit * 3]
    if not ranked:
        return []
    details = offer.filter(organisation_id__in=ranked)
    pairs = _pair_rows(details.filter(serves_a_pair))
    categories = _category_rows(details)
    partners = scope.organisations().in_bulk(ranked)
    result = []
    for pk, partner in partners.items():
        common = pairs.get(pk, set()) & own_pairs
        added = categories.get(pk, set()) - own_categories
        if not common or not added:
            continue
        result.append(
            Suggestion(
                organisation=organisation,
                partner=partner,
                territories=[t for t in reference.territories if t.pk in {p[0] for p in common}],
                statuses=[s for s in reference.statuses if s.pk in {p[1] for p in common}],
                shared_pairs=len(common),
                brings=_ordered(added, reference),
                receives=_ordered(own_categories - categories.get(pk, set()), reference),
            )
        )
    return sorted(result, key=lambda s: s.rank_key)[:limit]


def _ordered(ids: set[int], reference: Reference) -> list[ServiceCategory]:
    return [c for c in reference.top_categories if c.pk in ids]
