"""Faceted search of the public directory: filters, facet counts, one page of results.

A search reads a :class:`SearchFilters` (from the query string, so that
every search is a link) and returns a :class:`SearchResult`: one page of
services (the default) or organisations, and the facets with their counts.

Rules:

- the records come from the listing selectors (``services_visible``,
  ``organisations_visible``): the same visibility rule as the pages and the
  map data;
- within a facet the values are alternatives (OR); facets combine with AND;
  the text query always applies;
- a facet's counts apply every filter except its own, so that picking a
  second value shows what it would add;
- choosing a top-level service category includes its sub-categories.

Two engines apply these rules. The search page counts and pages with the
in-memory facet index (``directory/search/facet_index.py``): a constant number of
queries (the data version, reference data 4, the text match 1–2, a signed-in
member's visible sets 1–2, the page 1 and its prefetches 2). The map data
and location lists filter with SQL semi-joins (``services_matching``,
``organisations_matching``) so that the database can aggregate locations.
A test checks that both engines return the same records.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from directory.catalogue import selectors
from directory.models import (
    ClientStatus,
    Language,
    Organisation,
    OrganisationKind,
    Service,
    ServiceCategory,
    Territory,
)
from directory.search.facet_index import CATEGORY_TOP, FacetIndex, facet_index_current, positions_of
from directory.search.text import (
    matching_ids,
    organisation_name_q,
    organisation_text_q,
    query_bound,
    service_name_q,
    service_text_q,
)

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
    """The vocabularies the facets offer (4 small queries to load).

    :meth:`current` keeps them with the facet index, whose data version also moves
    when reference rows are written: searches then read them from memory.
    """

    categories: tuple[ServiceCategory, ...]
    territories: tuple[Territory, ...]
    statuses: tuple[ClientStatus, ...]
    languages: tuple[Language, ...]
    #: The facet index these were loaded with (``current()``), if any.
    index: FacetIndex | None = field(default=None, compare=False, repr=False)

    @classmethod
    def load(cls, index: FacetIndex | None = None) -> ReferenceData:
        return cls(
            categories=tuple(ServiceCategory.objects.order_by("position")),
            territories=tuple(Territory.objects.order_by("position", "name")),
            statuses=tuple(ClientStatus.objects.order_by("position")),
            languages=tuple(Language.objects.order_by("position", "label_fr")),
            index=index,
        )

    @classmethod
    def current(cls) -> ReferenceData:
        """The reference data, read once per facet index (one query when current)."""
        index = facet_index_current()
        if index.reference is None:
            index.reference = cls.load(index)
        return index.reference

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

    @cached_property
    def category_tree(self) -> list[tuple[ServiceCategory, list[ServiceCategory]]]:
        """Top-level categories, each with its sub-categories, in their order."""
        children: dict[int, list[ServiceCategory]] = {}
        for category in self.categories:
            if category.parent_id is not None:
                children.setdefault(category.parent_id, []).append(category)
        return [(c, children.get(c.pk, [])) for c in self.categories if c.parent_id is None]

    def codes(self, facet: str) -> set[str]:
        if facet == KIND:
            return set(OrganisationKind.values)
        return set(self._ids_by_code[facet])


@dataclass(frozen=True)
class SearchFilters:
    """What the visitor asked for; every field is a list of codes from the query string."""

    q: str = ""
    #: The visitor's text was longer than we search (``query_bound``): the page says so.
    q_shortened: bool = False
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
        q, q_shortened = query_bound(query.get(TEXT))
        return cls(
            q=q,
            q_shortened=q_shortened,
            subject=subject if subject in SUBJECTS else SERVICES,
            **values,
        )

    def selected(self, facet: str) -> tuple[str, ...]:
        return getattr(self, facet)

    @property
    def is_filtered(self) -> bool:
        return bool(self.q) or any(self.selected(facet) for facet in FACETS)

    @property
    def choice_count(self) -> int:
        """How many facet values are ticked (the text aside): the filters' toggle shows it."""
        return sum(len(self.selected(facet)) for facet in FACETS)


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
            for top, children in reference.category_tree:
                count = counts[CATEGORY_TOP].get(top.pk, 0)
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


def _text_matches(model, text: str, index: FacetIndex) -> tuple[int, int]:
    """Bits (index positions) of the records whose document matches the text, and of
    those among them whose name does.

    Names first, then the others, each by name: relevance that the indexes
    answer alone. Kept with the facet index (so dropped with it after any
    write), least recently used first, within ``DIRECTORY_TEXT_CACHE_BYTES``:
    a bitset costs one bit per record of the index (2.5 KB at 20,000
    services) however many records match, where a list of ids cost about 36
    bytes per match (700 KB for a popular word) and a cache bounded by count
    could grow to hundreds of megabytes per process.
    """
    key = (model._meta.label, text)
    with index.text_lock:
        cached = index.text_matches.get(key)
        if cached is not None:
            index.text_matches.move_to_end(key)
            return cached
    if model is Service:
        document_q, name_q = service_text_q(text), service_name_q(text)
        bits_of = index.service_bits
    else:
        document_q, name_q = organisation_text_q(text), organisation_name_q(text)
        bits_of = index.organisation_bits
    documents, names = matching_ids(model.objects.filter(document_q), model.objects.filter(name_q))
    matches = (bits_of(documents), bits_of(names))
    size = _text_match_size(matches)
    budget = settings.DIRECTORY_TEXT_CACHE_BYTES
    if size <= budget:
        with index.text_lock:
            if key not in index.text_matches:
                index.text_matches[key] = matches
                index.text_bytes += size
                while index.text_bytes > budget:
                    _, dropped = index.text_matches.popitem(last=False)
                    index.text_bytes -= _text_match_size(dropped)
    return matches


