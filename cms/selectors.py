"""Reads of the site's pages that apply the access policy.

Wagtail's ``live().public()`` drops every page under a view restriction,
even for a reader who may see it; :func:`pages_visible_to` keeps exactly the
restricted sections this reader passes (signed in, or in one of the
restriction's groups) and drops the others, so that a title never reaches
someone who may not open the page (DESIGN.md, Known traps).
"""

from __future__ import annotations

from django.db.models import Q

from wagtail.models import Page, PageViewRestriction


def _restriction_passes(restriction: PageViewRestriction, user) -> bool:
    if restriction.restriction_type == PageViewRestriction.NONE:
        return True
    signed_in = user is not None and user.is_authenticated and user.is_active
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return signed_in
    if restriction.restriction_type == PageViewRestriction.GROUPS:
        if not signed_in:
            return False
        if user.is_superuser:
            return True
        wanted = {group.pk for group in restriction.groups.all()}
        return bool(wanted & set(user.groups.values_list("pk", flat=True)))
    return False  # shared passwords are disabled (settings), and unknown kinds hide


def hidden_sections_q(user) -> Q:
    """Pages under a restriction this reader does not pass (empty Q matches nothing)."""
    hidden = Q(pk__in=[])
    for restriction in PageViewRestriction.objects.select_related("page").prefetch_related(
        "groups"
    ):
        if not _restriction_passes(restriction, user):
            hidden |= Q(path__startswith=restriction.page.path)
    return hidden


def pages_visible_to(queryset, user):
    """``queryset`` (of live pages) without the pages this reader may not open."""
    return queryset.exclude(hidden_sections_q(user))


def page_is_visible(page: Page, user) -> bool:
    return page.live and pages_visible_to(Page.objects.filter(pk=page.pk), user).exists()
