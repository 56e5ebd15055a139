"""Faceted search of the public directory: filters, facet counts, one page of results.

A search reads a :class:`SearchFilters` (from the query string, so that
every search is a link) and returns a :class:`SearchResult`: one page of
services (the default) or organisations, and the facets with their counts.

Rules that make the counts honest and the page fast:

- the records come from the listing selectors (``services_visible``,
  ``organisations_visible``): the same visibility rule as the pages and the
  map data, without joins that would duplicate rows;
- every filter is a semi-join (``pk IN (SELECT …)``), so the filtered set
  has one row per record and can be counted and paginated directly;
- within a facet the values are alternatives (OR); facets combine with AND;
- a facet's counts apply every filter except its own, so that picking a
  second value shows what it would add;
- the number of queries does not depend on the number of records
  (reference data 4, facets 6, count and page 2, prefetches 2).

Choosing a top-level service category includes its sub-categories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import (
    ClientStatus,
    Language,
    Organisation,
    OrganisationKind,
    Service,
    ServiceCategory,
    Territory,
)
from .search import organisation_text_q, query_clean, service_text_q, text_rank

PAGE_SIZE = 20

SERVICES = "services"
ORGANISATIONS = "organisations"
SUBJECTS = (SERVICES, ORGANISATIONS)

# Query-string names of the facets, in the order the form shows them.
CATEGORY = "category"
TERRITORY = "territory"
STATUS = "status"
LANGUAGE = "language"
KIND = "kind"
FACETS = (CATEGORY, STATUS, TERRITORY, LANGUAGE, KIND)
TEXT = "q"

FACET_LEGENDS = {
    CATEGORY: _("Type of service"),
    STATUS: _("Immigration status or situation"),
    TERRITORY: _("Territory"),
    LANGUAGE: _("Language"),
    KIND: _("Type of organisation"),
}

_CATEGORY_THROUGH = Service.categories.through
_TERRITORY_THROUGH = Service.territories.through
_STATUS_THROUGH = Service.client_statuses.through
_LANGUAGE_THROUGH = Service.languages.through
_ORGANISATION_TERRITORY_THROUGH = Organisation.territories.through

# Facet → (through model of Service, its column naming the facet's value).
_SERVICE_THROUGH = {
    CATEGORY: (_CATEGORY_THROUGH, "servicecategory_id"),
    TERRITORY: (_TERRITORY_THROUGH, "territory_id"),
    STATUS: (_STATUS_THROUGH, "clientstatus_id"),
    LANGUAGE: (_LANGUAGE_THROUGH, "language_id"),
}


@dataclass(frozen=True)
class ReferenceData:
    """The vocabularies the facets offer, loaded once per search (4 small queries)."""

    categories: tuple[ServiceCategory, ...]
    territories: tuple[Territory, ...]
    statuses: tuple[ClientStatus, ...]
    languages: tuple[Language, ...]

    @classmethod
    def load(cls) -> ReferenceData:
        return cls(
            categories=tuple(ServiceCategory.objects.order_by("position")),
            territories=tuple(Territory.objects.order_by("position", "name")),
            statuses=tuple(ClientStatus.objects.order_by("position")),
            languages=tuple(Language.objects.order_by("position", "label_fr")),
        )

    def terms(self, facet: str) -> tuple:
        """The rows of a facet (organisation kinds are choices, not rows)."""
        return {
            CATEGORY: self.categories,
            TERRITORY: self.territories,
            STATUS: self.statuses,
            LANGUAGE: self.languages,
        }[facet]

    @cached_property
    def _ids_by_code(self) -> dict[str, dict[str, int]]:
        return {
            facet: {term.code: term.pk for term in self.terms(facet)}
            for facet in (CATEGORY, TERRITORY, STATUS, LANGUAGE)
        }

    def ids(self, facet: str, codes: tuple[str, ...]) -> list[int]:
        """Row ids of these codes; a top-level category brings its sub-categories."""
        known = self._ids_by_code[facet]
        ids = {known[code] for code in codes if code in known}
        if facet == CATEGORY:
            ids |= {category.pk for category in self.categories if category.parent_id in ids}
        return sorted(ids)

    def codes(self, facet: str) -> set[str]:
        if facet == KIND:
            return set(OrganisationKind.values)
        return set(self._ids_by_code[facet])


@dataclass(frozen=True)
class SearchFilters:
    """What the visitor asked for; every field is a list of codes from the query string."""

    q: str = ""
    subject: str = SERVICES
    category: tuple[str, ...] = ()
    territory: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: QueryDict, reference: ReferenceData) -> SearchFilters:
        """Parse a query string leniently: unknown codes (an old link) are dropped."""
        subject = query.get("show", SERVICES)
        values = {}
        for facet in FACETS:
            known = reference.codes(facet)
            values[facet] = tuple(dict.fromkeys(c for c in query.getlist(facet) if c in known))
        return cls(
            q=query_clean(query.get(TEXT)),
            subject=subject if subject in SUBJECTS else SERVICES,
            **values,
        )

    def selected(self, facet: str) -> tuple[str, ...]:
        return getattr(self, facet)

    @property
    def is_filtered(self) -> bool:
        return bool(self.q) or any(self.selected(facet) for facet in FACETS)


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool
    children: list[FacetValue] = field(default_factory=list)


@dataclass
class Facet:
    key: str
    legend: str
    values: list[FacetValue]

    @property
    def has_selection(self) -> bool:
        return any(v.selected or any(c.selected for c in v.children) for v in self.values)


@dataclass
class SearchResult:
    filters: SearchFilters
    page: Page
    facets: list[Facet]

    @property
    def count(self) -> int:
        return self.page.paginator.count


# --- Conditions ----------------------------------------------------------------------


def _service_conditions(filters: SearchFilters, reference: ReferenceData) -> dict[str, Q]:
    """One condition on Service per active filter, keyed by facet (``q`` for the text)."""
    conditions: dict[str, Q] = {}
    if filters.q:
        conditions[TEXT] = service_text_q(filters.q)
    for facet, (through, column) in _SERVICE_THROUGH.items():
        if filters.selected(facet):
            ids = reference.ids(facet, filters.selected(facet))
            conditions[facet] = Q(
                pk__in=through.objects.filter(**{f"{column}__in": ids}).values("service_id")
            )
    if filters.kind:
        conditions[KIND] = Q(organisation__kind__in=filters.kind)
    return conditions


def _organisation_conditions(
    filters: SearchFilters, reference: ReferenceData, services: QuerySet
) -> dict[str, Q]:
    """One condition on Organisation per active filter.

    An organisation matches a service facet when one of its visible services
    does; it matches a territory it serves itself; it matches the text by its
    own document or by one of its services'.
    """
    service_conditions = _service_conditions(filters, reference)
    conditions: dict[str, Q] = {}
    if filters.q:
        conditions[TEXT] = organisation_text_q(filters.q) | Q(
            pk__in=services.filter(service_conditions[TEXT]).values("organisation_id")
        )
    for facet in (CATEGORY, STATUS, LANGUAGE):
        if facet in service_conditions:
            conditions[facet] = Q(
                pk__in=services.filter(service_conditions[facet]).values("organisation_id")
            )
    if filters.territory:
        ids = reference.ids(TERRITORY, filters.territory)
        conditions[TERRITORY] = Q(
            pk__in=_ORGANISATION_TERRITORY_THROUGH.objects.filter(territory_id__in=ids).values(
                "organisation_id"
            )
        )
    if filters.kind:
        conditions[KIND] = Q(kind__in=filters.kind)
    return conditions


def _apply(queryset: QuerySet, conditions: dict[str, Q], *, without: str | None = None):
    return queryset.filter(*(q for key, q in conditions.items() if key != without))


# --- Counts ----------------------------------------------------------------------------


def _service_counts(
    services: QuerySet, conditions: dict[str, Q]
) -> dict[str, dict[int | str, int]]:
    """Per facet, {value id (or kind): number of matching services}."""
    counts: dict[str, dict] = {}
    for facet, (through, column) in _SERVICE_THROUGH.items():
        rows = through.objects.filter(
            service_id__in=_apply(services, conditions, without=facet).values("pk")
        )
        counts[facet] = dict(rows.values_list(column).annotate(n=Count("service_id")).order_by())
        if facet == CATEGORY:
            counts[f"{CATEGORY}:top"] = dict(
                rows.annotate(top=Coalesce("servicecategory__parent_id", "servicecategory_id"))
                .values_list("top")
                .annotate(n=Count("service_id", distinct=True))
                .order_by()
            )
    counts[KIND] = dict(
        _apply(services, conditions, without=KIND)
        .values_list("organisation__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts


def _organisation_counts(
    organisations: QuerySet, services: QuerySet, conditions: dict[str, Q]
) -> dict[str, dict[int | str, int]]:
    """Per facet, {value id (or kind): number of matching organisations}."""
    counts: dict[str, dict] = {}
    for facet in (CATEGORY, STATUS, LANGUAGE):
        through, column = _SERVICE_THROUGH[facet]
        rows = through.objects.filter(
            service_id__in=services.values("pk"),
            service__organisation_id__in=_apply(organisations, conditions, without=facet).values(
                "pk"
            ),
        )
        counts[facet] = dict(
            rows.values_list(column)
            .annotate(n=Count("service__organisation_id", distinct=True))
            .order_by()
        )
        if facet == CATEGORY:
            counts[f"{CATEGORY}:top"] = dict(
                rows.annotate(top=Coalesce("servicecategory__parent_id", "servicecategory_id"))
                .values_list("top")
                .annotate(n=Count("service__organisation_id", distinct=True))
                .order_by()
            )
    counts[TERRITORY] = dict(
        _ORGANISATION_TERRITORY_THROUGH.objects.filter(
            organisation_id__in=_apply(organisations, conditions, without=TERRITORY).values("pk")
        )
        .values_list("territory_id")
        .annotate(n=Count("organisation_id"))
        .order_by()
    )
    counts[KIND] = dict(
        _apply(organisations, conditions, without=KIND)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts


# --- Facets for display ---------------------------------------------------------------


def _facet_values(terms, counts: dict, selected: tuple[str, ...]) -> list[FacetValue]:
    return [
        FacetValue(term.code, term.label, counts.get(term.pk, 0), term.code in selected)
        for term in terms
        if counts.get(term.pk, 0) or term.code in selected
    ]


def _facets(
    filters: SearchFilters, reference: ReferenceData, counts: dict[str, dict]
) -> list[Facet]:
    facets = []
    for facet in FACETS:
        selected = filters.selected(facet)
        if facet == CATEGORY:
            values = []
            for top in (c for c in reference.categories if c.parent_id is None):
                children = [c for c in reference.categories if c.parent_id == top.pk]
                count = counts[f"{CATEGORY}:top"].get(top.pk, 0)
                chosen = top.code in selected or any(c.code in selected for c in children)
                if not (count or chosen):
                    continue
                value = FacetValue(top.code, top.label, count, top.code in selected)
                if chosen:
                    # Narrowing is offered once the visitor picked the top-level category.
                    value.children = _facet_values(children, counts[CATEGORY], selected)
                values.append(value)
        elif facet == KIND:
            values = [
                FacetValue(code, label, counts[KIND].get(code, 0), code in selected)
                for code, label in OrganisationKind.choices
                if counts[KIND].get(code, 0) or code in selected
            ]
        else:
            values = _facet_values(reference.terms(facet), counts[facet], selected)
        facets.append(Facet(facet, FACET_LEGENDS[facet], values))
    return facets


# --- The search ---------------------------------------------------------------------------


def service_pool(*, user) -> QuerySet:
    """Services a search may return to this user: visible and not closed for good."""
    return selectors.services_visible(user=user).active()


def services_matching(*, user, filters: SearchFilters, reference: ReferenceData) -> QuerySet:
    """Every service matching the filters (for the map data); unordered."""
    return _apply(service_pool(user=user), _service_conditions(filters, reference))


def organisations_matching(*, user, filters: SearchFilters, reference: ReferenceData) -> QuerySet:
    services = service_pool(user=user)
    organisations = selectors.organisations_visible(user=user)
    return _apply(organisations, _organisation_conditions(filters, reference, services))


def _ordered(queryset: QuerySet, text: str) -> QuerySet:
    rank = text_rank(text) if text else None
    if rank is None:
        return queryset.order_by("name", "pk")
    return queryset.annotate(rank=rank).order_by("-rank", "name", "pk")


def _search(*, user, filters: SearchFilters, reference: ReferenceData):
    """The matching records (ordered, ready to display) and the facets."""
    services = service_pool(user=user)
    if filters.subject == ORGANISATIONS:
        organisations = selectors.organisations_visible(user=user)
        conditions = _organisation_conditions(filters, reference, services)
        counts = _organisation_counts(organisations, services, conditions)
        results = (
            _ordered(_apply(organisations, conditions), filters.q)
            .defer("search_vector")
            .prefetch_related("territories")
        )
    else:
        conditions = _service_conditions(filters, reference)
        counts = _service_counts(services, conditions)
        results = (
            _ordered(_apply(services, conditions), filters.q)
            .select_related("organisation")
            .defer("search_vector", "organisation__search_vector")
            .prefetch_related(
                Prefetch("categories", queryset=ServiceCategory.objects.order_by("position")),
                "territories",
            )
        )
    return results, _facets(filters, reference, counts)


def directory_search(
    *, user, filters: SearchFilters, reference: ReferenceData, page_number=1
) -> SearchResult:
    """One page of services or organisations matching the filters, with facet counts."""
    results, facets = _search(user=user, filters=filters, reference=reference)
    page = Paginator(results, PAGE_SIZE).get_page(page_number)
    return SearchResult(filters=filters, page=page, facets=facets)


def directory_facets(
    *, user, filters: SearchFilters, reference: ReferenceData
) -> tuple[list[Facet], int]:
    """The facets and the number of matching records, without a page of them (the map)."""
    results, facets = _search(user=user, filters=filters, reference=reference)
    return facets, results.count()


# Exported for templates that name the choices.
__all__ = [
    "FACETS",
    "ORGANISATIONS",
    "SERVICES",
    "Facet",
    "FacetValue",
    "ReferenceData",
    "SearchFilters",
    "SearchResult",
    "directory_facets",
    "directory_search",
    "organisations_matching",
    "services_matching",
]
