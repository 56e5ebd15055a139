"""Which page may go where: the tree editors can build in the admin."""

import pytest

from cms.models import (
    FichePage,
    FormPage,
    HomePage,
    LineOfWorkPage,
    NewsArticlePage,
    NewsIndexPage,
    StandardPage,
    ToolkitIndexPage,
    ToolkitModulePage,
    WorkshopIndexPage,
    WorkshopPage,
)

pytestmark = pytest.mark.django_db


def test_a_fiche_goes_in_a_toolkit_module_only(site, toolkit, module):
    assert FichePage.can_create_at(module)
    assert not FichePage.can_create_at(toolkit)
    assert not FichePage.can_create_at(site)


def test_a_toolkit_module_goes_in_the_toolkit_only(site, toolkit, module):
    assert ToolkitModulePage.can_create_at(toolkit)
    assert not ToolkitModulePage.can_create_at(site)
    assert not ToolkitModulePage.can_create_at(module)


def test_a_news_article_goes_in_the_news_index_only(site, news_index):
    assert NewsArticlePage.can_create_at(news_index)
    assert not NewsArticlePage.can_create_at(site)


def test_the_home_page_has_one_news_index_and_one_toolkit(site, news_index, toolkit):
    assert not NewsIndexPage.can_create_at(site)
    assert not ToolkitIndexPage.can_create_at(site)


def test_the_english_home_page_may_have_its_own_news_index(english_home, news_index):
    """One per parent, not one in all: the English tree holds its translation."""
    assert NewsIndexPage.objects.filter(locale=english_home.locale).count() == 1


def test_a_fiche_has_no_children(fiche):
    assert not StandardPage.can_create_at(fiche)
    assert not FormPage.can_create_at(fiche)


def test_the_home_page_takes_the_sites_sections_and_not_articles_or_fiches(site):
    allowed = set(HomePage.allowed_subpage_models())
    assert {LineOfWorkPage, StandardPage, FormPage, WorkshopIndexPage} <= allowed
    assert not {NewsArticlePage, FichePage, WorkshopPage, ToolkitModulePage} & allowed


def test_a_workshop_goes_in_the_workshop_programme_only(site):
    assert WorkshopPage.allowed_parent_page_models() == [WorkshopIndexPage]


def test_a_home_page_goes_at_the_root_only(site):
    assert not HomePage.can_create_at(site)
