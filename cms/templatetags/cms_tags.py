"""Template tags of the site shell: language links that keep the current page."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Locale, Page

register = template.Library()


def _page_url_in(page: Page, language: str, request) -> str | None:
    try:
        locale = Locale.objects.get(language_code=language)
    except Locale.DoesNotExist:
        return None
    translated = page.get_translation_or_none(locale)
    if translated is None or not translated.live:
        return None
    return translated.get_url(request=request)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: where the current page lives in that language.

    A Wagtail page links to its translation (slugs differ between languages);
    any other view is reversed in the other language with its query string.
    """
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if isinstance(page, Page):
            url = _page_url_in(page, code, request)
        if url is None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The main menu's items (Settings → Main menu), in the reader's language.

    Each item is the page's translation in the active locale (or its alias while
    untranslated); items the reader may not open are left out.
    """
    from wagtail.models import Site

    from cms.models import MainMenu
    from cms.selectors import pages_visible_to

    request = context.get("request")
    if request is None:
        return []
    site = Site.find_for_request(request)
    if site is None:
        return []
    menu = MainMenu.for_site(site)
    pages = [item.page for item in menu.items.select_related("page")]
    if not pages:
        return []
    locale = Locale.get_active()
    translations = {
        page.translation_key: page
        for page in pages_visible_to(
            Page.objects.live().filter(
                locale=locale, translation_key__in=[p.translation_key for p in pages]
            ),
            request.user,
        )
    }
    items = []
    for page in pages:
        shown = translations.get(page.translation_key)
        if shown is None:
            continue
        url = shown.get_url(request=request)
        items.append(
            {"title": shown.title, "url": url, "current": request.path.startswith(url or "-")}
        )
    return items


@register.simple_tag(takes_context=True)
def breadcrumbs(context) -> list:
    """The current page's ancestors below the home page, for the breadcrumb trail."""
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= 2:
        return []
    return list(page.get_ancestors().filter(depth__gte=2).live())
