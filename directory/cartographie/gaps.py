"""Gaps and overlaps, ranked: where the offer is missing, and where it is crowded.

- **Gaps** come from the coverage matrix (same numbers): for each territory,
  the top-level categories that no organisation offers there (gap) or that
  one organisation alone offers (thin, named). Territories with the most gaps
  come first.
- **Overlaps** are where several organisations offer the same service to the
  same clients in the same territory: the same category (as the services are
  filed), the same client status, the same territory. Those with the most
  organisations come first: where coordination could help most. One
  aggregate query, one to name the organisations of the listed overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from directory.models import ClientStatus, Organisation, ServiceCategory, Territory

from . import cache
from .coverage import GAP, THIN, Cell, CoverageFilters, CoverageMatrix, Reference, offer_filtered
from .selectors import PortraitScope

#: How many overlaps a list shows at most (the largest first).
OVERLAP_LIMIT = 50


@dataclass
class TerritoryGaps:
    territory: Territory
    gaps: list[Cell]
    thin: list[Cell]

    @property
    def rank_key(self) -> tuple:
        return (-len(self.gaps), -len(self.thin), self.territory.position, self.territory.name)


def gaps_by_territory(matrix: CoverageMatrix) -> list[TerritoryGaps]:
    """Each territory with its gaps and thin cells, the least served territory first."""
    result = []
    for territory in matrix.territories:
        cells = [matrix.cells[(territory.pk, c.pk)] for c in matrix.categories]
        result.append(
            TerritoryGaps(
                territory=territory,
                gaps=[cell for cell in cells if cell.level == GAP],
                thin=[cell for cell in cells if cell.level == THIN],
            )
        )
    return sorted(result, key=lambda item: item.rank_key)


def sole_providers(matrix: CoverageMatrix, scope: PortraitScope) -> dict[int, Organisation]:
    """The organisations alone in a cell, by id (one query); each such cell's ``provider``
    is set too."""
    ids = {cell.sole_organisation_id for cell in matrix.cells.values() if cell.sole_organisation_id}
    found = scope.organisations().only("pk", "name", "slug", "acronym").in_bulk(ids)
    for cell in matrix.cells.values():
        cell.provider = found.get(cell.sole_organisation_id)
    return found


@dataclass
class Overlap:
    territory: Territory
    category: ServiceCategory
    status: ClientStatus
    services: int
    organisation_count: int
    organisations: list[Organisation] = field(default_factory=list)


def overlaps(
    *,
    scope: PortraitScope,
    filters: CoverageFilters,
    reference: Reference,
    limit: int = OVERLAP_LIMIT,
) -> list[Overlap]:
    """Territory × category × client status offered by two organisations or more, ranked.

    With a status filter, only that status's overlaps. Queries: 2.
    """
    services: QuerySet = offer_filtered(scope, filters, reference)
    base = services.filter(territories__in=[t.pk for t in reference.territories])
    if filters.status:
        # Reused by the grouping below: only this status's groups.
        base = base.filter(client_statuses=reference.status_by_code[filters.status])
    grouped = (
        base.values(
            territory=F("territories"), category=F("categories"), client_status=F("client_statuses")
        )
        .annotate(
            n_organisations=Count("organisation_id", distinct=True),
            n_services=Count("pk", distinct=True),
        )
        .filter(n_organisations__gte=2)
        .order_by("-n_organisations", "-n_services", "territory", "category", "client_status")
    )
    statuses = {s.pk: s for s in reference.statuses}
    result = []
    for row in cache.rows(grouped[:limit]):
        if row["category"] is None or row["client_status"] not in statuses:
            continue
        result.append(
            Overlap(
                territory=reference.territory_by_id[row["territory"]],
                category=reference.category_by_id[row["category"]],
                status=statuses[row["client_status"]],
                services=row["n_services"],
                organisation_count=row["n_organisations"],
            )
        )
    if not result:
        return result
    # The organisations behind the listed overlaps, in one query.
    wanted = {(o.territory.pk, o.category.pk, o.status.pk) for o in result}
    rows = (
        services.filter(
            territories__in={key[0] for key in wanted},
            categories__in={key[1] for key in wanted},
            client_statuses__in={key[2] for key in wanted},
        )
        .values_list("territories", "categories", "client_statuses", "organisation_id")
        .order_by()
        .distinct()
    )
    by_key: dict[tuple[int, int, int], set[int]] = {}
    for territory, category, status, organisation in cache.rows(rows):
        if (territory, category, status) in wanted:
            by_key.setdefault((territory, category, status), set()).add(organisation)
    names = (
        scope.organisations()
        .only("pk", "name", "slug", "acronym")
        .in_bulk({pk for ids in by_key.values() for pk in ids})
    )
    for overlap in result:
        ids = by_key.get((overlap.territory.pk, overlap.category.pk, overlap.status.pk), set())
        overlap.organisations = sorted(
            (names[pk] for pk in ids if pk in names), key=lambda o: o.name.casefold()
        )
    return result
