"""The sitemap at /sitemap.xml: every public page of every language.

Wagtail's sitemap lists the site's root page and its descendants, i.e. the
French tree only; the English home is a translation beside it. Aliases of
untranslated pages are left out (they repeat the French page).
"""

from django.db.models import Q

from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class AllLanguagesSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Page.objects.translation_of(root, inclusive=True)
        in_a_tree = Q(pk__in=[])
        for home in roots:
            in_a_tree |= Q(path__startswith=home.path)
        return (
            Page.objects.filter(in_a_tree)
            .live()
            .public()
            .filter(alias_of__isnull=True)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
