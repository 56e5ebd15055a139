"""The cartographie's e-mails, as tasks: they get ids and read the records again when they run.

Enqueued by ``directory/cartographie/services.py`` after commit. Rendering and
sending go through ``directory/mail.py``: one message per administrator of
either organisation, in the recipient's language, each sent by a retrying task.
"""

from datetime import timedelta

from django_tasks import task

from django.contrib.auth import get_user_model

from directory import mail
from directory.background import retrying
from directory.models import Membership, Organisation

User = get_user_model()

TEMPLATES = "directory/portrait/email/"


@retrying(attempts=3, backoff=timedelta(minutes=1))
@task()
def introduction_notify(*, organisation_id: int, partner_id: int, sender_id: int, note: str) -> int:
    """Introduce two organisations to each other's administrators; how many were written to."""
    organisations = Organisation.objects.in_bulk([organisation_id, partner_id])
    if len(organisations) != 2:
        return 0
    organisation, partner = organisations[organisation_id], organisations[partner_id]
    sender = User.objects.filter(pk=sender_id).first()
    admins = (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=[organisation_id, partner_id],
            memberships__role=Membership.Role.ADMIN,
            memberships__state=Membership.State.ACTIVE,
        )
        .distinct()
        .order_by("pk")
    )

    def context(recipient) -> dict:
        mine = {
            m.organisation_id
            for m in recipient.memberships.all()
            if m.organisation_id in organisations and m.is_admin
        }
        own, other = (partner, organisation) if mine == {partner_id} else (organisation, partner)
        return {
            "own": own,
            "other": other,
            "sender": sender,
            "note": note,
            "other_url": mail.absolute_url(other.get_absolute_url()),
            "own_url": mail.absolute_url(own.get_absolute_url()),
        }

    return mail.members_notify(
        admins.prefetch_related("memberships"),
        subject_template=f"{TEMPLATES}introduction_subject.txt",
        body_template=f"{TEMPLATES}introduction_message.txt",
        context=context,
    )
