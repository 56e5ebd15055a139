"""RSS feeds: /rss/news.xml and /rss/toolkit.xml (machine endpoints, no language prefix).

French by default; ``?lang=en`` gives the English pages. Only live pages that
anyone may open are in a feed; each feed names itself (``atom:link``).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone, translation
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _

from wagtail.models import Locale

from cms.models import NewsArticlePage
from cms.selectors import pages_visible_to
from cms.toolkit.selectors import announcements_public

FEED_LENGTH = 30


def _language(request) -> str:
    wanted = request.GET.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return _language(request)

    def __call__(self, request, *args, **kwargs):
        with translation.override(_language(request)):
            response = super().__call__(request, *args, **kwargs)
        response["Content-Type"] = "application/rss+xml; charset=utf-8"
        return response

    def feed_url(self, language):
        suffix = "" if language == settings.LANGUAGE_CODE else f"?lang={language}"
        return f"{self.path}{suffix}"

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj
        return feed

    def link(self, language):
        home = Locale.objects.get(language_code=language)
        return f"/{home.language_code}/"


class NewsFeed(LanguageFeed):
    path = "/rss/news.xml"

    def title(self, language):
        return _("%(site)s: news") % {"site": settings.WAGTAIL_SITE_NAME}

    def description(self, language):
        return _("News of the continuum of services for newcomers in Estrie.")

    def items(self, language):
        return (
            pages_visible_to(
                NewsArticlePage.objects.live().filter(
                    locale__language_code=language, alias_of__isnull=True
                ),
                None,
            )
            .order_by("-date", "-pk")
            .prefetch_related("categories")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        return item.first_published_at or timezone.now()

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [category.label for category in item.categories.all()]


class ToolkitFeed(LanguageFeed):
    path = "/rss/toolkit.xml"

    def title(self, language):
        return _("%(site)s: toolkit updates") % {"site": settings.WAGTAIL_SITE_NAME}

    def description(self, language):
        return _("New versions of the fiches of the toolkit.")

    def items(self, language):
        return announcements_public(language=language, limit=FEED_LENGTH)

    def item_title(self, item):
        announcement, fiche = item
        return _("%(title)s, version %(version)s") % {
            "title": fiche.title,
            "version": announcement.version,
        }

    def item_description(self, item):
        announcement, fiche = item
        return announcement.version_note or fiche.summary

    def item_link(self, item):
        return item[1].get_url()

    def item_guid(self, item):
        announcement, _fiche = item
        return f"continuum-fiche-{announcement.translation_key}-{announcement.version}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[0].announced_at
