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
