"""Fixtures of the site's pages: small trees built with the page models, French and English."""

import pytest

from django.apps import apps as django_apps

from wagtail.models import Locale

from cms.editorial import editorial_ensure
from cms.models import (
    FichePage,
    NewsArticlePage,
    NewsIndexPage,
    ToolkitIndexPage,
    ToolkitModulePage,
)


def publish_child(parent, page):
    """Add ``page`` under ``parent`` (in the parent's locale) and publish it."""
    page.locale = parent.locale
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate(page, language: str, **fields):
    """The page's translation in ``language``, with these fields, published."""
    locale = Locale.objects.get(language_code=language)
    parent = page.get_parent().specific.get_translation(locale)
    translation = page.copy(
        to=parent,
        update_attrs={"locale": locale, **fields},
        copy_revisions=False,
        keep_live=False,
        reset_translation_key=False,
    )
    translation.save_revision().publish()
    return translation


@pytest.fixture
def english_home(site):
    return site.get_translation(Locale.objects.get(language_code="en"))


@pytest.fixture
def editorial(roles, site):
    """The roles' page permissions and the "Publication" workflow, as migration 0003 makes them."""
    editorial_ensure(django_apps)


@pytest.fixture
def news_index(site, english_home):
    index = publish_child(site, NewsIndexPage(title="Nouvelles", slug="nouvelles"))
    translate(index, "en", title="News", slug="news")
    return index


@pytest.fixture
def article(news_index):
    return publish_child(
        news_index,
        NewsArticlePage(
            title="Francisation à Magog",
            slug="francisation-a-magog",
            summary="De nouvelles places en francisation à temps partiel.",
        ),
    )


@pytest.fixture
def toolkit(site, english_home):
    index = publish_child(site, ToolkitIndexPage(title="Trousse d'accompagnement", slug="trousse"))
    translate(index, "en", title="Toolkit", slug="toolkit")
    return index


@pytest.fixture
def module(toolkit):
    module = publish_child(toolkit, ToolkitModulePage(title="Accueillir", slug="accueillir"))
    translate(module, "en", title="Welcoming", slug="welcoming")
    return module


@pytest.fixture
def fiche(module):
    return publish_child(
        module,
        FichePage(
            title="Premier contact avec une famille",
            slug="premier-contact",
            summary="Les questions à poser lors de la première rencontre.",
            version="1.0",
        ),
    )
