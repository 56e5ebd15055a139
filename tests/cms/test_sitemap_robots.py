"""The sitemap lists every public page in both languages; robots.txt points to it."""

import xml.etree.ElementTree as ET

import pytest

from wagtail.models import PageViewRestriction

from cms.models import NewsArticlePage

from .conftest import publish_child, translate

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_public_pages_of_both_languages(client, article):
    translate(article, "en", title="French courses", slug="french-courses")
    locations = _locations(client)
    assert any(url.endswith("/fr/nouvelles/francisation-a-magog/") for url in locations)
    assert any(url.endswith("/en/news/french-courses/") for url in locations)
    assert any(url.endswith("/en/") for url in locations)


def test_the_sitemap_leaves_out_restricted_pages(client, news_index):
    private = publish_child(
        news_index, NewsArticlePage(title="Interne", slug="interne", summary="Interne.")
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert not any("interne" in url for url in _locations(client))


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
