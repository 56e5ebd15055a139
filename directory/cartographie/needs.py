"""Needs heard by the recensement (surveys, visits), side by side with the offer.

Staff only: needs are never in the public portrait. Needs are counted per
top-level category (a need coded with a sub-category counts in its parent)
and territory; a need with no territory or no category is counted under
« not given ». Beside each, the offer of the same cell of the coverage matrix
(same filters), so that a need where the offer is thin stands out. With a
client status filter, only the needs about that status. Queries: 1 (2 with
the names of the organisations that expressed them), whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from directory.models import ServiceCategory, Territory

from .charts import svg
from .coverage import Cell, CoverageFilters, CoverageMatrix, Reference
from .selectors import PortraitScope


def need_model():
    """The recensement's Need model (``directory/models/needs.py``), or None before it lands."""
    try:
        return apps.get_model("directory", "Need")
    except LookupError:
        return None


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
        return (-self.needs, offered, self.category.position if self.category else 10**6)


@dataclass
class NeedsTable:
    available: bool
    rows: list[NeedRow] = field(default_factory=list)
    #: Top-level category id (None: not coded) → needs in the whole region.
    by_category: dict[int | None, int] = field(default_factory=dict)
    total: int = 0


def needs_beside_offer(
    *,
    scope: PortraitScope,
    filters: CoverageFilters,
    reference: Reference,
    matrix: CoverageMatrix,
) -> NeedsTable:
    Need = need_model()
    if Need is None or not scope.is_full:
        return NeedsTable(available=Need is not None)
    needs = Need.objects.filter(organisation__in=scope.organisations().values("pk"))
    if filters.status:
        # One status: a need matches at most once, nothing is counted twice.
        needs = needs.filter(client_statuses=reference.status_by_code[filters.status])
    rows = (
        needs.values(
            territory_key=F("territory_id"),
            top=Coalesce(F("category__parent_id"), F("category_id")),
        )
        .annotate(n_needs=Count("pk"), n_organisations=Count("organisation_id", distinct=True))
        .order_by()
    )
    table = NeedsTable(available=True)
    for row in rows:
        category = reference.category_by_id.get(row["top"]) if row["top"] else None
        territory = (
            reference.territory_by_id.get(row["territory_key"]) if row["territory_key"] else None
        )
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
                needs=row["n_needs"],
                organisations=row["n_organisations"],
                offer=offer,
            )
        )
        key = category.pk if category else None
        table.by_category[key] = table.by_category.get(key, 0) + row["n_needs"]
        table.total += row["n_needs"]
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
