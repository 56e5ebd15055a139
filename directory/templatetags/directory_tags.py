"""Template tags of the public directory: bilingual text, phone links, profile sections.

``{% bilingual record "field" %}`` prints the text in the page's language. On
the English site a record without English text shows its French text marked
``lang="fr"`` (so that screen readers switch voice), with a visible note when
``note=True`` (the default for ``block=True``, where the note matters most).
"""

from django import template
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from directory import profile_sections
from directory.catalogue.validation import phone_number_parse

register = template.Library()


def _fallback_note(*, block: bool) -> str:
    text = gettext("Available in French only")
    if block:
        return format_html('<p class="fallback-note">{}</p>', text)
    return format_html(' <span class="fallback-note">({})</span>', text)


@register.simple_tag
def bilingual(record, field: str, *, block: bool = False, note: bool | None = None):
    """The field's text in the active language, or the French text marked as such."""
    text = record.localized(field)
    if not text:
        return ""
    show_note = block if note is None else note
    if block:
        body = linebreaks_filter(str(text), autoescape=True)
        if not text.fallback:
            return body
        html = format_html('<div lang="{}">{}</div>', text.lang, body)
        return html + _fallback_note(block=True) if show_note else html
    if not text.fallback:
        return str(text)
    html = format_html('<span lang="{}">{}</span>', text.lang, text)
    return html + _fallback_note(block=False) if show_note else html


@register.simple_tag
def bilingual_lang(record, field: str) -> str:
    """``lang="fr"`` (with its leading space) when the field falls back to French, else ''."""
    text = record.localized(field)
    return format_html(' lang="{}"', text.lang) if text.fallback else ""


@register.filter
def tel_href(number: str, extension: str = "") -> str:
    """``tel:`` URI of a phone number, or "" when the value is not one.

    Records saved before phone numbers were validated may hold anything:
    the template shows those as text, never as a link. An extension that is
    not digits is left out of the link (the page still shows it).
    """
    try:
        phone = phone_number_parse(number or "")
    except ValidationError:
        return ""
    try:
        return phone_number_parse(number, extension or "").uri
    except ValidationError:
        return phone.uri


@register.simple_tag(takes_context=True)
def render_profile_sections(context, kind: str, record):
    """The sections other apps registered for this kind of page (directory/profile_sections.py)."""
    request = context.get("request")
    rendered = [
        render_to_string(section.template, section.context, request=request)
        for section in profile_sections.sections_for(kind, record, request=request)
    ]
    # Each section was rendered by a template with autoescaping.
    return mark_safe("\n".join(rendered))


@register.simple_tag
def elided_pages(page):
    """Page numbers around the current one, with ``…`` (Paginator.ELLIPSIS) for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
