"""French first, English second: URLs, the language switcher, formats, catalogues."""

import pytest

from django.utils import formats, translation

from cms import catalogues


def test_every_message_catalogue_is_complete_and_compiled():
    assert catalogues.catalogue_paths(), "no catalogue found under locale/"
    assert catalogues.problems() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("fr-CA,fr;q=0.9", "/fr/"), ("en-US,en;q=0.8", "/en/"), ("es", "/fr/")],
)
def test_root_redirects_by_the_browsers_language(client, site, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_home_pages_exist_in_both_languages(client, site):
    french = client.get("/fr/")
    english = client.get("/en/")
    assert french.status_code == english.status_code == 200
    assert '<html lang="fr"' in french.text
    assert '<html lang="en"' in english.text
    assert "Aller au contenu principal" in french.text
    assert "Skip to main content" in english.text


@pytest.mark.django_db
def test_language_switcher_keeps_the_current_page_and_its_query(client, site):
    response = client.get("/fr/directory/?q=logement&page=2")
    assert 'href="/en/directory/?q=logement&amp;page=2"' in response.text
    assert 'hreflang="en"' in response.text


@pytest.mark.django_db
def test_language_switcher_on_a_page_links_to_its_translation(client, site):
    response = client.get("/fr/")
    assert 'href="/en/"' in response.text
    assert '<link rel="alternate" hreflang="en"' in response.text


def test_french_uses_quebec_formats():
    import datetime

    moment = datetime.datetime(2026, 11, 25, 14, 5)
    with translation.override("fr"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "2026-11-25"
        assert formats.time_format(moment.time()) == "14 h 05"
        assert formats.number_format(1234.5, decimal_pos=2, force_grouping=True) == "1\xa0234,50"
    with translation.override("en"):
        assert formats.time_format(moment.time()) == "2:05 p.m."
