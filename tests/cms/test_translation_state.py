"""Pages not translated yet: on the English site, the French page with a notice and lang="fr"."""

import re

import pytest

from wagtail.models import Locale

from cms.models import StandardPage

from .conftest import publish_child, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_only(site, english_home):
    page = publish_child(
        site,
        StandardPage(title="Glossaire de l'accueil", slug="glossaire", intro="Les mots."),
    )
    # What the synchronised tree makes when an editor creates a page in the admin.
    page.copy_for_translation(Locale.objects.get(language_code="en"), alias=True)
    return page


def test_an_untranslated_page_shows_the_french_text_with_a_notice_on_the_english_site(
    client, french_only
):
    response = client.get("/en/glossaire/")
    assert response.status_code == 200
    assert "This page is not yet translated into English" in response.text
    assert re.search(r'<article class="page__article" lang="fr">', response.text)
    assert "Glossaire de l&#x27;accueil" in response.text


def test_the_french_page_itself_has_no_notice(client, french_only):
    response = client.get("/fr/glossaire/")
    assert "not yet translated" not in response.text
    assert "pas encore traduite" not in response.text
    assert 'lang="fr">' not in response.text.split("<main", 1)[1].split("</article>")[0]


def test_a_translated_page_shows_its_english_text_without_a_notice(client, site, english_home):
    page = publish_child(site, StandardPage(title="Nous joindre", slug="nous-joindre"))
    translate(page, "en", title="Contact us", slug="contact-us")
    response = client.get("/en/contact-us/")
    assert response.status_code == 200
    assert "Contact us" in response.text
    assert "not yet translated" not in response.text


def test_publishing_the_french_page_updates_its_english_alias(client, french_only):
    french_only.intro = "Les mots de l'immigration."
    french_only.save_revision().publish()
    assert "Les mots de l&#x27;immigration." in client.get("/en/glossaire/").text


def test_the_language_switcher_links_a_page_to_its_translation(client, site, english_home):
    page = publish_child(site, StandardPage(title="Nous joindre", slug="nous-joindre"))
    translate(page, "en", title="Contact us", slug="contact-us")
    response = client.get("/fr/nous-joindre/")
    assert 'href="/en/contact-us/" hreflang="en"' in response.text


def test_an_english_address_without_a_page_is_a_404(client, site, english_home):
    assert client.get("/en/no-such-page/").status_code == 404
