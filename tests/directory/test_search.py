"""Public directory search: text (French, accents, case), facets, counts, visibility, pages."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import (
    ClientStatus,
    Language,
    Organisation,
    PublicationState,
    Service,
    ServiceCategory,
    Territory,
)
from directory.search.facet_index import facet_index_current
from directory.search.facets import ReferenceData, SearchFilters, directory_search
from directory.search.text import fold, search_vectors_refresh
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SEARCH = "directory:search"


def make_service(name, *, categories=(), statuses=(), territories=(), languages=(), **fields):
    service = ServiceFactory(name=name, **fields)
    service.categories.set(ServiceCategory.objects.filter(code__in=categories))
    service.client_statuses.set(ClientStatus.objects.filter(code__in=statuses))
    service.territories.set(Territory.objects.filter(code__in=territories))
    service.languages.set(Language.objects.filter(code__in=languages))
    return service


def search(client, **params):
    response = client.get(reverse(SEARCH), params)
    assert response.status_code == 200
    return response


def names(response) -> set[str]:
    return {record.name for record in response.context["result"].page.object_list}


def facet_counts(response, key) -> dict[str, int]:
    facet = next(f for f in response.context["result"].facets if f.key == key)
    counts = {}
    for value in facet.values:
        counts[value.code] = value.count
        counts.update({child.code: child.count for child in value.children})
    return counts


# --- Text --------------------------------------------------------------------------------


def test_integration_without_accent_finds_intégration(client, reference_data):
    make_service("Atelier d'intégration au marché du travail", description="")
    make_service("Cours de cuisine du monde", description="")
    assert names(search(client, q="integration")) == {"Atelier d'intégration au marché du travail"}


def test_uppercase_plural_finds_the_singular(client, reference_data):
    make_service("Aide à la recherche de logement", description="")
    make_service("Aide aux devoirs", description="")
    assert names(search(client, q="LOGEMENTS")) == {"Aide à la recherche de logement"}


def test_acronym_of_the_organisation_finds_its_services(client, reference_data, organisation):
    make_service("Accueil des réfugiés", organisation=organisation, description="")
    make_service("Accueil des étudiants", description="")
    assert names(search(client, q="sanc")) == {"Accueil des réfugiés"}


def test_category_label_finds_the_service_in_french_and_english(client, reference_data):
    make_service("Cours du soir", categories=["FRA.TEMPS_PARTIEL"], description="")
    make_service("Cours de natation", description="")
    assert names(search(client, q="francisation")) == {"Cours du soir"}
    assert names(search(client, q="French-language")) == {"Cours du soir"}


def test_name_ranks_above_description(client, reference_data):
    make_service("Soutien général", description="Aide au logement et plus encore.")
    make_service("Logement d'urgence", description="Hébergement temporaire.")
    results = list(search(client, q="logement").context["result"].page.object_list)
    assert [s.name for s in results] == ["Logement d'urgence", "Soutien général"]


def test_query_of_stop_words_only_finds_nothing_without_error(client, reference_data):
    make_service("Aide de la région")
    assert names(search(client, q="de la")) == set()


def test_renaming_an_organisation_updates_its_services_documents(client, reference_data):
    service = make_service("Accompagnement", description="")
    organisation = service.organisation
    organisation.name = "Carrefour interculturel de Magog"
    organisation.save()
    assert names(search(client, q="carrefour interculturel")) == {"Accompagnement"}


def test_adding_a_category_updates_the_service_document(client, reference_data):
    service = make_service("Accompagnement", description="")
    assert names(search(client, q="logement")) == set()
    service.categories.add(ServiceCategory.objects.get(code="LOG"))
    assert names(search(client, q="logement")) == {"Accompagnement"}


def test_category_cleared_from_the_category_side_updates_the_documents(client, reference_data):
    make_service("Accompagnement", categories=["LOG"], description="")
    ServiceCategory.objects.get(code="LOG").services.clear()
    assert names(search(client, q="logement")) == set()


def test_bulk_refresh_is_two_statements_whatever_the_number_of_records(
    reference_data, django_assert_num_queries
):
    # The organisations' documents, the services' documents (the data version moves after
    # commit, without a statement of its own inside the transaction).
    organisations = OrganisationFactory.create_batch(3)
    services = [ServiceFactory(organisation=o) for o in organisations for _ in range(3)]
    Organisation.objects.update(search_vector=None)
    Service.objects.update(search_vector=None)
    with django_assert_num_queries(2):
        search_vectors_refresh(services=services[:4], organisations=organisations[2:])
    refreshed = set(
        Service.objects.filter(search_vector__isnull=False).values_list("pk", flat=True)
    )
    assert refreshed == {s.pk for s in services[:4]} | {s.pk for s in services[6:]}


def test_fold_removes_accents_and_case_for_the_sqlite_fallback():
    assert fold("Intégration ÉTÉ Français") == "integration ete francais"


# --- Facets ------------------------------------------------------------------------------


def test_top_level_category_includes_its_sub_categories(client, reference_data):
    make_service("Cours à temps plein", categories=["FRA.TEMPS_PLEIN"])
    make_service("Cours du soir", categories=["FRA.TEMPS_PARTIEL"])
    make_service("Aide au logement", categories=["LOG"])
    assert names(search(client, category="FRA")) == {"Cours à temps plein", "Cours du soir"}


def test_sub_category_leaves_out_its_siblings(client, reference_data):
    make_service("Cours à temps plein", categories=["FRA.TEMPS_PLEIN"])
    make_service("Cours du soir", categories=["FRA.TEMPS_PARTIEL"])
    assert names(search(client, category="FRA.TEMPS_PARTIEL")) == {"Cours du soir"}


def test_sub_categories_are_offered_once_their_parent_is_chosen(client, reference_data):
    make_service("Cours à temps plein", categories=["FRA.TEMPS_PLEIN"])
    assert "FRA.TEMPS_PLEIN" not in facet_counts(search(client), "category")
    counts = facet_counts(search(client, category="FRA"), "category")
    assert counts["FRA"] == 1
    assert counts["FRA.TEMPS_PLEIN"] == 1


def test_asylum_claimant_sees_the_services_that_accept_asylum_claimants(client, reference_data):
    make_service("Clinique juridique", statuses=["DEMANDEUR_ASILE", "REFUGIE_RPCE"])
    make_service("Stage en entreprise", statuses=["RP_ECONOMIQUE"])
    assert names(search(client, status="DEMANDEUR_ASILE")) == {"Clinique juridique"}


def test_values_of_one_facet_are_alternatives(client, reference_data):
    make_service("Clinique juridique", statuses=["DEMANDEUR_ASILE"])
    make_service("Stage en entreprise", statuses=["RP_ECONOMIQUE"])
    make_service("Club de lecture", statuses=["ETUDIANT_INTL"])
    response = search(client, status=["DEMANDEUR_ASILE", "RP_ECONOMIQUE"])
    assert names(response) == {"Clinique juridique", "Stage en entreprise"}


def test_combined_filters_must_all_match(client, reference_data):
    community = OrganisationFactory(kind="community")
    school = OrganisationFactory(kind="education")
    wanted = {
        "categories": ["FRA.TEMPS_PARTIEL"],
        "statuses": ["DEMANDEUR_ASILE"],
        "territories": ["sherbrooke"],
        "languages": ["es"],
    }
    make_service("Francisation du soir", organisation=community, **wanted)
    make_service("Francisation à l'école", organisation=school, **wanted)
    make_service("Francisation à Magog", organisation=community, **{**wanted, "territories": []})
    make_service("Jardin collectif", organisation=community, **{**wanted, "categories": ["VIE"]})
    response = search(
        client,
        q="francisation",
        category="FRA",
        status="DEMANDEUR_ASILE",
        territory="sherbrooke",
        language="es",
        kind="community",
    )
    assert names(response) == {"Francisation du soir"}


def test_facet_counts_apply_every_filter_but_their_own(client, reference_data):
    make_service("A", categories=["FRA.TEMPS_PLEIN"], statuses=["DEMANDEUR_ASILE"])
    make_service("B", categories=["FRA.TEMPS_PARTIEL"], statuses=["RP_ECONOMIQUE"])
    make_service("C", categories=["LOG"], statuses=["DEMANDEUR_ASILE"])
    make_service("D", categories=["LOG", "FRA.TEMPS_PLEIN"], statuses=["DEMANDEUR_ASILE"])
    response = search(client, category="FRA")
    # The category facet ignores the category filter: other categories stay reachable.
    assert facet_counts(response, "category")["LOG"] == 2
    assert facet_counts(response, "category")["FRA"] == 3
    # A service in two sub-categories of FRA counts once for FRA.
    assert facet_counts(response, "category")["FRA.TEMPS_PLEIN"] == 2
    # Other facets count within the category filter (A, B, D).
    assert facet_counts(response, "status") == {"DEMANDEUR_ASILE": 2, "RP_ECONOMIQUE": 1}


def test_organisation_type_facet_counts_services_by_the_kind_of_their_organisation(
    client, reference_data
):
    make_service("A", organisation=OrganisationFactory(kind="community"))
    make_service("B", organisation=OrganisationFactory(kind="community"))
    make_service("C", organisation=OrganisationFactory(kind="health"))
    assert facet_counts(search(client), "kind") == {"community": 2, "health": 1}


def test_facet_counts_are_shown_beside_each_choice(client, reference_data):
    make_service("Clinique juridique", statuses=["DEMANDEUR_ASILE"])
    html = search(client).content.decode()
    assert 'id="f-status-DEMANDEUR_ASILE"' in html
    assert 'Personne demandeuse d&#x27;asile <span class="facet__count">(1)</span>' in html


def test_unknown_codes_in_an_old_link_are_ignored(client, reference_data):
    make_service("Clinique juridique")
    response = search(client, category="NOPE", status="ALIEN", page="abc")
    assert names(response) == {"Clinique juridique"}


def test_organisations_are_found_by_their_services_and_their_own_text(client, reference_data):
    sanc = OrganisationFactory(name="Service d'aide aux Néo-Canadiens", acronym="SANC")
    make_service("Francisation", organisation=sanc, categories=["FRA.TEMPS_PLEIN"])
    OrganisationFactory(name="Maison de la famille", mission="Soutien au logement des familles")
    OrganisationFactory(name="Club de soccer")
    assert names(search(client, show="organisations", q="francisation")) == {
        "Service d'aide aux Néo-Canadiens"
    }
    assert names(search(client, show="organisations", q="logements")) == {"Maison de la famille"}
    response = search(client, show="organisations", category="FRA")
    assert names(response) == {"Service d'aide aux Néo-Canadiens"}
    assert facet_counts(response, "category") == {
        "FRA": 1,
        "FRA.TEMPS_PLEIN": 1,
    }


def test_closed_for_good_services_are_left_out(client, reference_data):
    make_service("Ancien service", status="defunct")
    make_service("Fermé pour l'été", status="temporarily closed")
    assert names(search(client)) == {"Fermé pour l'été"}


# --- Visibility ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [PublicationState.DRAFT, PublicationState.PENDING, PublicationState.ARCHIVED]
)
def test_unpublished_service_is_not_in_search_nor_in_facet_counts(client, reference_data, state):
    make_service("Service public", statuses=["RP_ECONOMIQUE"])
    make_service("Service caché", statuses=["DEMANDEUR_ASILE"], state=state)
    response = search(client)
    assert names(response) == {"Service public"}
    assert facet_counts(response, "status") == {"RP_ECONOMIQUE": 1}
    assert names(search(client, q="caché")) == set()


@pytest.mark.parametrize(
    "state", [PublicationState.DRAFT, PublicationState.PENDING, PublicationState.ARCHIVED]
)
def test_published_service_of_an_unpublished_organisation_is_not_in_search(
    client, reference_data, state
):
    hidden = OrganisationFactory(state=state)
    make_service("Service d'un organisme caché", organisation=hidden, statuses=["TET"])
    response = search(client)
    assert names(response) == set()
    assert facet_counts(response, "status") == {}
    assert names(search(client, show="organisations")) == set()


def test_organisation_admin_finds_their_draft_service_marked_not_public(
    client, reference_data, organisation, organisation_admin
):
    make_service("Brouillon du SANC", organisation=organisation, state=PublicationState.DRAFT)
    make_service("Brouillon d'un autre", state=PublicationState.DRAFT)
    client.force_login(organisation_admin)
    response = search(client)
    assert names(response) == {"Brouillon du SANC"}
    assert "Not public" in response.content.decode() or "Non public" in response.content.decode()


def test_member_who_is_not_admin_does_not_find_the_draft(client, reference_data, organisation):
    make_service("Brouillon du SANC", organisation=organisation, state=PublicationState.DRAFT)
    member = MembershipFactory(organisation=organisation, role="member").user
    client.force_login(member)
    assert names(search(client)) == set()


def test_staff_find_every_draft(client, reference_data, staff):
    make_service("Brouillon", state=PublicationState.DRAFT)
    make_service("Organisme en attente", organisation=OrganisationFactory(state="pending"))
    client.force_login(staff)
    assert names(search(client)) == {"Brouillon", "Organisme en attente"}


# --- Pages and links ------------------------------------------------------------------------


def test_results_are_paginated_by_twenty_and_links_keep_the_filters(client, reference_data):
    for number in range(25):
        make_service(f"Service {number:02d}", statuses=["TET"])
    response = search(client, status="TET", page=2)
    assert len(names(response)) == 5
    html = response.content.decode()
    assert "Page 2 of 2" in html or "Page 2 sur 2" in html
    assert 'href="?status=TET&amp;page=2" aria-current="page"' in html
    assert 'href="?status=TET&amp;page=1" rel="prev"' in html


def test_search_is_a_link_that_fills_the_form_again(client, reference_data):
    make_service("Clinique", statuses=["DEMANDEUR_ASILE"])
    html = search(client, q="clinique", status="DEMANDEUR_ASILE").content.decode()
    assert 'name="q" id="directory-q" value="clinique"' in html
    assert 'value="DEMANDEUR_ASILE" id="f-status-DEMANDEUR_ASILE" checked' in html


def _populate(size: int):
    for number in range(size):
        organisation = OrganisationFactory(kind="community" if number % 2 else "health")
        organisation.territories.set(Territory.objects.filter(code="sherbrooke"))
        make_service(
            f"Service d'intégration {number}",
            organisation=organisation,
            categories=["FRA.TEMPS_PLEIN", "LOG"],
            statuses=["DEMANDEUR_ASILE", "TET"],
            territories=["sherbrooke"],
            languages=["fr", "es"],
        )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "integration", "category": "FRA", "status": "DEMANDEUR_ASILE"},
        {"show": "organisations", "q": "integration", "territory": "sherbrooke"},
    ],
)
def test_search_page_makes_the_same_number_of_queries_at_two_sizes(
    client, reference_data, django_assert_num_queries, params
):
    url = reverse(SEARCH)
    _populate(3)
    client.get(url, params)  # the facet index is rebuilt after every change: measure it built
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    queries = len(small.captured_queries)  # read now: the next request clears the log
    _populate(30)
    client.get(url, params)
    with django_assert_num_queries(queries):
        response = client.get(url, params)
    assert response.context["result"].count == 33


def test_search_needs_a_constant_few_queries_once_the_facet_index_is_built(
    reference_data, django_assert_num_queries
):
    _populate(25)
    reference = ReferenceData.load()
    filters = SearchFilters(q="integration", category=("FRA",))
    # Build the index (without the text: recent text matches are kept with it).
    directory_search(user=None, filters=SearchFilters(), reference=reference)
    # Index token; the text match (savepoint, planner hint, documents, names, release);
    # one page of services, its categories and its territories.
    with django_assert_num_queries(9):
        result = directory_search(user=None, filters=filters, reference=reference)
        for service in result.page.object_list:
            _ = service.organisation.name, list(service.categories.all())
    assert result.count == 25
    with django_assert_num_queries(4):  # the same text again: its matches are kept
        directory_search(user=None, filters=filters, reference=reference)


def test_recent_text_matches_are_kept_within_a_byte_budget(reference_data, settings):
    _populate(25)
    reference = ReferenceData.load()
    index = facet_index_current()
    # Five texts that match every service by its name: five entries of the same size.
    texts = ("service", "services", "integration", "intégration", "Service")
    directory_search(user=None, filters=SearchFilters(q=texts[0]), reference=reference)
    one = index.text_bytes
    settings.DIRECTORY_TEXT_CACHE_BYTES = 2 * one

    for text in texts[1:]:
        directory_search(user=None, filters=SearchFilters(q=text), reference=reference)

    assert [text for _, text in index.text_matches] == ["intégration", "Service"]
    assert index.text_bytes == 2 * one


def test_text_matches_larger_than_the_budget_are_not_kept(reference_data, settings):
    _populate(3)
    settings.DIRECTORY_TEXT_CACHE_BYTES = 0

    directory_search(
        user=None, filters=SearchFilters(q="integration"), reference=ReferenceData.load()
    )

    assert not facet_index_current().text_matches


# --- The facet index and the SQL filters agree ------------------------------------------------


def _varied_directory(organisation_admin_org):
    """A small directory where every facet, state and kind varies."""
    categories = ["FRA.TEMPS_PLEIN", "FRA.TEMPS_PARTIEL", "LOG", "EMP.RECHERCHE", "ACC"]
    statuses = ["DEMANDEUR_ASILE", "TET", "RP_ECONOMIQUE", "ETUDIANT_INTL"]
    territories = ["sherbrooke", "mrc-de-memphremagog", "mrc-de-coaticook"]
    languages = ["fr", "es", "ar"]
    organisations = [
        organisation_admin_org,
        OrganisationFactory(kind="community", name="Carrefour d'intégration"),
        OrganisationFactory(kind="health", state=PublicationState.PENDING),
        OrganisationFactory(kind="education", mission="Francisation des adultes"),
    ]
    for number, organisation in enumerate(organisations):
        organisation.territories.set(Territory.objects.filter(code=territories[number % 3]))
    for number in range(24):
        make_service(
            f"Service {number} {'intégration' if number % 3 else 'logement'}",
            organisation=organisations[number % 4],
            categories=[categories[number % 5], categories[(number * 2) % 5]],
            statuses=statuses[: 1 + number % 4],
            territories=[territories[number % 3]],
            languages=languages[: 1 + number % 2],
            state=PublicationState.DRAFT if number % 7 == 0 else PublicationState.PUBLISHED,
            status="inactive" if number % 11 == 0 else "active",
        )


FILTER_CASES = [
    {},
    {"q": "integration"},
    {"category": ("FRA",)},
    {"category": ("FRA.TEMPS_PARTIEL", "LOG")},
    {"status": ("TET",), "language": ("es",)},
    {"territory": ("sherbrooke", "mrc-de-coaticook"), "kind": ("community", "health")},
    {"q": "logement", "category": ("ACC",), "status": ("DEMANDEUR_ASILE",)},
]


@pytest.mark.parametrize("subject", ["services", "organisations"])
@pytest.mark.parametrize("who", ["anonymous", "admin", "staff"])
def test_facet_index_and_sql_filters_find_the_same_records(
    reference_data, organisation, organisation_admin, staff, subject, who
):
    from directory.search.facets import organisations_matching, services_matching

    _varied_directory(organisation)
    user = {"anonymous": None, "admin": organisation_admin, "staff": staff}[who]
    reference = ReferenceData.load()
    for case in FILTER_CASES:
        filters = SearchFilters(subject=subject, **case)
        result = directory_search(user=user, filters=filters, reference=reference)
        found = {record.pk for record in result.page.paginator.object_list[0 : result.count]}
        matching = services_matching if subject == "services" else organisations_matching
        expected = set(
            matching(user=user, filters=filters, reference=reference).values_list("pk", flat=True)
        )
        assert found == expected, case


def test_a_rolled_back_change_leaves_the_search_as_it_was(client, reference_data):
    from django.db import transaction

    make_service("Service publié")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_service("Service abandonné")
        assert names(search(client)) == {"Service abandonné", "Service publié"}
        raise RuntimeError("rollback")
    assert names(search(client)) == {"Service publié"}


def test_bulk_updates_reach_the_search_through_search_vectors_refresh(client, reference_data):
    service = make_service("Service à retirer")
    assert names(search(client)) == {"Service à retirer"}
    Service.objects.filter(pk=service.pk).update(state=PublicationState.ARCHIVED)
    search_vectors_refresh(services=[service.pk])
    assert names(search(client)) == set()
