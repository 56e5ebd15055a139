"""The memberships' e-mails, as tasks: they get a membership id and read it again when they run.

Enqueued by ``directory/members/services.py`` after commit. Re-reading means
the state of *now* decides: a request withdrawn or answered before the task
runs tells nobody, and each recipient is chosen when the message is written.
Rendering and sending go through ``directory/mail.py`` (one message per
recipient, in their language, sent by a retrying task).
"""

from datetime import timedelta

from django_tasks import task

from django.contrib.auth import get_user_model
from django.urls import reverse

from directory import access, mail
from directory.background import retrying
from directory.members import notices
from directory.models import Membership

User = get_user_model()

TEMPLATES = "directory/account/email/"


def _context(membership: Membership):
    def context(recipient) -> dict:
        return {
            "membership": membership,
            "organisation": membership.organisation,
            # Reversed in the recipient's language: /fr/… or /en/….
            "my_account_url": mail.absolute_url(reverse("directory:my_account")),
        }

    return context


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


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def membership_request_notify(*, membership_id: int) -> int:
    """Tell whoever answers the organisation's requests about a new one (if still pending)."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None or membership.state != Membership.State.REQUESTED:
        return 0
    return mail.members_notify(
        _request_recipients(membership),
        notice=notices.MEMBERSHIP_REQUESTS.key,
        subject_template=f"{TEMPLATES}membership_requested_subject.txt",
        body_template=f"{TEMPLATES}membership_requested_message.txt",
        context=_context(membership),
    )


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def membership_decision_notify(*, membership_id: int) -> int:
    """Tell a member that their request was accepted or refused (with the note, if any)."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    template = {
        Membership.State.ACTIVE: "membership_accepted",
        Membership.State.REFUSED: "membership_refused",
    }.get(membership.state if membership else None)
    if template is None:
        return 0
    return mail.members_notify(
        [membership.user],
        notice=notices.MEMBERSHIP_DECISIONS.key,
        subject_template=f"{TEMPLATES}{template}_subject.txt",
        body_template=f"{TEMPLATES}{template}_message.txt",
        context=_context(membership),
    )
