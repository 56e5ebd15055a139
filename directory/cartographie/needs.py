"""Needs heard by the recensement (surveys, visits), side by side with the offer.

Staff only: needs are never in the public portrait. Needs are counted per
top-level category (a need coded with a sub-category counts in its parent)
and territory; a need with no territory or no category is counted under
« not given ». Beside each, the offer of the same cell of the coverage matrix
(same filters), so that a need where the offer is thin stands out. With a
client status filter, only the needs about that status. Queries: 2; the rows
are needs (hundreds), counted in Python so that each is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from directory.models import Need, ServiceCategory, Territory

from .charts import svg
from .coverage import Cell, CoverageFilters, CoverageMatrix, Reference
from .selectors import PortraitScope


@dataclass
class NeedRow:
    category: ServiceCategory | None
    territory: Territory | None
    needs: int
    organisations: int
    offer: Cell | None

    @property
    def rank_key(self) -> tuple:
        offered = self.offer.organisations if self.offer else 0
        return (
            -self.needs,
            offered,
            self.category.position if self.category else 10**6,
            self.territory.position if self.territory else 10**6,
        )


@dataclass
class NeedsTable:
    rows: list[NeedRow] = field(default_factory=list)
    #: Top-level category id (None: not coded) → needs in the whole region (each once).
    by_category: dict[int | None, int] = field(default_factory=dict)
    total: int = 0


def needs_beside_offer(
    *,
    user,
    scope: PortraitScope,
    filters: CoverageFilters,
    reference: Reference,
    matrix: CoverageMatrix,
) -> NeedsTable:
    """Needs per (top-level category, territory) with the offer of the same matrix cell.

    Needs are read through ``Need.objects.visible_to(user)`` (``directory.view_needs``):
    nothing for the public portrait. A need placed in no territory concerns its
    organisation's territories (the recensement's rule, ``Need.objects.in_territory``):
    it counts in each of them, and once in the region's total.
    """
    if not scope.is_full:
        return NeedsTable()
    needs = Need.objects.visible_to(user).filter(
        organisation__in=scope.organisations().values("pk")
    )
    if filters.status:
        # One status: a need matches at most once, nothing is counted twice.
        needs = needs.filter(client_statuses=reference.status_by_code[filters.status])
    top = Coalesce(F("category__parent_id"), F("category_id"))
    placed = needs.filter(territory__isnull=False).values_list(
        "pk", "organisation_id", "territory_id", top
    )
    unplaced = needs.filter(territory__isnull=True).values_list(
        "pk", "organisation_id", "organisation__territories", top
    )
    cells: dict[tuple[int | None, int | None], tuple[set[int], set[int]]] = {}
    counted: dict[int | None, set[int]] = {}
    for need, organisation, territory, category in [*placed, *unplaced]:
        need_ids, organisation_ids = cells.setdefault((category, territory), (set(), set()))
        need_ids.add(need)
        organisation_ids.add(organisation)
        counted.setdefault(category, set()).add(need)
    table = NeedsTable()
    for (category_id, territory_id), (need_ids, organisation_ids) in cells.items():
        category = reference.category_by_id.get(category_id) if category_id else None
        territory = reference.territory_by_id.get(territory_id) if territory_id else None
        offer = None
        if category is not None:
            offer = (
                matrix.cells.get((territory.pk, category.pk))
                if territory is not None
                else matrix.region.get(category.pk)
            )
        table.rows.append(
            NeedRow(
                category=category,
                territory=territory,
                needs=len(need_ids),
                organisations=len(organisation_ids),
                offer=offer,
            )
        )
    table.by_category = {key: len(ids) for key, ids in counted.items()}
    table.total = len({need for ids in counted.values() for need in ids})
    table.rows.sort(key=lambda r: r.rank_key)
    return table


def needs_chart(table: NeedsTable, matrix: CoverageMatrix | None = None):
    """Needs per category beside the organisations offering it in the region."""
    groups = []
    for category in matrix.categories if matrix else ():
        count = table.by_category.get(category.pk, 0)
        if count:
            groups.append(
                svg.BarGroup(category.label, (count, matrix.region[category.pk].organisations))
            )
    return svg.bar_chart(
        title=_("Needs and offer by category"),
        description=_(
            "For each service category, the number of needs heard and the number of "
            "organisations offering services in the region. The table gives the same figures."
        ),
        series=[
            svg.Series("needs", _("Needs heard"), "bar--need hatch", "#b3261e"),
            svg.Series("offer", _("Organisations offering"), "bar--offer", "#0b5cab"),
        ],
        groups=groups,
    )
