"""Writes of the directory's accounts and memberships.

Each service is a keyword-only function that checks who may act, validates,
saves inside a transaction and enqueues its e-mails' task after commit
(``directory/members/tasks.py``: a mail server that fails delays the e-mail,
it never fails or undoes a decision already saved). Views call exactly one
of these.

Membership life cycle::

    (none) --request--> requested --accept--> active --leave--> left
                            |  \\--refuse--> refused
                            \\--leave (withdraw)--> left
    refused / left --request--> requested   (the same row is re-opened)
"""

import logging
import re
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from directory import access
from directory.members import notices, tasks
from directory.models import Membership, Organisation, User

HANDLE_MAX_LENGTH = 40
HANDLE_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")

logger = logging.getLogger(__name__)


# --- Members -------------------------------------------------------------------


#: Handles members may not take: words a mention would read as something else.
RESERVED_HANDLES = frozenset(
    {"all", "tous", "here", "ici", "admin", "moderateurs", "moderators", "equipe", "team"}
)

HANDLE_MIN_LENGTH = 3


def handle_validate(*, handle: str, user) -> str:
    """The handle ``user`` asked for, normalised, or a ValidationError saying what is wrong.

    A handle is what follows ``@`` in a mention: lower-case letters, digits and
    hyphens, 3 to 40 characters, not starting or ending with a hyphen. It must
    not be another member's handle nor an organisation's slug (``@slug``
    mentions the organisation's members), nor a reserved word.
    """
    value = handle.strip().removeprefix("@").lower()
    if not value:
        raise ValidationError(gettext("Enter a handle."), code="required")
    if len(value) < HANDLE_MIN_LENGTH or len(value) > HANDLE_MAX_LENGTH:
        raise ValidationError(
            gettext("A handle has between %(min)s and %(max)s characters.")
            % {"min": HANDLE_MIN_LENGTH, "max": HANDLE_MAX_LENGTH},
            code="length",
        )
    if not HANDLE_PATTERN.fullmatch(value):
        raise ValidationError(
            gettext(
                "Use only unaccented lower-case letters, digits and hyphens, "
                "without a hyphen at the start or the end."
            ),
            code="invalid",
        )
    if value in RESERVED_HANDLES:
        raise ValidationError(
            gettext("“%(handle)s” is reserved. Choose another handle.") % {"handle": value},
            code="reserved",
        )
    if User.objects.filter(handle=value).exclude(pk=user.pk).exists():
        raise ValidationError(
            gettext("Another member already has the handle “%(handle)s”.") % {"handle": value},
            code="taken",
        )
    if Organisation.objects.filter(slug=value).exists():
        raise ValidationError(
            gettext(
                "“%(handle)s” is the name of an organisation in mentions. Choose another handle."
            )
            % {"handle": value},
            code="organisation",
        )
    return value


def member_profile_update(
    *,
    user,
    display_name: str,
    preferred_language: str,
    job_title: str = "",
    bio: str = "",
    handle: str | None = None,
    expertise: Iterable | None = None,
    territories: Iterable | None = None,
):
    """Update what a member tells others about themselves, and their e-mail language.

    ``handle``, ``expertise`` and ``territories`` are left as they are when
    None. The e-mail address is not changed here: allauth's e-mail management
    verifies a new address before it is used. Two members taking the same
    handle at once: the unique constraint refuses the second, who gets the
    same clear error as if the handle had been taken before.
    """
    fields = ["display_name", "preferred_language", "job_title", "bio"]
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.job_title = job_title.strip()
    user.bio = bio.strip()
    if handle is not None:
        try:
            user.handle = handle_validate(handle=handle, user=user)
        except ValidationError as error:
            raise ValidationError({"handle": error}) from error
        fields.append("handle")
    user.full_clean(exclude=["password", "email", "uuid", "handle"])
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
            if expertise is not None:
                user.expertise.set(expertise)
            if territories is not None:
                user.territories.set(territories)
    except IntegrityError as error:
        raise ValidationError(
            {
                "handle": gettext("Another member already has the handle “%(handle)s”.")
                % {"handle": user.handle}
            }
        ) from error
    return user


