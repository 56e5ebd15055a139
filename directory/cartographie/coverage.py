"""The coverage matrix: territory × service category, counted with a few aggregate queries.

One function, :func:`coverage_matrix`, computes what the portrait page, its
exports and the open data file ``/directory/coverage.csv`` show, so that they
always agree. It takes a :class:`~directory.cartographie.selectors.PortraitScope`
(which records) and :class:`CoverageFilters` (client status, language).

Definitions (the README's contract of ``coverage.csv``):

- a service *serves a territory* when the territory is one of its service
  areas, as the HSDS API publishes them (``service_areas[].uri`` is the
  territory's code): ``Service.territories``, not its locations;
- a service counts in a top-level category when it is filed under it or any
  of its sub-categories, once however many of them it has;
- only the offer counts: services of the scope that are active or temporarily
  closed (``Service.objects.active()``, as the directory search);
- ``services`` is the number of such services, ``organisations`` the number of
  distinct organisations offering them.

A cell with no organisation is a *gap*, one is *thin* coverage, two or more
show *convergence*.

Queries: the reference data (4 small ones), then one aggregate per level
(top-level categories, sub-categories when asked, the whole region) grouped
in the database, never one per cell; their rows are kept in the cache per
version of the directory's data (``cache.py``), so most pages read them from
there after one query for the version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import ClientStatus, Language, Service, ServiceCategory, Territory

from . import cache
from .selectors import PortraitScope

GAP = "gap"
THIN = "thin"
CONVERGENCE = "convergence"
LEVEL_LABELS = {
    GAP: _("Gap: no provider"),
    THIN: _("Thin coverage: one provider"),
    CONVERGENCE: _("Convergence: several providers"),
}

STATUS = "status"
LANGUAGE = "language"


class CoverageFilterError(ValueError):
    """A filter's value is not known; the message says which, in the user's language."""


@dataclass(frozen=True)
class Reference:
    """The vocabularies of the portrait: territories, categories, statuses, languages."""

    territories: tuple[Territory, ...]
    categories: tuple[ServiceCategory, ...]
    statuses: tuple[ClientStatus, ...]
    languages: tuple[Language, ...]

    @classmethod
    def load(cls) -> Reference:
        return cls(
            territories=tuple(Territory.objects.order_by("position", "name")),
            categories=tuple(ServiceCategory.objects.order_by("position", "code")),
            statuses=tuple(ClientStatus.objects.order_by("position", "code")),
            languages=tuple(Language.objects.order_by("position", "label_fr")),
        )

    @cached_property
    def top_categories(self) -> tuple[ServiceCategory, ...]:
        return tuple(c for c in self.categories if c.parent_id is None)

    @cached_property
    def children(self) -> dict[int, tuple[ServiceCategory, ...]]:
        result: dict[int, list[ServiceCategory]] = {}
        for category in self.categories:
            if category.parent_id is not None:
                result.setdefault(category.parent_id, []).append(category)
        return {key: tuple(value) for key, value in result.items()}

    @cached_property
    def category_by_id(self) -> dict[int, ServiceCategory]:
        return {c.pk: c for c in self.categories}

    @cached_property
    def category_by_code(self) -> dict[str, ServiceCategory]:
        return {c.code: c for c in self.categories}

    @cached_property
    def territory_by_id(self) -> dict[int, Territory]:
        return {t.pk: t for t in self.territories}

    @cached_property
    def status_by_code(self) -> dict[str, ClientStatus]:
        return {s.code: s for s in self.statuses}

    @cached_property
    def language_by_code(self) -> dict[str, Language]:
        return {language.code: language for language in self.languages}

    def top_of(self, category_id: int) -> ServiceCategory:
        category = self.category_by_id[category_id]
        return self.category_by_id[category.parent_id] if category.parent_id else category


@dataclass(frozen=True)
class CoverageFilters:
    """Who the services must accept (client status) and in what language; codes or empty."""

    status: str = ""
    language: str = ""

    @classmethod
    def from_query(cls, query: QueryDict, reference: Reference) -> CoverageFilters:
        """Strict: an unknown or repeated value raises :class:`CoverageFilterError`."""
        values = {}
        for name, known, message in (
            (
                STATUS,
                reference.status_by_code,
                _("“%(value)s” is not a client status code. Known codes: %(codes)s."),
            ),
            (
                LANGUAGE,
                reference.language_by_code,
                _("“%(value)s” is not a language code (ISO 639-1). Known codes: %(codes)s."),
            ),
        ):
            given = [value.strip() for value in query.getlist(name)]
            given = [value for value in given if value]
            if len(given) > 1:
                raise CoverageFilterError(
                    _("Give at most one value for “%(name)s”.") % {"name": name}
                )
            if given and given[0] not in known:
                raise CoverageFilterError(
                    message % {"value": given[0][:60], "codes": ", ".join(sorted(known))}
                )
            values[name] = given[0] if given else ""
        return cls(**values)

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.language)

    def query_items(self) -> list[tuple[str, str]]:
        return [
            (name, value)
            for name, value in ((STATUS, self.status), (LANGUAGE, self.language))
            if value
        ]


def offer_filtered(
    scope: PortraitScope, filters: CoverageFilters, reference: Reference
) -> QuerySet:
    """The scope's offer accepting the client status and offered in the language asked for.

    Semi-joins (``pk IN (…)``), as the directory search filters, so that the
    rows are never multiplied before aggregation.
    """
    services = scope.offer()
    if filters.status:
        status = reference.status_by_code[filters.status]
        services = services.filter(
            pk__in=Service.client_statuses.through.objects.filter(clientstatus_id=status.pk).values(
                "service_id"
            )
        )
    if filters.language:
        language = reference.language_by_code[filters.language]
        services = services.filter(
            pk__in=Service.languages.through.objects.filter(language_id=language.pk).values(
                "service_id"
            )
        )
    return services


@dataclass
class Cell:
    """One territory (or the whole region, ``territory`` None) × one category."""

    category: ServiceCategory
    territory: Territory | None
    services: int = 0
    organisations: int = 0
    #: The provider when there is exactly one (its id; the name comes later when asked).
    sole_organisation_id: int | None = None
    search_url: str = ""
    #: The sole provider, once named (``gaps.sole_providers``).
    provider: object | None = None

    @property
    def level(self) -> str:
        if self.organisations == 0:
            return GAP
        if self.organisations == 1:
            return THIN
        return CONVERGENCE

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def shade(self) -> int:
        """0 to 4, for the heat map: none, one, two or three, four to seven, eight and more."""
        count = self.organisations
        return 0 if count == 0 else 1 if count == 1 else 2 if count <= 3 else 3 if count <= 7 else 4


@dataclass
class Row:
    category: ServiceCategory
    cells: list[Cell]
    region: Cell
    is_sub: bool = False
    expanded: bool = False
    has_children: bool = False
    parent: ServiceCategory | None = None


@dataclass
class CoverageMatrix:
    reference: Reference
    filters: CoverageFilters
    scope: PortraitScope
    #: (territory id, top-level category id) → cell, every pair present.
    cells: dict[tuple[int, int], Cell]
    #: top-level category id → the whole region's cell.
    region: dict[int, Cell]
    #: (territory id, sub-category id) → cell, for the expanded categories only.
    sub_cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    sub_region: dict[int, Cell] = field(default_factory=dict)
    expanded: frozenset[str] = frozenset()

    @property
    def territories(self) -> tuple[Territory, ...]:
        return self.reference.territories

    @property
    def categories(self) -> tuple[ServiceCategory, ...]:
        return self.reference.top_categories

    def rows(self) -> list[Row]:
        """Top-level categories, each followed by its sub-categories when expanded."""
        rows = []
        for category in self.categories:
            children = self.reference.children.get(category.pk, ())
            expanded = category.code in self.expanded
            rows.append(
                Row(
                    category=category,
                    cells=[self.cells[(t.pk, category.pk)] for t in self.territories],
                    region=self.region[category.pk],
                    expanded=expanded,
                    has_children=bool(children),
                )
            )
            if expanded:
                for child in children:
                    rows.append(
                        Row(
                            category=child,
                            cells=[self.sub_cells[(t.pk, child.pk)] for t in self.territories],
                            region=self.sub_region[child.pk],
                            is_sub=True,
                            parent=category,
                        )
                    )
        return rows

    def top_cells(self) -> list[Cell]:
        """Every territory × top-level category cell, territories first (the CSV's order)."""
        return [self.cells[(t.pk, c.pk)] for t in self.territories for c in self.categories]

    def counts(self, level: str) -> int:
        return sum(1 for cell in self.cells.values() if cell.level == level)

    def territory_levels(self) -> list[tuple[Territory, int, int]]:
        """(territory, gaps, thin cells) for each territory, in the reference order."""
        result = []
        for territory in self.territories:
            cells = [self.cells[(territory.pk, c.pk)] for c in self.categories]
            result.append(
                (
                    territory,
                    sum(1 for c in cells if c.level == GAP),
                    sum(1 for c in cells if c.level == THIN),
                )
            )
        return result


def _search_url(
    filters: CoverageFilters, category: ServiceCategory, territories: list[Territory]
) -> str:
    """The directory search for the services behind a cell (same rules, same records)."""
    params = [("category", category.code)]
    params += [("territory", t.code) for t in territories]
    params += filters.query_items()
    return f"{reverse('directory:search')}?{urlencode(params)}"


def _aggregate(services: QuerySet, **group) -> list[dict]:
    """Services and distinct organisations per group; the smallest organisation id too,
    which names the provider of a cell served by one."""
    return cache.rows(
        services.values(**group)
        .annotate(
            n_services=Count("pk", distinct=True),
            n_organisations=Count("organisation_id", distinct=True),
            first_organisation=Min("organisation_id"),
        )
        .order_by()
    )


def _fill(cell: Cell, row: dict) -> None:
    cell.services = row["n_services"]
    cell.organisations = row["n_organisations"]
    cell.sole_organisation_id = row["first_organisation"] if cell.organisations == 1 else None


def coverage_matrix(
    *,
    scope: PortraitScope,
    filters: CoverageFilters,
    reference: Reference,
    expand: frozenset[str] | set[str] = frozenset(),
    links: bool = True,
) -> CoverageMatrix:
    """The matrix, every territory × top-level category present (zeros included).

    ``expand`` lists top-level category codes whose sub-categories to count
    too (one more aggregate query); ``links`` adds each cell's search link.
    Queries: 2, plus 2 with ``expand``, whatever the size of the directory.
    """
    services = offer_filtered(scope, filters, reference)
    territories = list(reference.territories)
    top = reference.top_categories
    cells = {(t.pk, c.pk): Cell(category=c, territory=t) for t in territories for c in top}
    region = {c.pk: Cell(category=c, territory=None) for c in top}
    top_expression = Coalesce(F("categories__parent_id"), F("categories__id"))

    in_reference = Q(territories__in=[t.pk for t in territories])
    for row in _aggregate(
        services.filter(in_reference), territory=F("territories"), top=top_expression
    ):
        cell = cells.get((row["territory"], row["top"]))
        if cell is not None:
            _fill(cell, row)
    # The whole region: services serving at least one territory, counted once.
    served = services.filter(
        pk__in=Service.territories.through.objects.filter(
            territory_id__in=[t.pk for t in territories]
        ).values("service_id")
    )
    for row in _aggregate(served, top=top_expression):
        if row["top"] in region:
            _fill(region[row["top"]], row)

    expanded = frozenset(code for code in expand if code in {c.code for c in top})
    sub_cells: dict[tuple[int, int], Cell] = {}
    sub_region: dict[int, Cell] = {}
    if expanded:
        children = [
            child
            for category in top
            if category.code in expanded
            for child in reference.children.get(category.pk, ())
        ]
        child_ids = [child.pk for child in children]
        sub_cells = {
            (t.pk, c.pk): Cell(category=c, territory=t) for t in territories for c in children
        }
        sub_region = {c.pk: Cell(category=c, territory=None) for c in children}
        for row in _aggregate(
            services.filter(in_reference, categories__in=child_ids),
            territory=F("territories"),
            category=F("categories"),
        ):
            cell = sub_cells.get((row["territory"], row["category"]))
            if cell is not None:
                _fill(cell, row)
        for row in _aggregate(served.filter(categories__in=child_ids), category=F("categories")):
            if row["category"] in sub_region:
                _fill(sub_region[row["category"]], row)

    if links:
        for cell in [*cells.values(), *sub_cells.values()]:
            cell.search_url = _search_url(filters, cell.category, [cell.territory])
        for cell in [*region.values(), *sub_region.values()]:
            cell.search_url = _search_url(filters, cell.category, territories)
    return CoverageMatrix(
        reference=reference,
        filters=filters,
        scope=scope,
        cells=cells,
        region=region,
        sub_cells=sub_cells,
        sub_region=sub_region,
        expanded=expanded,
    )


#: The columns of ``/directory/coverage.csv`` (README: contracts).
CSV_COLUMNS = ("territory", "category", "services", "organisations")


def coverage_rows(matrix: CoverageMatrix) -> list[tuple[str, str, int, int]]:
    """One row per territory × top-level category, zeros included: the open data file."""
    return [
        (cell.territory.code, cell.category.code, cell.services, cell.organisations)
        for cell in matrix.top_cells()
    ]


def coverage_query(filters: CoverageFilters) -> str:
    return urlencode(filters.query_items())
