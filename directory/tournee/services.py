"""Writes of the tournée: visits, follow-ups, needs heard, attachments.

Every write asks ``directory.manage_visits`` (roles *Animation* and
*Équipe du répertoire*). Needs heard during a visit are :class:`Need`
rows with ``source = visit``; needs noted outside any visit or survey are
``source = staff`` and ask ``directory.view_needs`` as well.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from directory import access
from directory.models import FollowUp, Need, Organisation, Visit, VisitAttachment
from directory.tournee.attachments import attachment_check


def _require_visits(user) -> None:
    if user is None or not user.has_perm(access.MANAGE_VISITS):
        raise PermissionDenied


def visit_save(
    *,
    user,
    visit: Visit | None = None,
    values: dict,
    follow_ups: list[dict] = (),
    needs: list[dict] = (),
) -> Visit:
    """Create or update a visit with its new follow-ups and needs heard, in one transaction.

    ``values``: the visit's fields (``organisations``, ``staff_attendees`` and
    ``member_attendees`` as iterables). ``follow_ups`` and ``needs`` are
    added (existing ones are kept: they are closed or edited one by one).
    """
    _require_visits(user)
    with transaction.atomic():
        if visit is None:
            visit = Visit(created_by=user)
        else:
            visit = Visit.objects.select_for_update().get(pk=visit.pk)
        for name in ("date", "place", "other_attendees", "notes"):
            if name in values:
                setattr(visit, name, values[name])
        visit.full_clean()
        visit.save()
        organisations = list(values.get("organisations") or [])
        if not organisations:
            raise ValidationError({"organisations": gettext("Name at least one organisation.")})
        visit.organisations.set(organisations)
        visit.staff_attendees.set(values.get("staff_attendees") or [])
        visit.member_attendees.set(values.get("member_attendees") or [])
        for row in follow_ups:
            if not row.get("action"):
                continue
            follow_up = FollowUp(
                visit=visit,
                action=row["action"],
                owner=row.get("owner"),
                due_on=row.get("due_on"),
            )
            follow_up.full_clean()
            follow_up.save()
        met = {organisation.pk for organisation in organisations}
        for row in needs:
            if not row.get("text"):
                continue
            organisation = row["organisation"]
            if organisation.pk not in met:
                raise ValidationError(
                    gettext("A need heard during a visit belongs to an organisation met.")
                )
            need_record(
                user=user,
                organisation=organisation,
                text=row["text"],
                category=row.get("category"),
                territory=row.get("territory"),
                client_statuses=row.get("client_statuses") or [],
                visit=visit,
                recorded_on=visit.date,
            )
    return visit


def need_record(
    *,
    user,
    organisation: Organisation,
    text: str,
    category=None,
    territory=None,
    client_statuses=(),
    visit: Visit | None = None,
    recorded_on=None,
) -> Need:
    """A need heard during ``visit``, or noted by staff (no visit)."""
    if visit is not None:
        _require_visits(user)
    elif user is None or not user.has_perm(access.VIEW_NEEDS):
        raise PermissionDenied
    need = Need(
        organisation=organisation,
        category=category,
        territory=territory,
        text=text.strip(),
        source=Need.Source.VISIT if visit is not None else Need.Source.STAFF,
        visit=visit,
        recorded_on=recorded_on or timezone.localdate(),
        created_by=user,
    )
    need.full_clean()
    need.save()
    need.client_statuses.set(client_statuses)
    return need


def follow_up_done(*, user, follow_up: FollowUp, done: bool = True) -> FollowUp:
    """Mark a follow-up done (or not done again). Two people closing it at once: one date."""
    _require_visits(user)
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if done and follow_up.done_at is None:
            follow_up.done_at, follow_up.done_by = timezone.now(), user
        elif not done:
            follow_up.done_at, follow_up.done_by = None, None
        follow_up.save(update_fields=["done_at", "done_by"])
    return follow_up


def attachment_add(*, user, visit: Visit, upload) -> VisitAttachment:
    """Keep a file with the visit, once its content says it is an accepted type."""
    _require_visits(user)
    extension, content_type = attachment_check(upload)
    name = (upload.name or "fichier").rsplit("/", 1)[-1][:150]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    upload.name = f"{stem}.{extension}"
    attachment = VisitAttachment(
        visit=visit,
        file=upload,
        filename=f"{stem}.{extension}"[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.save()
    return attachment


def attachment_delete(*, user, attachment: VisitAttachment) -> None:
    _require_visits(user)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
