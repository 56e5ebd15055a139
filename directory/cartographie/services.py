"""The cartographie's writes: turn a maillage suggestion into an introduction or a partnership.

Keyword-only services that check the right (``directory.connect_organisations``),
validate, save, and schedule their e-mails after commit. Bad input raises
``ValidationError`` with a message in the user's language and changes nothing.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.access import CONNECT_ORGANISATIONS
from directory.models import Membership, Organisation, Partnership

from . import tasks


def _check(*, by, organisation: Organisation, partner: Organisation) -> None:
    if not by.has_perm(CONNECT_ORGANISATIONS):
        raise PermissionDenied
    if organisation.pk == partner.pk:
        raise ValidationError(_("Choose two different organisations."))


def organisation_admins(organisation: Organisation):
    """Active members who administer the organisation and have an address."""
    return (
        Membership.objects.filter(
            organisation=organisation,
            role=Membership.Role.ADMIN,
            state=Membership.State.ACTIVE,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )


def introduction_send(
    *, by, organisation: Organisation, partner: Organisation, note: str = ""
) -> int:
    """E-mail both organisations' administrators to introduce them to each other.

    Each administrator gets one message in their own language (French or
    English), sent by a background task after commit. Returns how many people
    will be written to; raises ``ValidationError`` when neither organisation
    has an administrator with an address.
    """
    _check(by=by, organisation=organisation, partner=partner)
    note = note.strip()
    if len(note) > 2000:
        raise ValidationError(_("The note is too long (2,000 characters at most)."))
    recipients = set(organisation_admins(organisation)) | set(organisation_admins(partner))
    if not recipients:
        raise ValidationError(
            _("Neither organisation has an administrator to write to: no e-mail was sent.")
        )
    transaction.on_commit(
        partial(
            tasks.introduction_notify.enqueue,
            organisation_id=organisation.pk,
            partner_id=partner.pk,
            sender_id=by.pk,
            note=note,
        ),
        robust=True,
    )
    return len(recipients)


def partnership_record(
    *, by, organisation: Organisation, partner: Organisation, kind: str, description: str = ""
) -> Partnership:
    """Record a partnership between the two organisations, starting today.

    Two people recording the same one at once get one partnership; the second
    is told it exists (the unique constraint decides, not a check beforehand).
    """
    _check(by=by, organisation=organisation, partner=partner)
    if kind not in Partnership.Kind.values:
        raise ValidationError(_("Choose a kind of partnership."))
    existing = Partnership.objects.filter(
        Q(source=organisation, target=partner) | Q(source=partner, target=organisation),
        kind=kind,
    )
    if existing.exists():
        raise ValidationError(_("This partnership is already recorded."))
    partnership = Partnership(
        source=organisation,
        target=partner,
        kind=kind,
        description=description.strip(),
        started_on=timezone.localdate(),
    )
    partnership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError as error:
        raise ValidationError(_("This partnership is already recorded.")) from error
    return partnership