def member_notices_update(*, user, receive: list[str]):
    """Which notices the member receives, among the kinds offered to them.

    Kinds not offered to them (a validator's notice, for someone who no longer
    validates) keep their setting, so that it holds if the role comes back.
    """
    offered = {kind.key for kind in notices.kinds_for(user)}
    unknown = set(receive) - offered
    if unknown:
        raise ValidationError(
            gettext("Unknown kind of notice: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}
        )
    off = (set(user.notices_off or []) - offered) | (offered - set(receive))
    user.notices_off = sorted(off)
    user.save(update_fields=["notices_off"])
    return user


def member_notice_turn_off(*, user_uuid: str, notice: str):
    """Stop one kind of notice for a member, from the one-click link of an e-mail.

    Idempotent (a mail client may POST twice, the member may click again).
    The member's row is locked so that a choice saved at the same moment on
    the account page is not overwritten with an older list.
    """
    if notices.kind_get(notice) is None:
        raise ValidationError(gettext("Unknown kind of notice: %(kinds)s.") % {"kinds": notice})
    with transaction.atomic():
        try:
            user = User.objects.select_for_update().get(uuid=user_uuid)
        except (User.DoesNotExist, ValidationError) as error:
            raise ValidationError(gettext("This link does not match any account.")) from error
        if notice not in (user.notices_off or []):
            user.notices_off = sorted({*(user.notices_off or []), notice})
            user.save(update_fields=["notices_off"])
    return user


# --- Memberships -----------------------------------------------------------------


def membership_request(*, user, organisation: Organisation, message: str = "") -> Membership:
    """Ask to join ``organisation``; its admins are e-mailed once the request is saved.

    Only published organisations may be asked (invitations to unpublished
    ones are not built yet). A member who is already active or already
    waiting gets a clear error; one who was refused or left re-opens the
    same membership, so its history stays in one row.
    """
    if not organisation.is_published:
        raise ValidationError(
            gettext("You can only ask to join an organisation that is published in the directory.")
        )
    name = organisation.i18n.name
    with transaction.atomic():
        Organisation.objects.lock(organisation.pk)  # the lock order: organisation first
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation)
            .first()
        )
        if membership is None:
            membership = Membership(user=user, organisation=organisation)
        elif membership.state == Membership.State.ACTIVE:
            raise ValidationError(
                gettext("You are already a member of %(organisation)s.") % {"organisation": name}
            )
        elif membership.state == Membership.State.REQUESTED:
            raise ValidationError(_already_requested_message(name))
        membership.role = Membership.Role.MEMBER
        membership.state = Membership.State.REQUESTED
        membership.message = message.strip()
        membership.decision_note = ""
        membership.decided_at = None
        membership.decided_by = None
        membership.requested_at = timezone.now()
        membership.full_clean(validate_constraints=False)
        try:
            # A savepoint, so that a request racing this one (double submit)
            # becomes the same clear error instead of a broken transaction.
            with transaction.atomic():
                membership.save()
        except IntegrityError as error:
            raise ValidationError(_already_requested_message(name)) from error
        transaction.on_commit(
            partial(tasks.membership_request_notify.enqueue, membership_id=membership.pk),
            robust=True,
        )
    return membership


def membership_accept(*, membership: Membership, decided_by, note: str = "") -> Membership:
    """Accept a pending request; only the organisation's admins (and whoever may manage
    any membership) may."""
    return _membership_decide(
        membership=membership, decided_by=decided_by, note=note, state=Membership.State.ACTIVE
    )


def membership_refuse(*, membership: Membership, decided_by, note: str = "") -> Membership:
    """Refuse a pending request; the note, if any, is sent to the member."""
    return _membership_decide(
        membership=membership, decided_by=decided_by, note=note, state=Membership.State.REFUSED
    )


def membership_leave(*, membership: Membership) -> Membership:
    """Leave an organisation, or withdraw a pending request.

    Precondition: the caller has checked that ``membership`` is the acting
    member's own. The last active admin cannot leave: an organisation
    without an admin has nobody to answer requests or keep its records
    current, so another member must be made admin first.

    Two admins leaving at the same moment queue at the organisation's row
    (the platform's first lock), so the second counts the admins after the
    first has left, and stays. Locking their own memberships first, then
    the others', deadlocked: each held the row the other wanted.
    """
    name = membership.organisation.i18n.name
    with transaction.atomic():
        Organisation.objects.lock(membership.organisation_id)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.state not in (Membership.State.ACTIVE, Membership.State.REQUESTED):
            raise ValidationError(
                gettext("You are not a member of %(organisation)s.") % {"organisation": name}
            )
        if current.state == Membership.State.ACTIVE and current.role == Membership.Role.ADMIN:
            other_admins = Membership.objects.filter(
                organisation_id=current.organisation_id,
                role=Membership.Role.ADMIN,
                state=Membership.State.ACTIVE,
            ).exclude(pk=current.pk)
            if not other_admins.exists():
                raise ValidationError(
                    gettext(
                        "You are the last administrator of %(organisation)s. Make another "
                        "member an administrator before you leave."
                    )
                    % {"organisation": name}
                )
        current.state = Membership.State.LEFT
        current.save(update_fields=["state"])
    membership.state = current.state
    return membership


def _already_requested_message(name: str) -> str:
    return gettext(
        "You have already asked to join %(organisation)s. Its administrators will answer you "
        "by e-mail."
    ) % {"organisation": name}


def _membership_decide(*, membership: Membership, decided_by, note: str, state: str) -> Membership:
    if not decided_by.has_perm(access.DECIDE_MEMBERSHIP, membership.organisation):
        raise PermissionDenied(
            gettext("Only the administrators of this organisation may answer its requests.")
        )
    with transaction.atomic():
        Organisation.objects.lock(membership.organisation_id)  # the lock order
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.state != Membership.State.REQUESTED:
            raise ValidationError(
                gettext("This request has already been answered (%(state)s).")
                % {"state": current.get_state_display()}
            )
        current.state = state
        current.decision_note = note.strip()
        current.decided_by = decided_by
        current.decided_at = timezone.now()
        current.full_clean(validate_constraints=False)
        current.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
        transaction.on_commit(
            partial(tasks.membership_decision_notify.enqueue, membership_id=current.pk),
            robust=True,
        )
    for field in ("state", "decision_note", "decided_by", "decided_at"):
        setattr(membership, field, getattr(current, field))
    return membership
