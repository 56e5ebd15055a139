"""The portrait computed on a small hand-made directory with known answers (portrait_data.py)."""

import pytest

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from directory.cartographie import gaps, network, suggestions
from directory.cartographie.continuum import continuum
from directory.cartographie.coverage import (
    CONVERGENCE,
    GAP,
    THIN,
    CoverageFilterError,
    CoverageFilters,
    Reference,
    coverage_matrix,
    coverage_rows,
)
from directory.cartographie.selectors import FULL, PUBLIC_SCOPE, PortraitScope
from directory.models import Territory
from tests.factories import OrganisationFactory, ServiceFactory

from .portrait_data import C, E, M, R, S, T, portrait_data

pytestmark = pytest.mark.django_db

FULL_SCOPE = PortraitScope(FULL)


@pytest.fixture
def data(reference_data):
    return portrait_data()


@pytest.fixture
def reference(reference_data):
    return Reference.load()


def cell(matrix, territory_code, category_code):
    territory = Territory.objects.get(code=territory_code)
    category = matrix.reference.category_by_code[category_code]
    found = matrix.cells[(territory.pk, category.pk)]
    return found.services, found.organisations


def matrix_of(reference, scope=PUBLIC_SCOPE, **filters):
    return coverage_matrix(
        scope=scope, filters=CoverageFilters(**filters), reference=reference, expand={"FRA"}
    )


def test_matrix_counts_services_and_organisations_per_territory_and_top_level_category(
    data, reference
):
    matrix = matrix_of(reference)
    assert cell(matrix, S, "FRA") == (3, 3)  # a1 (sub-category), b1 (top level), c1
    assert cell(matrix, M, "FRA") == (1, 1)
    assert cell(matrix, C, "FRA") == (1, 1)
    assert cell(matrix, S, "LOG") == (1, 1)
    assert cell(matrix, S, "EMP") == (1, 1)


def test_inactive_unpublished_and_arealess_services_are_not_in_the_public_matrix(data, reference):
    matrix = matrix_of(reference)
    assert cell(matrix, C, "LOG") == (0, 0)  # c2 is inactive
    assert cell(matrix, M, "LOG") == (0, 0)  # d1: draft organisation
    assert cell(matrix, M, "EMP") == (0, 0)  # e1: draft service
    fra = matrix.reference.category_by_code["FRA"]
    assert (matrix.region[fra.pk].services, matrix.region[fra.pk].organisations) == (3, 3)


def test_the_staff_version_counts_unpublished_records(data, reference):
    matrix = matrix_of(reference, FULL_SCOPE)
    assert cell(matrix, M, "LOG") == (1, 1)
    assert cell(matrix, M, "EMP") == (1, 1)
    assert cell(matrix, C, "LOG") == (0, 0)  # inactive stays out


def test_every_territory_and_top_level_category_is_a_cell_with_its_level(data, reference):
    matrix = matrix_of(reference)
    assert len(matrix.cells) == Territory.objects.count() * len(reference.top_categories)
    territory_s = Territory.objects.get(code=S)
    levels = {
        code: matrix.cells[(territory_s.pk, reference.category_by_code[code].pk)].level
        for code in ("FRA", "LOG", "SAN")
    }
    assert levels == {"FRA": CONVERGENCE, "LOG": THIN, "SAN": GAP}


def test_sub_categories_count_only_their_own_services(data, reference):
    matrix = matrix_of(reference)
    sub = reference.category_by_code["FRA.TEMPS_PLEIN"]
    territory_s = Territory.objects.get(code=S)
    found = matrix.sub_cells[(territory_s.pk, sub.pk)]
    assert (found.services, found.organisations) == (2, 2)  # a1, c1; b1 is filed at the top


def test_status_and_language_filters_narrow_the_matrix(data, reference):
    refugees = matrix_of(reference, status=R)
    assert cell(refugees, S, "FRA") == (3, 3)
    assert cell(refugees, S, "EMP") == (0, 0)  # b2 is for temporary workers
    spanish = matrix_of(reference, language="es")
    assert cell(spanish, S, "FRA") == (0, 0)
    assert cell(spanish, S, "LOG") == (1, 1)
    assert cell(spanish, S, "EMP") == (1, 1)
    both = matrix_of(reference, status=T, language="es")
    assert cell(both, S, "EMP") == (1, 1)
    assert cell(both, S, "LOG") == (0, 0)


def test_a_cell_links_to_the_directory_search_of_the_same_services(data, reference):
    matrix = matrix_of(reference, status=R)
    territory_s = Territory.objects.get(code=S)
    url = matrix.cells[(territory_s.pk, reference.category_by_code["FRA"].pk)].search_url
    assert url == "/fr/directory/?category=FRA&territory=sherbrooke&status=REFUGIE_RPCE"


def test_unknown_or_repeated_filters_are_refused_with_a_message(reference):
    with pytest.raises(CoverageFilterError, match="REFUGIE"):
        CoverageFilters.from_query(QueryDict("status=NOPE"), reference)
    with pytest.raises(CoverageFilterError, match="ISO 639-1"):
        CoverageFilters.from_query(QueryDict("language=klingon"), reference)
    with pytest.raises(CoverageFilterError, match="au plus une valeur"):
        CoverageFilters.from_query(QueryDict(f"status={R}&status={E}"), reference)
    assert CoverageFilters.from_query(QueryDict("status=&language=fr"), reference) == (
        CoverageFilters(language="fr")
    )


