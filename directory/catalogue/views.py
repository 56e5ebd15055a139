"""Organisation and service pages.

The record comes from the permission-checked selectors; published records
for everyone, plus unpublished ones for those the access policy lets see
them (with a "not public" banner).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from directory import profile_sections
from directory.catalogue import selectors
from directory.catalogue.profiles import organisation_profile, service_profile


@require_safe
def organisation_detail(request, slug):
    organisation = selectors.organisation_get_visible(user=request.user, slug=slug)
    profile = organisation_profile(user=request.user, organisation=organisation)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "profile": profile,
            "section_kind": profile_sections.ORGANISATION,
        },
    )


@require_safe
def service_detail(request, slug):
    service = selectors.service_get_visible(user=request.user, slug=slug)
    profile = service_profile(user=request.user, service=service)
    return render(
        request,
        "directory/service_detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "profile": profile,
            "section_kind": profile_sections.SERVICE,
        },
    )
