"""Permission-checked reads of the directory: one check per kind of read.

Every surface (HTML, search, map data, API, e-mail) goes through these, so
that an unpublished record never leaks through a side door.
"""

from django.http import Http404

from .models import Membership, Organisation, Service


def organisation_is_admin(*, user, organisation: Organisation) -> bool:
    """True for staff and for active admins of the organisation."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    ).exists()


def organisation_can_edit(*, user, organisation: Organisation) -> bool:
    return organisation_is_admin(user=user, organisation=organisation)


def organisation_get_visible(*, user, slug: str) -> Organisation:
    """The organisation if the user may see it (published, or theirs, or staff); else 404."""
    try:
        return Organisation.objects.visible_to(user).get(slug=slug)
    except Organisation.DoesNotExist as error:
        raise Http404 from error


def service_get_visible(*, user, slug: str) -> Service:
    try:
        return Service.objects.visible_to(user).select_related("organisation").get(slug=slug)
    except Service.DoesNotExist as error:
        raise Http404 from error


def organisations_administered(*, user):
    """Organisations the user administers (all of them for staff)."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.administered_by(user)
