"""Page titles (WCAG 2.4.2): each says what the page is, and the site's name once."""

import re
from html import unescape

import pytest


def _title(response) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", response.text, re.S).group(1).strip())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/fr/", "Continuum · Accueillir les personnes immigrantes en Estrie"),
        ("/en/", "Continuum · Welcoming newcomers in Estrie"),
    ],
)
def test_home_page_title_names_the_site_once_and_says_what_it_is(client, site, path, expected):
    assert _title(client.get(path)) == expected


@pytest.mark.django_db
def test_home_page_title_is_the_editors_seo_title_when_they_give_one(client, site):
    site.seo_title = "Continuum — l'accueil en Estrie"
    site.save_revision().publish()
    assert _title(client.get("/fr/")) == "Continuum — l'accueil en Estrie"


@pytest.mark.django_db
def test_other_pages_end_with_the_sites_name(client, site):
    assert _title(client.get("/fr/directory/")) == "Trouver un service · Continuum"


@pytest.mark.django_db
def test_account_pages_end_with_the_sites_name(client, site):
    """allauth's pages fill our title through their own head_title block."""
    assert _title(client.get("/fr/accounts/login/")) == "Se connecter · Continuum"
