"""The portrait's matrix cell, rendered in Python: a matrix has hundreds of them, and an
``{% include %}`` per cell cost most of the page's time."""

from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def portrait_cell(cell):
    """Organisations / services, linked to the search of those services; a mark for thin (!)
    and gap (✕) cells; the full sentence for screen readers (the table's headers give the
    category and the territory)."""
    if not cell.services:
        return format_html(
            '<span class="cell__figures" aria-hidden="true"><span class="cell__mark">✕</span>'
            '</span><span class="visually-hidden">{}</span>',
            cell.level_label,
        )
    organisations = ngettext(
        "%(counter)s organisation", "%(counter)s organisations", cell.organisations
    ) % {"counter": cell.organisations}
    services = ngettext("%(counter)s service", "%(counter)s services", cell.services) % {
        "counter": cell.services
    }
    mark = format_html('<span class="cell__mark">!</span> ') if cell.level == "thin" else ""
    return format_html(
        '<a class="cell__link" href="{}"><span class="cell__figures" aria-hidden="true">{}{}'
        '<span class="cell__sep">/</span>{}</span><span class="visually-hidden">{}, {} ({})'
        "</span></a>",
        cell.search_url,
        mark,
        cell.organisations,
        cell.services,
        organisations,
        services,
        cell.level_label,
    )
