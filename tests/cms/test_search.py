"""Search across everything: only what the reader may see, accent- and case-insensitive,
French stemming, grouped by kind with counts, promoted results, and no 500 on odd input."""

import re
from html import unescape

import pytest

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from cms.models import FicheDocument, SiteDocument, StandardPage
from directory.models import PublicationState

from ..factories import OrganisationFactory, ServiceFactory
from .conftest import publish_child, translate

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return [
        unescape(re.sub(r"\s+", " ", title).strip())
        for title in re.findall(r'class="results__title">(.*?)</a>', response.text, re.S)
    ]


@pytest.fixture
def pages(site):
    public = publish_child(
        site,
        StandardPage(
            title="Intégration en emploi",
            slug="integration-en-emploi",
            intro="Accompagner les employeurs des MRC.",
        ),
    )
    members_only = publish_child(
        site,
        StandardPage(
            title="Compte rendu du comité d'intégration",
            slug="compte-rendu",
            intro="Réservé aux membres.",
        ),
    )
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )
    return {"public": public, "members_only": members_only}


def test_visitors_do_not_see_login_restricted_pages(client, pages):
    titles = _titles(client.get("/fr/search/", {"q": "intégration"}))
    assert "Intégration en emploi" in titles
    assert "Compte rendu du comité d'intégration" not in titles


def test_signed_in_members_see_pages_restricted_to_members(client, pages, member):
    client.force_login(member)
    titles = _titles(client.get("/fr/search/", {"q": "intégration"}))
    assert "Compte rendu du comité d'intégration" in titles


def test_a_page_restricted_to_a_group_stays_hidden_from_other_members(client, site, member):
    page = publish_child(site, StandardPage(title="Intégration : notes du comité", slug="notes"))
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Comité de pilotage"))
    client.force_login(member)
    assert "Intégration : notes du comité" not in _titles(
        client.get("/fr/search/", {"q": "intégration"})
    )


def test_drafts_are_not_found(client, site):
    draft = StandardPage(title="Intégration : brouillon", slug="brouillon", live=False)
    site.add_child(instance=draft)
    draft.save_revision()
    assert _titles(client.get("/fr/search/", {"q": "brouillon"})) == []


def test_search_ignores_accents_and_case(client, pages):
    assert "Intégration en emploi" in _titles(client.get("/fr/search/", {"q": "INTEGRATION"}))


def test_search_finds_other_forms_of_a_french_word(client, site):
    publish_child(site, StandardPage(title="Trouver un logement", slug="logement"))
    assert "Trouver un logement" in _titles(client.get("/fr/search/", {"q": "logements"}))


def test_the_english_site_searches_the_english_pages(client, pages, english_home):
    translate(pages["public"], "en", title="Employment integration", slug="employment")
    titles = _titles(client.get("/en/search/", {"q": "integration"}))
    assert "Employment integration" in titles
    assert "Intégration en emploi" not in titles


def test_unpublished_directory_records_are_not_found(client, site):
    public = OrganisationFactory(name="Carrefour d'intégration de Magog")
    OrganisationFactory(name="Intégration Granit (en attente)", state=PublicationState.DRAFT)
    ServiceFactory(organisation=public, name="Intégration des familles")
    titles = _titles(client.get("/fr/search/", {"q": "integration"}))
    assert "Carrefour d'intégration de Magog" in titles
    assert "Intégration des familles" in titles
    assert "Intégration Granit (en attente)" not in titles


def test_results_are_grouped_by_kind_with_their_counts(client, pages):
    organisation = OrganisationFactory(name="Intégration Estrie")
    ServiceFactory(organisation=organisation, name="Intégration en emploi des jeunes")
    ServiceFactory(organisation=organisation, name="Intégration scolaire")
    response = client.get("/fr/search/", {"q": "integration"})
    text = re.sub(r"\s+", " ", response.text)
    assert 'href="#results-pages">Pages (1)' in text
    assert 'href="#results-organisations">Organismes (1)' in text
    assert 'href="#results-services">Services (2)' in text
    assert "4 résultats" in text


@pytest.fixture
def document_of(fiche):
    def make(title: str, description: str, collection=None):
        document = SiteDocument(
            title=title,
            description=description,
            collection=collection or Collection.get_first_root_node(),
        )
        document.file.save("fiche.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        document.save()
        fiche.documents = [*fiche.documents.all(), FicheDocument(document=document)]
        fiche.save_revision().publish()
        return document

    return make


def test_toolkit_documents_are_found_by_their_description(client, document_of):
    document_of("Aide-mémoire", "Les dix points du premier contact avec une famille réfugiée.")
    assert "Aide-mémoire" in _titles(client.get("/fr/search/", {"q": "refugiee"}))


def test_documents_of_a_restricted_collection_are_not_found(client, document_of):
    private = Collection.get_first_root_node().add_child(name="Interne")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document_of("Budget du projet", "Prévisions budgétaires internes.", collection=private)
    assert _titles(client.get("/fr/search/", {"q": "budgetaires"})) == []


def test_documents_of_a_restricted_fiche_are_not_found(client, document_of, fiche):
    document_of("Grille d'entrevue", "Questions pour les entrevues du recensement.")
    PageViewRestriction.objects.create(page=fiche, restriction_type=PageViewRestriction.LOGIN)
    assert _titles(client.get("/fr/search/", {"q": "entrevues"})) == []


def test_staff_promoted_results_come_first(client, pages, site):
    query = Query.get("francisation")
    SearchPromotion.objects.create(query=query, page=pages["public"], description="À lire.")
    response = client.get("/fr/search/", {"q": "Francisation"})
    assert 'id="results-promoted"' in response.text
    assert _titles(response)[0] == "Intégration en emploi"


def test_a_promoted_page_the_reader_may_not_see_is_not_shown(client, pages):
    query = Query.get("comité")
    SearchPromotion.objects.create(query=query, page=pages["members_only"])
    assert "Compte rendu du comité d'intégration" not in _titles(
        client.get("/fr/search/", {"q": "comité"})
    )


@pytest.mark.parametrize(
    "query",
    [
        "x" * 20_000,
        "\ufdfa" * 300,
        "intégration " * 200,
        "\x00\x01 intégration \u200b",
        "!!! ??? ### '\" & | : * ( )",
        "𝕴𝖓𝖙𝖊𝖌𝖗𝖆𝖙𝖎𝖔𝖓 ﷺ ﬁ",
    ],
    ids=["long", "expanding", "many-words", "control", "punctuation", "odd-unicode"],
)
def test_bad_huge_or_odd_queries_get_an_answer_not_a_500(client, pages, query):
    response = client.get("/fr/search/", {"q": query})
    assert response.status_code == 200


def test_a_query_too_long_is_shortened_and_says_so(client, pages):
    response = client.get("/fr/search/", {"q": "intégration " * 50})
    assert "trop longue" in response.text
    assert "Intégration en emploi" in _titles(response)


def test_a_query_without_letters_says_so(client, site):
    response = client.get("/fr/search/", {"q": "\u200b\u200b"})
    assert "aucune lettre" in response.text
