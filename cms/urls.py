"""URLs: pages under /fr/ and /en/, machine endpoints without a prefix (DESIGN.md)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import views
from cms.feeds import NewsFeed, ToolkitFeed
from cms.search import views as search_views
from cms.sitemaps import AllLanguagesSitemap
from directory.cartographie import views as cartographie

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Every sign-in, the Wagtail admin's included, goes through allauth's view:
    # its rate limits, e-mail verification and bilingual pages apply.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailadmin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Feeds, sitemap and robots (machine endpoints: MACHINE_URL_PREFIXES/SUFFIXES).
    path("rss/news.xml", NewsFeed(), name="news_feed"),
    path("rss/toolkit.xml", ToolkitFeed(), name="toolkit_feed"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": AllLanguagesSitemap}}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Open data: the HSDS 3.0 API and tabular export (machine endpoint, no language prefix).
    path("api/hsds/", include("directory.opendata.urls")),
    # The cartographie's coverage matrix as open data (machine endpoint, no language prefix).
    path("directory/coverage.csv", cartographie.coverage_csv, name="coverage_csv"),
    # iCalendar feeds (machine endpoints, no language prefix; DESIGN.md).
    path("", include("events.feed_urls")),
    # A thread's events as JSON, for clients that cannot hold its WebSocket (DESIGN.md).
    path("forum/", include("forum.realtime_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("directory/", include("directory.urls")),
    path("events/", include("events.urls")),
    path("events/", include("events.feeds.page_urls")),
    path("forum/", include("forum.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("search/", search_views.search, name="search"),
    # Wagtail's front-end sign-in (for private pages) is Django's plain LoginView,
    # with neither rate limit nor e-mail verification: it must not answer. This
    # route shadows it; tests/cms/test_login_paths.py walks every login route.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login_redirect",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
