"""History of staff edits in the Wagtail admin, for every kind of directory record.

Organisations, services and locations belong to one organisation: their
admin edits are logged by :func:`directory.editing.services.record_history_log_admin_edit`.
Initiatives, partnerships and memberships are edited by staff only, and
concern one organisation or several (an initiative: its lead, partners and
funders; a partnership: both sides; a membership: its organisation). Their
creation, edits and deletion leave one :class:`RecordHistory` entry in the
history of each organisation concerned, before or after the change (an
organisation dropped from an initiative sees that it was dropped), so that
the organisation's admins see on the site what staff changed about them.
Deleting a service or a location in the admin is logged too (the entry
keeps its name once the record is gone).

The admin views (``directory/editing/admin.py``) call :func:`admin_edit_log`
and :func:`admin_delete_log` inside the transaction of their save or delete,
with the values read from the database before it (:func:`snapshot`).
"""

from typing import Any

from directory.editing import services as editing
from directory.editing.fields import diff, organisation_keys, snapshot, spec_for
from directory.models import Membership, Organisation, Partnership, RecordHistory


def is_shared(record) -> bool:
    """Whether the record's history goes to the organisations it names (not to one owner)."""
    return bool(spec_for(record).organisation_fields)


def history_label(record) -> str:
    """How the record is named in the history, in no particular language.

    A membership is named by its member (``str()`` would add its translated
    state); a partnership by its two organisations, its kind being a field.
    """
    if isinstance(record, Membership):
        return str(record.user)
    if isinstance(record, Partnership):
        return f"{record.source} → {record.target}"
    return str(record)


def _removed(values: dict[str, Any]) -> dict[str, list]:
    """What a deletion removes: every value that was not empty, field by field."""
    return {name: [value, None] for name, value in values.items() if value not in (None, "", [])}


def _log_shared(
    *, record, action: str, before: dict[str, Any], after: dict[str, Any] | None, actor
) -> list[RecordHistory]:
    spec = spec_for(record)
    if after is None:
        changes = _removed(before)
    else:
        changes = {name: pair for name, pair in diff(before, after).items() if pair[0] or pair[1]}
    if not changes and action == RecordHistory.Action.UPDATED:
        return []
    keys = organisation_keys(spec, before) | organisation_keys(spec, after or {})
    organisations = Organisation.objects.filter(uuid__in=keys).order_by("pk")
    label = history_label(record)[:250]
    return RecordHistory.objects.bulk_create(
        RecordHistory(
            organisation=organisation,
            target_kind=spec.kind,
            target_label=label,
            action=action,
            channel=RecordHistory.Channel.ADMIN,
            changes=changes,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        for organisation in organisations
    )


def admin_edit_log(*, record, before: dict[str, Any] | None, actor) -> None:
    """Log a staff creation (``before`` is None) or edit made in the admin.

    Precondition: called in the save's transaction, after the form (and its
    many-to-many data) is saved; ``before`` is :func:`snapshot` of the record
    as stored before the save.
    """
    if not is_shared(record):
        editing.record_history_log_admin_edit(record=record, before=before, actor=actor)
        return
    _log_shared(
        record=record,
        action=RecordHistory.Action.CREATED if before is None else RecordHistory.Action.UPDATED,
        before=before or {},
        after=snapshot(record),
        actor=actor,
    )


def admin_delete_log(*, record, actor) -> None:
    """Log a staff deletion in the admin, with the values the record had.

    Precondition: called in the deletion's transaction, before the delete
    (the entry of a service or a location keeps its name once the record is
    gone). An organisation's deletion takes its own history with it: nothing
    to log.
    """
    if isinstance(record, Organisation):
        return
    before = snapshot(record)
    if is_shared(record):
        _log_shared(
            record=record,
            action=RecordHistory.Action.DELETED,
            before=before,
            after=None,
            actor=actor,
        )
        return
    editing._history(
        record=record,
        action=RecordHistory.Action.DELETED,
        channel=RecordHistory.Channel.ADMIN,
        actor=actor,
        changes=_removed(before),
    )
