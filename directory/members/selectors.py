"""Permission-checked reads about members and memberships.

The "My account" page and the organisation members page read through these,
so that a member sees only their own memberships and an admin only the
requests of the organisations they administer (all of them with the right to
manage any membership). Member e-mail addresses are never part of what these
return to templates.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from directory import access
from directory.models import Invitation, Membership, Organisation


def memberships_of_member(*, user) -> QuerySet[Membership]:
    """The member's own memberships, newest first, with their organisation."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("-requested_at", "pk")
    )


def membership_get_own_current(*, user, membership_id: int) -> Membership:
    """One of the member's own active or pending memberships; 404 for anything else."""
    try:
        return Membership.objects.select_related("organisation").get(
            pk=membership_id,
            user=user,
            state__in=[Membership.State.ACTIVE, Membership.State.REQUESTED],
        )
    except Membership.DoesNotExist as error:
        raise Http404 from error


def organisations_member_may_join(*, user) -> QuerySet[Organisation]:
    """Published organisations the member neither belongs to nor has a pending request with.

    Refused and left memberships do not exclude: the member may ask again,
    which re-opens the same row (see ``membership_request``).
    """
    busy = Membership.objects.filter(
        user=user, state__in=[Membership.State.ACTIVE, Membership.State.REQUESTED]
    ).values("organisation_id")
    return Organisation.objects.published().exclude(pk__in=busy).order_by("name")


def membership_requests_to_decide(*, user) -> QuerySet[Membership]:
    """Pending requests the user may accept or refuse: those of organisations they administer.

    Those who may manage any membership see the pending requests of every organisation.
    """
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    requests = Membership.objects.filter(state=Membership.State.REQUESTED)
    if not user.has_perm(access.MANAGE_ANY_MEMBERSHIP):
        requests = requests.filter(organisation__in=access.administered_organisation_ids(user))
    return requests.select_related("user", "organisation").order_by("requested_at", "pk")


def organisations_managed_by(*, user) -> QuerySet[Organisation]:
    """Organisations the user is an active admin of, by name.

    Staff are not given every organisation here (the list would be the whole
    directory): they see every pending request instead, and use the admin.
    """
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.administered_by(user).order_by("name")


def membership_get_decidable(*, user, membership_id: int) -> Membership:
    """The membership, if ``user`` may decide on it; PermissionDenied otherwise.

    Raises ``Membership.DoesNotExist`` for an unknown id (the view answers 404).
    """
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    if not user.has_perm(access.DECIDE_MEMBERSHIP, membership.organisation):
        raise PermissionDenied
    return membership


def organisation_members_for_admin(*, user, organisation: Organisation) -> QuerySet[Membership]:
    """Active memberships, admins first; for those who may manage its members."""
    if not user.has_perm(access.MANAGE_MEMBERS, organisation):
        raise PermissionDenied
    return (
        Membership.objects.filter(organisation=organisation, state=Membership.State.ACTIVE)
        .select_related("user")
        .order_by("role", "user__display_name", "pk")
    )


def membership_get_manageable(
    *, user, organisation: Organisation, membership_id: int
) -> Membership:
    """An active membership of ``organisation`` whose role ``user`` may change; 404 / 403."""
    if not user.has_perm(access.MANAGE_MEMBERS, organisation):
        raise PermissionDenied
    try:
        return Membership.objects.select_related("user", "organisation").get(
            pk=membership_id, organisation=organisation, state=Membership.State.ACTIVE
        )
    except Membership.DoesNotExist as error:
        raise Http404 from error


def invitations_pending_of(*, user, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations of the organisation still waiting for an answer (its managers only)."""
    if not user.has_perm(access.MANAGE_MEMBERS, organisation):
        raise PermissionDenied
    return organisation.invitations.pending().select_related("invited_by").order_by("email")


def invitation_get_manageable(
    *, user, organisation: Organisation, invitation_id: int
) -> Invitation:
    if not user.has_perm(access.MANAGE_MEMBERS, organisation):
        raise PermissionDenied
    try:
        return organisation.invitations.get(pk=invitation_id)
    except Invitation.DoesNotExist as error:
        raise Http404 from error
