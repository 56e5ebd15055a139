"""Writes of the directory's accounts and memberships.

Each service is a keyword-only function that checks who may act, validates,
saves inside a transaction and schedules its e-mails with
``transaction.on_commit`` (robust: a mail server that fails is logged, it
does not undo a decision already saved). Views call exactly one of these.

Membership life cycle::

    (none) --request--> requested --accept--> active --leave--> left
                            |  \\--refuse--> refused
                            \\--leave (withdraw)--> left
    refused / left --request--> requested   (the same row is re-opened)
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from directory import access
from directory.models import Membership, Organisation

logger = logging.getLogger(__name__)
User = get_user_model()


# --- Members -------------------------------------------------------------------


def member_profile_update(
    *,
    user,
    display_name: str,
    preferred_language: str,
    job_title: str = "",
    bio: str = "",
):
    """Update what a member tells others about themselves, and their e-mail language.

    The e-mail address is not changed here: allauth's e-mail management
    verifies a new address before it is used.
    """
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.job_title = job_title.strip()
    user.bio = bio.strip()
    user.full_clean(exclude=["password", "email", "uuid"])
    user.save(update_fields=["display_name", "preferred_language", "job_title", "bio"])
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
            partial(_mail_admins_about_request, membership_id=membership.pk), robust=True
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
            partial(_mail_member_about_decision, membership_id=current.pk), robust=True
        )
    for field in ("state", "decision_note", "decided_by", "decided_at"):
        setattr(membership, field, getattr(current, field))
    return membership


# --- E-mails (sent after commit, each in its recipient's language) ----------------------


def _absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send_each(messages: list[EmailMessage]) -> None:
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)


def _render_mail(template: str, *, recipient, context: dict) -> EmailMessage:
    """One e-mail to one member, rendered in their preferred language.

    One message per recipient, so that nobody sees another member's address.
    """
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = {
            **context,
            "recipient": recipient,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "my_account_url": _absolute_url(reverse("directory:my_account")),
        }
        subject = render_to_string(f"directory/account/email/{template}_subject.txt", context)
        body = render_to_string(f"directory/account/email/{template}_message.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def _request_recipients(membership: Membership):
    """The organisation's active admins; when it has none, those who may manage any membership,
    so that no request waits unseen."""
    admins = User.objects.filter(
        is_active=True,
        memberships__organisation_id=membership.organisation_id,
        memberships__role=Membership.Role.ADMIN,
        memberships__state=Membership.State.ACTIVE,
    ).exclude(pk=membership.user_id)
    if admins.exists():
        return admins
    return access.users_with_perm(access.MANAGE_ANY_MEMBERSHIP).exclude(pk=membership.user_id)


def _mail_admins_about_request(*, membership_id: int) -> None:
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    if membership.state != Membership.State.REQUESTED:
        return
    _send_each(
        [
            _render_mail(
                "membership_requested",
                recipient=admin,
                context={"membership": membership, "organisation": membership.organisation},
            )
            for admin in _request_recipients(membership)
        ]
    )


def _mail_member_about_decision(*, membership_id: int) -> None:
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    template = {
        Membership.State.ACTIVE: "membership_accepted",
        Membership.State.REFUSED: "membership_refused",
    }.get(membership.state)
    if template is None or not membership.user.is_active:
        return
    _send_each(
        [
            _render_mail(
                template,
                recipient=membership.user,
                context={"membership": membership, "organisation": membership.organisation},
            )
        ]
    )
