"""Invitations by e-mail to join an organisation (see ``directory/models/invitations.py``).

An organisation's admins (``access.MANAGE_MEMBERS``) invite a colleague's
address as member or administrator; the colleague follows the link, signs
in or creates an account with that address (allauth verifies it), and
accepts. Inviting the same address again renews the waiting invitation (a
new link; the old one stops working). Admins may withdraw an invitation
that has not been answered.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from directory import access, mail
from directory.members.admins import organisation_lock_admins
from directory.models import Invitation, Membership, Organisation
from directory.models.invitations import token_digest

#: How many invitations an organisation may send in a day (a stolen admin
#: session must not turn the platform into a spam relay).
DAILY_LIMIT = 50


def _require_manager(user, organisation: Organisation) -> None:
    if user is None or not user.has_perm(access.MANAGE_MEMBERS, organisation):
        raise PermissionDenied(
            gettext("Only the administrators of this organisation may invite new members.")
        )


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str = Membership.Role.MEMBER,
    message: str = "",
    language: str = "fr",
    invited_by,
) -> Invitation:
    """Invite ``email`` to join ``organisation``; the e-mail goes once the invitation is saved."""
    _require_manager(invited_by, organisation)
    email = (email or "").strip().lower()
    validate_email(email)
    if role not in Membership.Role.values:
        raise ValidationError(gettext("Choose a role: member or administrator."))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    name = organisation.i18n.name
    with transaction.atomic():
        Organisation.objects.lock(organisation.pk)
        if Membership.objects.filter(
            organisation=organisation,
            state=Membership.State.ACTIVE,
            user__emailaddress__email__iexact=email,
            user__emailaddress__verified=True,
        ).exists():
            raise ValidationError(
                gettext("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": name}
            )
        since = timezone.now() - timedelta(days=1)
        if organisation.invitations.filter(created_at__gte=since).count() >= DAILY_LIMIT:
            raise ValidationError(
                gettext(
                    "%(organisation)s has sent %(limit)s invitations today, the most allowed "
                    "in a day. Try again tomorrow."
                )
                % {"organisation": name, "limit": DAILY_LIMIT}
            )
        invitation = (
            Invitation.objects.select_for_update()
            .filter(organisation=organisation, email=email, status=Invitation.Status.PENDING)
            .first()
        ) or Invitation(organisation=organisation, email=email)
        invitation.role = role
        invitation.message = (message or "").strip()
        invitation.language = language
        invitation.invited_by = invited_by
        token = invitation.new_token()
        invitation.full_clean(exclude=["token_hash"], validate_constraints=False)
        invitation.save()
        # Sent by a retrying task once committed (directory/mail.py). Only the
        # e-mail knows the link: the database keeps a digest of its token.
        mail.messages_send([_invitation_message(invitation, token=token)])
    return invitation


def invitation_revoke(*, invitation: Invitation, revoked_by) -> Invitation:
    """Withdraw an invitation that has not been answered: its link stops working."""
    _require_manager(revoked_by, invitation.organisation)
    with transaction.atomic():
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if current.status != Invitation.Status.PENDING:
            raise ValidationError(
                gettext("This invitation has already been answered or withdrawn.")
            )
        current.status = Invitation.Status.REVOKED
        current.answered_at = timezone.now()
        current.save(update_fields=["status", "answered_at"])
    return current


def invitation_get_open(*, token: str) -> Invitation | None:
    """The invitation this link names, if it can still be accepted."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=token_digest(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


def address_is_the_members(*, user, email: str) -> bool:
    """Whether ``email`` is one of the member's verified addresses."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def invitation_accept(*, token: str, user) -> Membership:
    """Accept the invitation with this link, as ``user``: they become a member (or admin).

    The account must own the invited address, verified: a forwarded link
    does not let someone else in. A member already active keeps their
    membership, raised to administrator if the invitation says so.
    """
    invitation = invitation_get_open(token=token)
    if invitation is None:
        raise ValidationError(
            gettext(
                "This invitation is no longer valid: it was answered, withdrawn or has "
                "expired. Ask the organisation for a new one."
            )
        )
    if not address_is_the_members(user=user, email=invitation.email):
        raise ValidationError(
            gettext(
                "This invitation was sent to %(email)s. Sign in with the account that uses "
                "this address (or add it to your account and confirm it), then open the "
                "link again."
            )
            % {"email": invitation.email}
        )
    now = timezone.now()
    with transaction.atomic():
        organisation_lock_admins(invitation.organisation_id)
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not current.is_open:
            raise ValidationError(gettext("This invitation has already been answered."))
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation_id=current.organisation_id)
            .first()
        ) or Membership(user=user, organisation_id=current.organisation_id)
        if membership.pk and membership.state == Membership.State.ACTIVE:
            if current.role == Membership.Role.ADMIN:
                membership.role = Membership.Role.ADMIN
        else:
            membership.role = current.role
            membership.state = Membership.State.ACTIVE
            membership.message = ""
            membership.decision_note = ""
            membership.requested_at = now
        membership.decided_at = now
        membership.decided_by = current.invited_by
        membership.save()
        current.status = Invitation.Status.ACCEPTED
        current.answered_at = now
        current.accepted_by = user
        current.save(update_fields=["status", "answered_at", "accepted_by"])
    return membership


def _invitation_message(invitation: Invitation, *, token: str) -> EmailMessage:
    """The invitation e-mail, in the language the admin chose (the address may have no account)."""
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by.public_name if invitation.invited_by else "",
            "site_name": settings.WAGTAIL_SITE_NAME,
            "accept_url": mail.absolute_url(
                reverse("directory:invitation_accept", kwargs={"token": token})
            ),
        }
        subject = render_to_string("directory/account/email/invitation_subject.txt", context)
        body = render_to_string("directory/account/email/invitation_message.txt", context)
    return EmailMessage(subject=mail.subject_line(subject), body=body, to=[invitation.email])