def test_gaps_rank_the_least_served_territory_first_and_name_the_sole_provider(data, reference):
    matrix = matrix_of(reference)
    providers = gaps.sole_providers(matrix, PUBLIC_SCOPE)
    ranked = gaps.gaps_by_territory(matrix)
    first_served = [item.territory.code for item in ranked].index(S)
    assert first_served == len(ranked) - 1  # Sherbrooke has the fewest gaps
    sherbrooke = ranked[first_served]
    assert {c.category.code for c in sherbrooke.thin} == {"LOG", "EMP"}
    assert {c.category.code for c in sherbrooke.gaps} == {
        c.code for c in reference.top_categories
    } - {"FRA", "LOG", "EMP"}
    thin_log = next(c for c in sherbrooke.thin if c.category.code == "LOG")
    assert providers[thin_log.sole_organisation_id] == data["A"]
    assert thin_log.provider == data["A"]


def test_overlaps_are_the_same_category_for_the_same_clients_in_the_same_territory(data, reference):
    found = gaps.overlaps(scope=PUBLIC_SCOPE, filters=CoverageFilters(), reference=reference)
    assert [
        (o.territory.code, o.category.code, o.status.code, o.organisation_count, o.services)
        for o in found
    ] == [(S, "FRA.TEMPS_PLEIN", R, 2, 2)]
    assert found[0].organisations == [data["A"], data["C"]]


def test_overlaps_follow_the_status_filter(data, reference):
    assert (
        gaps.overlaps(scope=PUBLIC_SCOPE, filters=CoverageFilters(status=E), reference=reference)
        == []
    )
    assert (
        len(
            gaps.overlaps(
                scope=PUBLIC_SCOPE, filters=CoverageFilters(status=R), reference=reference
            )
        )
        == 1
    )


def test_the_network_joins_partners_and_shows_those_without_one(data):
    graph = network.partnership_network(scope=PUBLIC_SCOPE)
    names = {node.organisation.name for node in graph.nodes}
    assert names == {"Accueil A", "Bureau B", "Carrefour C", "Entraide E", "Forum F"}
    assert [
        (e.source.organisation.name, e.target.organisation.name, e.kind) for e in graph.edges
    ] == [("Accueil A", "Bureau B", "referral")]
    assert {n.organisation.name for n in graph.isolated} == {"Carrefour C", "Entraide E", "Forum F"}


def test_the_staff_network_adds_unpublished_organisations_and_their_ties(data):
    graph = network.partnership_network(scope=FULL_SCOPE)
    a = next(node for node in graph.nodes if node.organisation.pk == data["A"].pk)
    assert {partner.name for partner, _kind in a.partners} == {"Bureau B", "Dépôt D"}


def test_the_network_of_a_territory_keeps_the_organisations_serving_it(data):
    graph = network.partnership_network(scope=PUBLIC_SCOPE, territory=Territory.objects.get(code=C))
    assert [node.organisation.name for node in graph.nodes] == ["Carrefour C"]


def test_suggestions_are_complementary_organisations_serving_the_same_clients_and_places(
    data, reference
):
    found = suggestions.suggestions_for(data["C"], scope=PUBLIC_SCOPE, reference=reference)
    assert [s.partner.name for s in found] == ["Accueil A", "Bureau B"]  # B's funding ended
    first = found[0]
    assert [t.code for t in first.territories] == [S]
    assert [s.code for s in first.statuses] == [R]
    assert [c.code for c in first.brings] == ["LOG"]
    assert [c.code for c in found[1].brings] == ["EMP"]


def test_partners_and_organisations_offering_nothing_new_are_not_suggested(data, reference):
    # A's partner B is excluded; C offers nothing A lacks.
    assert suggestions.suggestions_for(data["A"], scope=PUBLIC_SCOPE, reference=reference) == []


def test_the_continuum_shows_which_steps_each_territory_covers(data, reference):
    result = continuum(
        scope=PUBLIC_SCOPE,
        status=reference.status_by_code[R],
        language="",
        reference=reference,
    )
    rows = {row.territory.code: [o for o, _s in row.counts] for row in result.rows}
    # pre-arrival, reception, settlement, integration, lasting settlement
    assert rows[S] == [0, 0, 1, 3, 0]
    assert rows[M] == [0, 0, 0, 1, 0]
    assert rows[C] == [0, 0, 0, 1, 0]


def test_coverage_rows_are_every_territory_times_every_top_level_category(data, reference):
    rows = coverage_rows(matrix_of(reference))
    assert len(rows) == Territory.objects.count() * len(reference.top_categories)
    assert (S, "FRA", 3, 3) in rows
    assert (M, "LOG", 0, 0) in rows


def _queries(reference, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        coverage_matrix(
            scope=PUBLIC_SCOPE,
            filters=CoverageFilters(status=R, language="fr"),
            reference=reference,
            expand={"FRA", "LOG"},
        )
        gaps.overlaps(scope=PUBLIC_SCOPE, filters=CoverageFilters(), reference=reference)
        network.partnership_network(scope=PUBLIC_SCOPE)
    return len(captured.captured_queries)


def test_the_portrait_takes_the_same_number_of_queries_at_two_sizes(data, reference):
    small = _queries(reference)
    territories = list(Territory.objects.all())
    for number in range(30):
        organisation = OrganisationFactory()
        for index in range(3):
            service = ServiceFactory(organisation=organisation, slug=f"more-{number}-{index}")
            service.categories.set([reference.category_by_code["FRA.TEMPS_PLEIN"]])
            service.territories.set(territories[number % 5 : number % 5 + 2])
            service.client_statuses.set([reference.status_by_code[R]])
    assert _queries(reference) == small
