"""Organisation and service pages: what they show, to whom, in which language, at what cost."""

from datetime import timedelta

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from directory import profile_sections
from directory.models import ClientStatus, Language, PublicationState, ServiceCategory, Territory
from tests.factories import (
    InitiativeFactory,
    LocationFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PhoneFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

UNPUBLISHED = [PublicationState.DRAFT, PublicationState.PENDING, PublicationState.ARCHIVED]


def page(client, record, language="fr"):
    with translation.override(language):
        url = record.get_absolute_url()
    return client.get(url)


def html(client, record, language="fr") -> str:
    response = page(client, record, language)
    assert response.status_code == 200
    return response.content.decode()


# --- What the organisation page shows ------------------------------------------------


def test_organisation_page_shows_its_profile(client, reference_data, organisation):
    organisation.mission = "Accueillir les personnes immigrantes à Sherbrooke."
    organisation.website = "https://www.sanc-sherbrooke.ca/"
    organisation.save()
    organisation.territories.set(Territory.objects.filter(code="sherbrooke"))
    ServiceFactory(organisation=organisation, name="Accueil et installation")
    LocationFactory(
        organisation=organisation,
        name="Bureau de la rue King",
        address="535, rue King Est",
        accessibility="Rampe d'accès à l'entrée principale.",
    )
    PhoneFactory(organisation=organisation, number="819 566-5373")
    body = html(client, organisation)
    for text in (
        "Service d&#x27;aide aux Néo-Canadiens",
        "Accueillir les personnes immigrantes à Sherbrooke.",
        "Accueil et installation",
        "535, rue King Est",
        "Rampe d&#x27;accès à l&#x27;entrée principale.",
        'href="tel:+18195665373"',
        'href="https://www.sanc-sherbrooke.ca/"',
        "Sherbrooke",
    ):
        assert text in body, text


def test_partners_are_shown_whichever_side_recorded_the_partnership(
    client, reference_data, organisation
):
    PartnershipFactory(source=organisation, target=OrganisationFactory(name="Cégep de Sherbrooke"))
    PartnershipFactory(source=OrganisationFactory(name="Ville de Magog"), target=organisation)
    body = html(client, organisation)
    assert "Cégep de Sherbrooke" in body
    assert "Ville de Magog" in body


def test_unpublished_partner_is_not_shown_to_the_public(client, reference_data, organisation):
    PartnershipFactory(
        source=organisation,
        target=OrganisationFactory(name="Partenaire en attente", state="pending"),
    )
    assert "Partenaire en attente" not in html(client, organisation)


def test_ended_partnership_is_not_shown(client, reference_data, organisation):
    PartnershipFactory(
        source=organisation,
        target=OrganisationFactory(name="Ancien partenaire"),
        ended_on=timezone.localdate() - timedelta(days=1),
    )
    assert "Ancien partenaire" not in html(client, organisation)


def test_initiatives_the_organisation_leads_funds_or_joins_are_shown(
    client, reference_data, organisation
):
    InitiativeFactory(name="Projet mené", lead=organisation)
    InitiativeFactory(name="Projet partenaire").partners.add(organisation)
    InitiativeFactory(name="Projet financé").funders.add(organisation)
    InitiativeFactory(name="Projet d'un autre")
    InitiativeFactory(name="Projet en brouillon", lead=organisation, state="draft")
    body = html(client, organisation)
    assert "Projet mené" in body
    assert "Projet partenaire" in body
    assert "Projet financé" in body
    assert "Projet d&#x27;un autre" not in body
    assert "Projet en brouillon" not in body


def test_draft_service_is_not_listed_on_the_public_organisation_page(
    client, reference_data, organisation
):
    ServiceFactory(organisation=organisation, name="Service publié")
    ServiceFactory(organisation=organisation, name="Service en brouillon", state="draft")
    body = html(client, organisation)
    assert "Service publié" in body
    assert "Service en brouillon" not in body


def test_page_has_a_canonical_link_by_slug(client, reference_data, organisation):
    body = html(client, organisation)
    assert (
        f'<link rel="canonical" href="http://testserver/fr/directory/organisations/'
        f'{organisation.slug}/">' in body
    )


# --- Freshness ------------------------------------------------------------------------


def test_last_verified_date_is_shown_without_stale_badge_within_a_year(
    client, reference_data, organisation
):
    organisation.verified_at = timezone.now() - timedelta(days=300)
    organisation.save()
    body = html(client, organisation, "en")
    expected = (timezone.localtime(organisation.verified_at)).strftime("%B %-d, %Y")
    assert f"Last verified on {expected}." in body
    assert "May be out of date" not in body


def test_stale_badge_appears_after_twelve_months(client, reference_data, organisation):
    organisation.verified_at = timezone.now() - timedelta(days=366)
    organisation.save()
    assert "May be out of date" in html(client, organisation, "en")


def test_never_verified_record_is_stale(client, reference_data, organisation):
    organisation.verified_at = None
    organisation.save()
    body = html(client, organisation, "en")
    assert "Not verified yet." in body
    assert "May be out of date" in body


# --- Languages ------------------------------------------------------------------------


def test_english_page_falls_back_to_french_with_a_note_and_lang_fr(
    client, reference_data, organisation
):
    organisation.mission = "Accueillir les personnes immigrantes."
    organisation.save()
    body = html(client, organisation, "en")
    assert '<div lang="fr"><p>Accueillir les personnes immigrantes.</p></div>' in body
    assert '<p class="fallback-note">Available in French only</p>' in body
    assert '<h1 lang="fr">' in body


def test_english_page_shows_english_text_when_there_is_one(client, reference_data, organisation):
    organisation.mission = "Accueillir les personnes immigrantes."
    organisation.mission_en = "Welcoming newcomers."
    organisation.name_en = "Newcomers Aid Service"
    organisation.save()
    body = html(client, organisation, "en")
    assert "<p>Welcoming newcomers.</p>" in body
    assert "Available in French only" not in body
    assert "<h1>Newcomers Aid Service" in body


def test_french_page_never_shows_the_fallback_note(client, reference_data, organisation):
    organisation.mission = "Accueillir les personnes immigrantes."
    organisation.save()
    body = html(client, organisation, "fr")
    assert "fallback-note" not in body
    assert 'lang="fr"><p>' not in body


# --- Visibility -------------------------------------------------------------------------


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_organisation_is_404_for_the_public(client, reference_data, state):
    hidden = OrganisationFactory(state=state)
    assert page(client, hidden).status_code == 404


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_service_is_404_for_the_public(client, reference_data, state):
    assert page(client, ServiceFactory(state=state)).status_code == 404


def test_published_service_of_an_unpublished_organisation_is_404_for_the_public(
    client, reference_data
):
    service = ServiceFactory(organisation=OrganisationFactory(state=PublicationState.DRAFT))
    assert page(client, service).status_code == 404


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_organisation_admin_sees_their_unpublished_record_with_the_not_public_banner(
    client, reference_data, organisation, organisation_admin, state
):
    organisation.state = state
    organisation.save()
    client.force_login(organisation_admin)
    body = html(client, organisation, "en")
    assert "This record is not public." in body


def test_staff_see_an_unpublished_service_with_the_banner_naming_its_organisation(
    client, reference_data, staff
):
    service = ServiceFactory(
        state=PublicationState.PENDING,
        organisation=OrganisationFactory(state=PublicationState.DRAFT),
    )
    client.force_login(staff)
    body = html(client, service, "en")
    assert "This record is not public." in body
    assert "Its organisation is not published either" in body


def test_member_who_is_not_admin_gets_404_for_an_unpublished_organisation(
    client, reference_data, organisation
):
    organisation.state = PublicationState.DRAFT
    organisation.save()
    client.force_login(MembershipFactory(organisation=organisation, role="member").user)
    assert page(client, organisation).status_code == 404


def test_published_page_has_no_not_public_banner(client, reference_data, organisation, staff):
    client.force_login(staff)
    assert "notice--warning" not in html(client, organisation)


# --- The service page ---------------------------------------------------------------------


def test_service_page_shows_who_can_use_it_and_how(client, reference_data, organisation):
    service = ServiceFactory(
        organisation=organisation,
        name="Francisation à temps partiel",
        eligibility="Personnes de 16 ans et plus.",
        how_to_access="Inscription par téléphone.",
        required_documents="Pièce d'identité.",
        schedule="Lundi au jeudi, 18 h à 21 h.",
        assured_date=timezone.localdate(),
    )
    service.categories.set(ServiceCategory.objects.filter(code="FRA.TEMPS_PARTIEL"))
    service.client_statuses.set(ClientStatus.objects.filter(code="DEMANDEUR_ASILE"))
    service.languages.set(Language.objects.filter(code__in=["fr", "es"]))
    service.territories.set(Territory.objects.filter(code="sherbrooke"))
    location = LocationFactory(organisation=organisation, address="535, rue King Est")
    service.locations.add(location)
    body = html(client, service)
    for text in (
        "Francisation à temps partiel",
        "Service d&#x27;aide aux Néo-Canadiens",
        "Personne demandeuse d&#x27;asile",
        "Personnes de 16 ans et plus.",
        "Espagnol",
        "Inscription par téléphone.",
        "Pièce d&#x27;identité.",
        "Lundi au jeudi, 18 h à 21 h.",
        "535, rue King Est",
        "Sherbrooke",
        "Francisation",
    ):
        assert text in body, text


def test_service_without_fees_says_it_is_free(client, reference_data):
    body = html(client, ServiceFactory(fees=""), "en")
    assert "<dd>Free</dd>" in body


def test_service_with_fees_shows_them(client, reference_data):
    body = html(client, ServiceFactory(fees="20 $ par session"), "fr")
    assert "20 $ par session" in body


def test_service_page_leaves_out_locations_of_unpublished_organisations(client, reference_data):
    service = ServiceFactory()
    hidden_partner = OrganisationFactory(state=PublicationState.PENDING)
    service.locations.add(LocationFactory(organisation=hidden_partner, address="1, rue Cachée"))
    assert "1, rue Cachée" not in html(client, service)


# --- Sections from other apps -----------------------------------------------------------------


@pytest.fixture
def events_section():
    def upcoming(organisation, *, request):
        if organisation.acronym != "SANC":
            return None
        return profile_sections.ProfileSection(
            template="directory/components/phones.html", context={"phones": []}
        )

    profile_sections.register_organisation_section("test-events", upcoming)
    yield
    profile_sections.unregister(profile_sections.ORGANISATION, "test-events")


def test_registered_section_is_rendered_on_the_organisation_page(
    client, reference_data, organisation, events_section
):
    assert '<ul class="phones">' in html(client, organisation)


def test_section_with_nothing_to_show_renders_nothing(client, reference_data, events_section):
    assert '<ul class="phones">' not in html(client, OrganisationFactory(acronym="AUTRE"))


# --- Queries -------------------------------------------------------------------------------------


def _grow(organisation, size: int):
    for _ in range(size):
        service = ServiceFactory(organisation=organisation)
        service.categories.set(ServiceCategory.objects.filter(code__in=["LOG", "FRA.TEMPS_PLEIN"]))
        service.client_statuses.set(ClientStatus.objects.filter(code__in=["TET", "RP_FAMILLE"]))
        service.territories.set(Territory.objects.filter(code="sherbrooke"))
        service.languages.set(Language.objects.filter(code__in=["fr", "en"]))
        location = LocationFactory(organisation=organisation)
        PhoneFactory(organisation=None, location=location)
        service.locations.add(location)
        PhoneFactory(organisation=organisation)
        PhoneFactory(organisation=None, service=service)
        PartnershipFactory(source=organisation)
        PartnershipFactory(target=organisation)
        InitiativeFactory(lead=organisation).partners.add(OrganisationFactory())
    organisation.territories.set(Territory.objects.all()[: 1 + size % 8])


@pytest.mark.parametrize("kind", ["organisation", "service"])
def test_profile_pages_make_the_same_number_of_queries_at_two_sizes(
    client, reference_data, organisation, django_assert_num_queries, kind
):
    _grow(organisation, 2)
    record = organisation if kind == "organisation" else organisation.services.first()
    with CaptureQueriesContext(connection) as small:
        assert page(client, record).status_code == 200
    queries = len(small.captured_queries)  # read now: the next request clears the log
    _grow(organisation, 12)
    with django_assert_num_queries(queries):
        assert page(client, record).status_code == 200
