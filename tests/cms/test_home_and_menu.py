"""The home page's sections, the main menu managed in the admin, and previews of every page type."""

import json

import pytest

from cms import home_providers
from cms.home_providers import HomeItem
from cms.models import (
    FichePage,
    FormPage,
    LineOfWorkPage,
    NewsArticlePage,
    NewsIndexPage,
    PartnersPage,
    StandardPage,
    ToolkitIndexPage,
    ToolkitModulePage,
    WorkshopIndexPage,
    WorkshopPage,
)
from directory.models import PublicationState

from ..factories import OrganisationFactory, ServiceFactory
from .conftest import publish_child, translate

pytestmark = pytest.mark.django_db


def _sections(*blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def test_directory_figures_count_public_records_only(client, site, reference_data):
    from directory.models import Territory

    public = OrganisationFactory()
    service = ServiceFactory(organisation=public)
    service.territories.set(Territory.objects.all()[:2])
    hidden = OrganisationFactory(state=PublicationState.DRAFT)
    ServiceFactory(organisation=hidden).territories.set(Territory.objects.all())
    site.sections = _sections(("directory_figures", {"heading": "Le répertoire", "intro": ""}))
    site.save_revision().publish()
    text = " ".join(client.get("/fr/").text.split())
    assert '<span class="figures__number">1</span> organisme dans le répertoire' in text
    assert '<span class="figures__number">1</span> service offert' in text
    assert '<span class="figures__number">2</span> territoires couverts' in text


def test_latest_news_shows_the_readers_language_newest_first(
    client, site, english_home, news_index
):
    older = publish_child(
        news_index,
        NewsArticlePage(title="Ancienne", slug="ancienne", summary="a", date="2026-01-01"),
    )
    publish_child(
        news_index, NewsArticlePage(title="Récente", slug="recente", summary="b", date="2026-06-01")
    )
    translate(older, "en", title="Older one", slug="older-one")
    block = ("latest_news", {"heading": "Nouvelles", "intro": "", "count": 3, "more_page": None})
    for home in (site, english_home):
        home.sections = _sections(block)
        home.save_revision().publish()
    french = client.get("/fr/").text
    assert french.index("Récente") < french.index("Ancienne")
    english = client.get("/en/").text
    assert "Older one" in english and "Récente" not in english


def test_a_section_without_its_provider_is_left_out(client, site):
    heading = "Rencontres à venir"
    block = ("upcoming_events", {"heading": heading, "intro": "", "count": 3, "more_page": None})
    site.sections = _sections(block)
    site.save_revision().publish()
    assert heading not in client.get("/fr/").text


def test_a_registered_provider_fills_its_section(client, site, monkeypatch):
    monkeypatch.setitem(
        home_providers._PROVIDERS,
        "upcoming_events",
        lambda request, limit: [HomeItem(title="Rencontre des comités d'accueil", url="/x/")],
    )
    block = ("upcoming_events", {"heading": "À venir", "intro": "", "count": 3, "more_page": None})
    site.sections = _sections(block)
    site.save_revision().publish()
    assert "Rencontre des comités d&#x27;accueil" in client.get("/fr/").text


@pytest.fixture
def every_page_type(site, toolkit, module, fiche, news_index, article):
    programme = publish_child(site, WorkshopIndexPage(title="Ateliers", slug="ateliers"))
    return [
        site,
        toolkit,
        module,
        fiche,
        news_index,
        article,
        programme,
        publish_child(
            programme,
            WorkshopPage(
                title="Accueillir dans les MRC",
                slug="accueil-mrc",
                code="accueil-mrc",
                summary="Une matinée.",
                objectives="<ul><li>Connaître les services.</li></ul>",
                audience="Agentes de développement.",
                duration="3 heures",
            ),
        ),
        publish_child(site, StandardPage(title="À propos", slug="a-propos")),
        publish_child(site, FormPage(title="Nous joindre", slug="nous-joindre")),
        publish_child(site, PartnersPage(title="Partenaires", slug="partenaires")),
        publish_child(
            site, LineOfWorkPage(title="Recensement", slug="recensement", number=1, summary="s")
        ),
    ]


def test_every_page_type_renders_its_preview(every_page_type):
    for page in every_page_type:
        page = page.specific
        request = page.make_preview_request()
        assert request.status_code == 200, type(page).__name__


def test_page_types_cover_the_toolkit_and_workshops(every_page_type):
    kinds = {type(page.specific) for page in every_page_type}
    assert {FichePage, ToolkitIndexPage, ToolkitModulePage, WorkshopPage, NewsIndexPage} <= kinds
