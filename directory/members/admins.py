"""An organisation's admins manage its members: make one an administrator, or not any more.

Who may: ``access.MANAGE_MEMBERS`` on the organisation (its admins, and the
roles that manage any membership). An organisation always keeps at least
one active administrator, or nobody would answer its requests nor keep its
record current.

Lock order, as everywhere in the directory: the organisation's row first,
then its memberships, so that two admins changing roles (or leaving) at the
same time wait for each other instead of both counting the other one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from directory import access
from directory.models import Membership, Organisation


def organisation_lock_admins(organisation_id: int) -> list[int]:
    """Lock the organisation, then its active admins' memberships; their ids, in order.

    Precondition: inside a transaction.
    """
    Organisation.objects.lock(organisation_id)
    return list(
        Membership.objects.select_for_update()
        .filter(
            organisation_id=organisation_id,
            role=Membership.Role.ADMIN,
            state=Membership.State.ACTIVE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def membership_role_change(*, membership: Membership, role: str, changed_by) -> Membership:
    """Make an active member an administrator of their organisation, or a plain member again.

    Raises PermissionDenied unless ``changed_by`` may manage the organisation's
    members; ValidationError for a membership that is not active, an unknown
    role, or the last administrator losing the role.
    """
    if role not in Membership.Role.values:
        raise ValidationError(gettext("Choose a role: member or administrator."))
    organisation = membership.organisation
    if not changed_by.has_perm(access.MANAGE_MEMBERS, organisation):
        raise PermissionDenied(
            gettext("Only the administrators of this organisation may change its members' roles.")
        )
    name = organisation.i18n.name
    with transaction.atomic():
        admins = organisation_lock_admins(organisation.pk)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.state != Membership.State.ACTIVE:
            raise ValidationError(
                gettext("Only an active member can be given a role in %(organisation)s.")
                % {"organisation": name}
            )
        if current.role == role:
            return current
        if role == Membership.Role.MEMBER and admins == [current.pk]:
            raise ValidationError(
                gettext(
                    "%(member)s is the last administrator of %(organisation)s. Make another "
                    "member an administrator first."
                )
                % {"member": current.user.public_name, "organisation": name}
            )
        current.role = role
        current.save(update_fields=["role"])
    membership.role = current.role
    return membership
