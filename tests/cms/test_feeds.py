"""/rss/news.xml and /rss/toolkit.xml: valid RSS 2.0, public items only, French or English."""

import xml.etree.ElementTree as ET

import pytest

from wagtail.models import PageViewRestriction

from cms.models import NewsArticlePage

from .conftest import publish_child, translate

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _channel(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), required
    return channel


def test_the_news_feed_lists_published_articles_with_required_elements(client, article):
    channel = _channel(client.get("/rss/news.xml"))
    assert channel.findtext("language") == "fr"
    assert channel.find(f"{ATOM}link").get("href").endswith("/rss/news.xml")
    [item] = channel.findall("item")
    assert item.findtext("title") == "Francisation à Magog"
    assert item.findtext("link").endswith("/fr/nouvelles/francisation-a-magog/")
    assert item.findtext("description") == "De nouvelles places en francisation à temps partiel."
    assert item.findtext("pubDate")
    assert item.findtext("guid")


def test_the_news_feed_leaves_out_drafts_and_login_restricted_articles(client, article):
    private = publish_child(
        article.get_parent(),
        NewsArticlePage(title="Compte rendu du comité", slug="compte-rendu", summary="Interne."),
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft = NewsArticlePage(title="Brouillon", slug="brouillon", summary="Pas prêt.", live=False)
    article.get_parent().add_child(instance=draft)
    channel = _channel(client.get("/rss/news.xml"))
    assert [item.findtext("title") for item in channel.findall("item")] == ["Francisation à Magog"]


def test_the_english_news_feed_lists_the_english_articles(client, article):
    translate(article, "en", title="French courses in Magog", slug="french-courses-in-magog")
    channel = _channel(client.get("/rss/news.xml?lang=en"))
    assert channel.findtext("language") == "en"
    [item] = channel.findall("item")
    assert item.findtext("title") == "French courses in Magog"
    assert "/en/news/french-courses-in-magog/" in item.findtext("link")


def test_an_unknown_language_gets_the_french_feed(client, article):
    channel = _channel(client.get("/rss/news.xml?lang=xx"))
    assert channel.findtext("language") == "fr"


def test_the_toolkit_feed_has_one_item_per_version_of_a_public_fiche(client, fiche):
    fiche.version, fiche.version_note = "2.0", "Ajout d'une liste de vérification."
    fiche.save_revision().publish()
    channel = _channel(client.get("/rss/toolkit.xml"))
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Premier contact avec une famille, version 2.0",
        "Premier contact avec une famille, version 1.0",
    ]
    assert items[0].findtext("description") == "Ajout d'une liste de vérification."
    assert len({item.findtext("guid") for item in items}) == 2


def test_the_toolkit_feed_leaves_out_fiches_under_a_restriction(client, fiche):
    PageViewRestriction.objects.create(
        page=fiche.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    channel = _channel(client.get("/rss/toolkit.xml"))
    assert channel.findall("item") == []


def test_a_missing_feed_is_a_404_not_a_redirect_to_a_page(client, site):
    assert client.get("/rss/nothing.xml").status_code == 404
