"""Organisation admins keep their own records current (self-service editing)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from directory import selectors


@login_required
def manage_organisation(request, slug):
    organisation = selectors.organisation_get_visible(user=request.user, slug=slug)
    if not selectors.organisation_can_edit(user=request.user, organisation=organisation):
        raise PermissionDenied
    return render(request, "directory/manage/organisation.html", {"organisation": organisation})
