"""The staff view of an organisation's profile: its visits and the needs heard from it.

A profile section (``directory/profile_sections.py``) that shows nothing to
anyone without ``manage_visits`` or ``view_needs``: the public page of the
same organisation is unchanged for them.
"""

from __future__ import annotations

from django.urls import reverse

from directory import access, profile_sections
from directory.tournee import selectors


def visits_and_needs(organisation, *, request):
    user = request.user
    may_visits = user.has_perm(access.MANAGE_VISITS)
    may_needs = user.has_perm(access.VIEW_NEEDS)
    if not (may_visits or may_needs):
        return None
    visits = list(selectors.organisation_visits(user=user, organisation=organisation)[:10])
    needs = list(selectors.organisation_needs(user=user, organisation=organisation)[:20])
    for visit in visits:
        visit.admin_url = reverse("tournee_admin:detail", kwargs={"pk": visit.pk})
    return profile_sections.ProfileSection(
        template="directory/tournee/organisation_section.html",
        context={
            "staff_visits": visits,
            "staff_needs": needs,
            "may_visits": may_visits,
            "may_needs": may_needs,
            "new_visit_url": reverse("tournee_admin:create") if may_visits else "",
        },
    )


def register() -> None:
    profile_sections.register_organisation_section("tournee", visits_and_needs, order=90)
