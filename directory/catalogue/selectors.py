"""Permission-checked reads of the directory: one check per kind of read.

Every surface (HTML, search, map data, API, e-mail) goes through these, so
that an unpublished record never leaks through a side door.
"""

from django.db.models import Q
from django.http import Http404

from directory.models import Location, Membership, Organisation, PublicationState, Service


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


# --- Listing reads (search, map data, profile pages) ---------------------------------
# The same rule as ``visible_to`` on the querysets, written with a subquery
# instead of a join, so that the rows are never duplicated: these querysets can
# be counted, aggregated and paginated without DISTINCT.


def _administered_organisation_ids(user):
    return Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE
    ).values("organisation_id")


def organisations_visible(*, user):
    """Organisations the user may see: published; plus theirs; all for staff."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.published()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(state=PublicationState.PUBLISHED) | Q(pk__in=_administered_organisation_ids(user))
    )


def services_visible(*, user):
    """Services the user may see: published of a published organisation; plus their
    organisations' services; all for staff."""
    if user is None or not user.is_authenticated:
        return Service.objects.published()
    if user.is_staff:
        return Service.objects.all()
    return Service.objects.filter(
        Q(state=PublicationState.PUBLISHED, organisation__state=PublicationState.PUBLISHED)
        | Q(organisation_id__in=_administered_organisation_ids(user))
    )


def locations_visible(*, user):
    """Locations of the organisations the user may see (a location has no state of its own)."""
    return Location.objects.filter(organisation__in=organisations_visible(user=user))
