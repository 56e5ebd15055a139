"""The demo's pages: hand-written in French and English, with real documents, loaded once."""

import io
import zipfile

import pytest

from wagtail.models import Locale, Page, Revision

from cms.demo_pages import demo_pages_seed
from cms.models import (
    FichePage,
    LineOfWorkPage,
    NewsArticlePage,
    SiteDocument,
    ToolkitModulePage,
    WorkshopPage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(site):
    demo_pages_seed()


def test_a_second_run_changes_nothing(demo):
    before = (Page.objects.count(), Revision.objects.count(), SiteDocument.objects.count())
    demo_pages_seed()
    assert (Page.objects.count(), Revision.objects.count(), SiteDocument.objects.count()) == before


#: Pages of each kind, in each language (not counting aliases of untranslated pages).
EXPECTED = {
    LineOfWorkPage: 5,
    NewsArticlePage: 3,
    ToolkitModulePage: 3,
    FichePage: 6,
    WorkshopPage: 1,
}


def test_the_pages_are_there_in_french_and_english_with_slugs_in_each_language(demo):
    for language in ("fr", "en"):
        locale = Locale.objects.get(language_code=language)
        for model, count in EXPECTED.items():
            pages = model.objects.live().filter(locale=locale, alias_of__isnull=True)
            assert pages.count() == count, (model.__name__, language)
    for module in ToolkitModulePage.objects.filter(locale__language_code="fr"):
        for fiche in FichePage.objects.child_of(module):
            assert fiche.documents.count() >= 1
    assert Page.objects.filter(url_path="/home/toolkit/welcoming/first-contact/").exists()
    assert Page.objects.filter(url_path="/accueil/trousse/accueillir/premier-contact/").exists()


def test_the_documents_are_real_pdf_and_word_files(demo):
    for document in SiteDocument.objects.all():
        with document.file.open("rb") as handle:
            content = handle.read()
        if document.file_extension == "pdf":
            assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
        else:
            archive = zipfile.ZipFile(io.BytesIO(content))
            assert "word/document.xml" in archive.namelist()
            assert document.title.encode() in archive.read("word/document.xml")


def test_the_pages_render_in_both_languages(client, demo):
    for page in Page.objects.live().filter(depth__gte=2).specific():
        assert client.get(page.url).status_code == 200, page.url


def test_the_english_home_page_shows_the_english_sections(client, demo):
    response = client.get("/en/")
    assert "Five lines of work" in response.text
    assert "Inventory of services" in response.text
    assert "Subscribe to the calendar" in response.text
    assert 'href="/events/feed.ics"' in response.text