def _text_match_size(matches: tuple[int, int]) -> int:
    return sum(sys.getsizeof(bits) for bits in matches)


def _selected_bits(
    facet: str, filters: SearchFilters, reference: ReferenceData, table
) -> int | None:
    """Bits of the records having any of the facet's chosen values (None: no choice)."""
    codes = filters.selected(facet)
    if not codes:
        return None
    if facet == KIND:
        keys = [(KIND, code) for code in codes]
    elif facet == CATEGORY:
        by_code = {c.code: c for c in reference.categories}
        keys = [
            (CATEGORY_TOP if by_code[code].parent_id is None else CATEGORY, by_code[code].pk)
            for code in codes
        ]
    else:
        keys = [(facet, pk) for pk in reference.ids(facet, codes)]
    bits = 0
    for column, value in keys:
        bits |= table[column].get(value, 0)
    return bits


def _count(pool: int, selected: dict[str, int], table) -> tuple[dict[str, dict], int]:
    """Per facet, {value: matches}, with every chosen filter but the facet's own; and the total."""
    counts: dict[str, dict] = {}
    for facet in FACETS:
        candidates = pool
        for other, bits in selected.items():
            if other != facet:
                candidates &= bits
        columns = (CATEGORY, CATEGORY_TOP) if facet == CATEGORY else (facet,)
        for column in columns:
            counts[column] = {
                value: n
                for value, bits in table[column].items()
                if (n := (candidates & bits).bit_count())
            }
    matched = pool
    for bits in selected.values():
        matched &= bits
    return counts, matched


class _IndexedResults:
    """The matching records as a sequence for Django's paginator: counted from the bits,
    read from the database one page at a time.

    Records in ``first`` (those whose name matches the text) come first; each
    group is in name order, the order of the positions.
    """

    def __init__(self, *, matched: int, ids: list[int], queryset, first: int = 0):
        self.first = matched & first
        self.rest = matched & ~first
        self.ids = ids
        self.queryset = queryset

    def count(self) -> int:
        return self.first.bit_count() + self.rest.bit_count()

    def __len__(self) -> int:
        return self.count()

    def _ids(self, start: int, stop: int) -> list[int]:
        in_first = self.first.bit_count()
        positions = []
        if start < in_first:
            positions += list(positions_of(self.first, limit=min(stop, in_first)))[start:]
        if stop > in_first:
            skip = max(0, start - in_first)
            positions += list(positions_of(self.rest, limit=stop - in_first))[skip:]
        return [self.ids[p] for p in positions]

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        ids = self._ids(item.start or 0, item.stop if item.stop is not None else self.count())
        records = {record.pk: record for record in self.queryset.filter(pk__in=ids)}
        return [records[pk] for pk in ids if pk in records]


def _service_results_queryset(user) -> QuerySet:
    # Rows are read through the visibility rule even though the index chose them: an
    # index answering while it is rebuilt may still hold a record hidden meanwhile.
    return (
        service_pool(user=user)
        .select_related("organisation")
        .defer("search_vector", "organisation__search_vector")
        .prefetch_related(
            Prefetch("categories", queryset=ServiceCategory.objects.order_by("position")),
            "territories",
        )
    )


def _search(*, user, filters: SearchFilters, reference: ReferenceData, index: FacetIndex):
    """The matching records (a paginable sequence) and the facets."""
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        services = index.service_bits(service_pool(user=user).values_list("pk", flat=True))
    else:
        services = index.public_services
    service_matches = service_names = 0
    if filters.q:
        service_matches, service_names = _text_matches(Service, filters.q, index)
    if filters.subject == ORGANISATIONS:
        if signed_in:
            organisations = index.organisation_bits(
                selectors.organisations_visible(user=user).values_list("pk", flat=True)
            )
            table = index.organisation_values_for(services)
        else:
            organisations = index.public_organisations
            table = index.organisation_values
        first = 0
        if filters.q:
            own, first = _text_matches(Organisation, filters.q, index)
            organisations &= own | index.organisations_of(services & service_matches)
        selected = {
            facet: bits
            for facet in FACETS
            if (bits := _selected_bits(facet, filters, reference, table)) is not None
        }
        counts, matched = _count(organisations, selected, table)
        results = _IndexedResults(
            matched=matched,
            ids=index.organisation_ids,
            first=first,
            queryset=selectors.organisations_visible(user=user)
            .defer("search_vector")
            .prefetch_related("territories"),
        )
    else:
        table = index.service_values
        if filters.q:
            services &= service_matches
        selected = {
            facet: bits
            for facet in FACETS
            if (bits := _selected_bits(facet, filters, reference, table)) is not None
        }
        counts, matched = _count(services, selected, table)
        results = _IndexedResults(
            matched=matched,
            ids=index.service_ids,
            first=service_names,
            queryset=_service_results_queryset(user),
        )
    return results, _facets(filters, reference, counts)


def directory_search(
    *, user, filters: SearchFilters, reference: ReferenceData, page_number=1
) -> SearchResult:
    """One page of services or organisations matching the filters, with facet counts."""
    index = reference.index or facet_index_current()
    results, facets = _search(user=user, filters=filters, reference=reference, index=index)
    page = Paginator(results, PAGE_SIZE).get_page(page_number)
    return SearchResult(filters=filters, page=page, facets=facets)


def directory_facets(
    *, user, filters: SearchFilters, reference: ReferenceData
) -> tuple[list[Facet], int]:
    """The facets and the number of matching records, without a page of them (the map)."""
    index = reference.index or facet_index_current()
    results, facets = _search(user=user, filters=filters, reference=reference, index=index)
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
