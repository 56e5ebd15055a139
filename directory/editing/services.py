"""Self-service editing: organisations keep their own records, the directory team validates.

Who may do what is the access policy's (``directory/access.py``): editing
an organisation's records is ``EDIT_ORGANISATION`` (its admins, or the right
to edit any organisation); validating is ``REVIEW_CHANGES`` and applying at
once is ``PUBLISH_DIRECTLY`` (both the ``validate_changes`` permission of
the *Équipe du répertoire* role). "Staff" below means those validators.

The rules, and why:

- **A record that is not public yet** (organisation or service in draft,
  awaiting verification or archived; a location of an organisation that is
  not published) is edited directly: nobody outside the organisation sees
  it, so there is nothing to protect. The change is logged in the history.
- **A public record** (published organisation or service; any location of a
  published organisation) is never changed by an organisation's admin
  directly. The edit becomes a pending :class:`ChangeRequest`; the public
  keeps seeing the published version until staff approve it.
- **One pending request per record.** A newer request on the same record
  *supersedes* the older one (kept, with status ``superseded`` and a link to
  its successor). The edit form opens on the pending proposal, so the newer
  request already carries what the older one proposed: superseding is in
  effect a merge, and nothing anybody wrote is lost.
- **Approval is refused on conflict.** ``proposed`` holds only the fields the
  admin changed; ``previous`` the values they changed them from. If any of
  those fields has changed on the record since (a staff edit, another
  approved request), approval raises :class:`ChangeRequestConflict` and
  changes nothing: applying would silently overwrite someone's later work.
  Staff send the request back; the admin resubmits from the current values.
  Fields the request does not touch may have changed freely.
- **Staff approve exactly what they saw.** The review page shows a new
  record's current values (it keeps changing while it is not public) and
  carries a fingerprint of what it showed; approval compares it under the
  locks and refuses (:class:`ChangeRequestChanged`, nothing applied) when the
  record or the request changed since the page was opened
  (``directory/editing/review.py`` says why and what the fingerprint covers).
- **Validators** editing from the site apply directly and the record is
  marked verified.
- New services are created *awaiting verification* (state ``pending``, not
  public) with a ``create`` request; a new location of a published
  organisation is only a request until approved. Sending back or
  withdrawing a ``create`` request returns the record to draft; the admin
  can then edit it and submit it again for verification.

Concurrency: every write here locks the organisation's row first
(``Organisation.objects.lock``), then the record, then its change requests,
so that approval, submission, withdrawal and the importer queue in one
order and never deadlock; the record is re-read under the lock before it is
compared or changed. An edit changes only the fields its user changed: a
field someone else changed while the edit waited for the lock (an import
holds its organisations for its whole transaction) is kept, not reverted
to the value the form was checked against.

E-mails are tasks enqueued after commit (``directory/editing/tasks.py``): the
validators are told of each new request (every active member holding
``validate_changes``, in their preferred language); the submitter is told of
the decision and the reviewer's comment, in theirs.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory import access
from directory.editing import tasks
from directory.editing.fields import (
    ChangeDescriber,
    apply_values,
    diff,
    snapshot,
    spec_for,
    values_from_form,
)
from directory.editing.forms import form_class_for
from directory.editing.review import change_request_review
from directory.models import (
    ChangeRequest,
    Location,
    Organisation,
    PublicationState,
    RecordHistory,
    RecordKind,
    Service,
)

logger = logging.getLogger(__name__)

#: URL namespace of the staff validation views in the Wagtail admin (editing/admin.py).
VALIDATION_URL_NAMESPACE = "directory_validation"


class InvalidEdit(ValidationError):
    """The proposed values do not validate. ``form`` holds the errors and what was typed."""

    def __init__(self, form):
        self.form = form
        super().__init__(_("The form has errors."), code="invalid")


class ProposalConflict(InvalidEdit):
    """Another admin sent a proposal for the record while this one was editing, and both
    change some of the same fields. ``form`` carries the message and what was typed;
    ``proposal`` is the other proposal, which sending the form again overrides on those
    fields only (the form posts its uuid as ``replace_proposal``)."""

    def __init__(self, form, proposal):
        super().__init__(form)
        self.proposal = proposal


class ChangeRequestChanged(ValidationError):
    """The record or the request changed after the reviewer opened the review page."""

    def __init__(self):
        super().__init__(
            _(
                "This record was changed after you opened this page. Nothing was applied: "
                "check its current values below, then approve again if they are right."
            ),
            code="changed",
        )


class ChangeRequestConflict(ValidationError):
    """The record changed, on the fields the request touches, since it was submitted."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        super().__init__(
            _(
                "The record has changed since this request was submitted (%(fields)s). "
                "Nothing was applied: send the request back so that the organisation "
                "can resubmit it from the current version."
            ),
            code="conflict",
            params={"fields": ", ".join(labels)},
        )


@dataclass
class EditOutcome:
    """What became of an edit: applied at once, sent for validation, or nothing to do."""

    record: Any
    applied: bool = False
    change_request: ChangeRequest | None = None
    changes: dict[str, list] = field(default_factory=dict)
    withdrawn: list[ChangeRequest] = field(default_factory=list)

    @property
    def sent_for_validation(self) -> bool:
        return self.change_request is not None and not self.applied


# --- Small helpers -----------------------------------------------------------------------


def organisation_of(record) -> Organisation:
    return record if isinstance(record, Organisation) else record.organisation


def record_is_public(record) -> bool:
    """Whether the public sees this record, so that an admin's edit must wait for staff."""
    if isinstance(record, Location):
        return record.organisation.state == PublicationState.PUBLISHED
    return record.state == PublicationState.PUBLISHED


def _require_editor(user, organisation: Organisation) -> None:
    if user is None or not user.has_perm(access.EDIT_ORGANISATION, organisation):
        raise PermissionDenied


def _require_reviewer(user, change_request: ChangeRequest) -> None:
    if user is None or not user.has_perm(access.REVIEW_CHANGES, change_request):
        raise PermissionDenied


def _publishes_directly(user, record) -> bool:
    """Whether this user's edits apply at once and verify the record (the validators')."""
    return user.has_perm(access.PUBLISH_DIRECTLY, organisation_of(record))


def edit_waits_for_validation(*, user, record) -> bool:
    """Whether ``user``'s edit of ``record`` (or a new location of a public organisation)
    becomes a change request rather than applying at once. Forms say so before saving."""
    return record_is_public(record) and not _publishes_directly(user, record)


def _channel(validator: bool) -> str:
    return RecordHistory.Channel.STAFF_SITE if validator else RecordHistory.Channel.SITE


def _lock(record):
    """The record, locked and re-read, after its organisation's row (the lock order).

    Precondition: inside ``transaction.atomic``. Locking the organisation
    again in the same transaction (a change request after its organisation)
    costs one query and waits for nobody.
    """
    if isinstance(record, Organisation):
        return Organisation.objects.lock(record.pk)
    organisation = Organisation.objects.lock(record.organisation_id)
    locked = type(record).objects.select_for_update(no_key=True).get(pk=record.pk)
    locked.organisation = organisation
    return locked


def _lock_request(change_request: ChangeRequest) -> ChangeRequest:
    """The request, locked and re-read after its organisation's row (the lock order)."""
    Organisation.objects.lock(change_request.organisation_id)
    return (
        ChangeRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("organisation", "service", "location")
        .get(pk=change_request.pk)
    )


def _target_fields(record) -> dict[str, Any]:
    organisation = organisation_of(record)
    fields: dict[str, Any] = {"organisation": organisation, "target_kind": spec_for(record).kind}
    if isinstance(record, Service):
        fields["service"] = record
    elif isinstance(record, Location):
        fields["location"] = record if record.pk else None
    return fields


def _without_empty(changes: dict[str, list]) -> dict[str, list]:
    return {name: pair for name, pair in changes.items() if pair[1] not in (None, "", [])}


def _history(
    *,
    record,
    action: str,
    channel: str,
    actor,
    changes: dict[str, list] | None = None,
    change_request: ChangeRequest | None = None,
    note: str = "",
) -> RecordHistory:
    fields = _target_fields(record)
    return RecordHistory.objects.create(
        **fields,
        target_label=str(record)[:250],
        action=action,
        channel=channel,
        changes=changes or {},
        actor=actor if actor is not None and actor.is_authenticated else None,
        change_request=change_request,
        note=note,
    )


def _mark_verified(record, reviewer, when) -> None:
    if hasattr(record, "verified_at"):
        record.verified_at = when
        record.verified_by = reviewer


def _supersede_pending(record, newer: ChangeRequest, *, kinds=None) -> None:
    """Mark the record's other pending requests (of ``kinds``, default all) superseded."""
    pending = ChangeRequest.objects.open_for(record).exclude(pk=newer.pk)
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    pending.update(status=ChangeRequest.Status.SUPERSEDED, superseded_by=newer)


#: Tries at a free slug when other services with the same name are created at the same time.
SLUG_ATTEMPTS = 20


def _free_service_slug(base: str) -> str:
    slug, number = base, 2
    while Service.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _service_insert(service: Service, values: dict[str, Any]) -> None:
    """Save a new service under a slug nobody else has, however many are created at once.

    Checking then inserting alone races: two services named "Francisation"
    created at the same moment (in two organisations: slugs are unique
    across the directory) both find ``francisation`` free, and the second
    insert breaks the unique index (a 500). Each attempt runs in a
    savepoint; when another transaction took the slug in between (the insert
    fails on the index, or ``full_clean`` already sees it), the next free
    slug is tried.
    """
    base = slugify(values.get("name") or "")[:120] or "service"
    if base == "new":  # /services/new/ is the creation form
        base = "new-service"
    for _attempt in range(SLUG_ATTEMPTS):
        service.slug = _free_service_slug(base)
        try:
            with transaction.atomic():
                apply_values(service, values)
            return
        except IntegrityError:
            if not Service.objects.filter(slug=service.slug).exists():
                raise
        except ValidationError as error:
            if set(getattr(error, "error_dict", {})) != {"slug"}:
                raise
        service.pk = None
        service._state.adding = True
    raise ValidationError(_("Too many services are being created with this name; try again."))


def _open_request(record, **kwargs) -> ChangeRequest:
    change_request = ChangeRequest.objects.create(**_target_fields(record), **kwargs)
    transaction.on_commit(lambda: _notify_staff_of_request(change_request.pk))
    return change_request


# --- Organisation admins -------------------------------------------------------------------


def change_request_submit(
    *, user, target, data, files=None, seen_proposal=None, replace_proposal=None, prefix=None
) -> EditOutcome:
    """Validate an admin's edit of ``target`` and apply it or send it for validation.

    ``target`` is an Organisation, a Service or a Location; an unsaved one
    (``Service(organisation=...)``, ``Location(organisation=...)``) means a new
    record. ``data`` is what the user submitted to the editing form for that
    kind of record. Raises :class:`InvalidEdit` (nothing changes) when the
    form refuses it, and PermissionDenied unless the user may edit the
    organisation.

    ``seen_proposal``: the uuid of the proposal the form opened on ("" for
    none; the form posts it). A proposal that another admin sent meanwhile
    is then merged, not replaced: see :func:`_merge_unseen_proposals`.
    ``replace_proposal``: the uuid of an unseen proposal the user was told
    about and chose to override on the fields both changed. None (a caller
    that does not say what the form showed) keeps replacing the pending
    proposal, as a form opened on it would.
    """
    organisation = organisation_of(target)
    _require_editor(user, organisation)
    return _edit_submit(
        actor=user,
        validator=_publishes_directly(user, target),
        always_review=False,
        target=target,
        data=data,
        files=files,
        seen_proposal=seen_proposal,
        replace_proposal=replace_proposal,
        prefix=prefix,
    )


def change_request_propose(
    *, target, data, files=None, seen_proposal="", replace_proposal=None, prefix=None
) -> EditOutcome:
    """An edit that comes from no account: an answer to a survey campaign's private link.

    The caller (``directory/recensement/services.py``) has checked the link,
    which stands for the organisation. The edit never applies by itself,
    whether the record is public or not: it always becomes a change request
    that staff approve (or send back), through the same validation, merge
    of unseen proposals and conflict rules as :func:`change_request_submit`.
    A new service is created awaiting verification, with its ``create`` request.
    """
    return _edit_submit(
        actor=None,
        validator=False,
        always_review=True,
        target=target,
        data=data,
        files=files,
        seen_proposal=seen_proposal,
        replace_proposal=replace_proposal,
        prefix=prefix,
    )


def _edit_submit(
    *,
    actor,
    validator: bool,
    always_review: bool,
    target,
    data,
    files,
    seen_proposal,
    replace_proposal,
    prefix,
) -> EditOutcome:
    """The edit of :func:`change_request_submit`, once who may make it is settled.

    ``validator``: the edit applies at once and verifies the record.
    ``always_review``: the edit becomes a request even when the record is not public.
    """
    user = actor
    organisation = organisation_of(target)
    spec = spec_for(target)
    is_new = target.pk is None
    working = target if is_new else type(target).objects.get(pk=target.pk)
    # What this user changes is measured against the version the form is checked against
    # (read before the form writes into ``working``), not the one found under the lock,
    # which may be newer: another field changed meanwhile (by an import this edit waited
    # for) is kept, not reverted.
    base = None if is_new else snapshot(working, spec.fields)
    form = form_class_for(target)(
        data, files, instance=working, organisation=organisation, prefix=prefix
    )
    if not form.is_valid():
        raise InvalidEdit(form)
    values = values_from_form(spec, form)
    if is_new:
        return _create(
            user=user, record=working, values=values, validator=validator, review=always_review
        )
    edited = diff(base, values)

    with transaction.atomic():
        record = _lock(target)
        current = snapshot(record, spec.fields)
        open_requests = list(
            ChangeRequest.objects.open_for(record).filter(kind=ChangeRequest.Kind.UPDATE)
        )
        reviewed = always_review or record_is_public(record)
        if seen_proposal is not None and not validator and reviewed:
            values = _merge_unseen_proposals(
                record=record,
                form=form,
                shown=base,
                values=values,
                open_requests=open_requests,
                seen_proposal=seen_proposal,
                replace_proposal=replace_proposal,
            )
            edited = diff(base, values)
        changes = {name: [current.get(name), values[name]] for name in edited}
        changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
        if not changes and always_review:
            # A survey answer that changes nothing leaves pending proposals alone:
            # its form showed the record, not them.
            return EditOutcome(record=record)
        if not changes:
            # The form was brought back to the current version: a pending
            # proposal (which the form opened on) is thereby withdrawn.
            for change_request in open_requests:
                change_request.status = ChangeRequest.Status.WITHDRAWN
                change_request.save(update_fields=["status"])
            return EditOutcome(record=record, withdrawn=open_requests)

        proposed = {name: pair[1] for name, pair in changes.items()}
        if validator or not reviewed:
            if validator:
                _mark_verified(record, user, timezone.now())
            apply_values(record, proposed)
            _history(
                record=record,
                action=RecordHistory.Action.UPDATED,
                channel=_channel(validator),
                actor=user,
                changes=changes,
            )
            return EditOutcome(record=record, applied=True, changes=changes)

        for change_request in open_requests:
            if change_request.proposed == proposed:
                # The same proposal again: keep the one staff already have.
                return EditOutcome(record=record, change_request=change_request, changes=changes)
        change_request = _open_request(
            record,
            kind=ChangeRequest.Kind.UPDATE,
            proposed=proposed,
            previous=current,
            submitted_by=user,
        )
        # A newer proposal replaces the older one; a pending request to archive the record
        # is another decision, left for staff (archiving does supersede pending edits).
        _supersede_pending(record, change_request, kinds=[ChangeRequest.Kind.UPDATE])
        return EditOutcome(record=record, change_request=change_request, changes=changes)


def _merge_unseen_proposals(
    *, record, form, shown, values, open_requests, seen_proposal, replace_proposal
) -> dict[str, Any]:
    """Keep what another admin proposed while this one was editing.

    Two admins open the form of a public record; each sends a change to a
    different field. Without this, the second proposal replaced the first
    (one pending proposal per record) and the first admin's change was lost
    without anyone being told. The form tells which proposal it opened on
    (``seen_proposal``); any other pending proposal is one this admin never
    saw. Its fields that this admin left as the form showed them are carried
    into the new proposal. A field both changed, to different values, is a
    conflict: the edit is refused (:class:`ProposalConflict`, nothing
    changes) with a message naming the fields and who proposed them, unless
    the user already saw that message for that very proposal and sent the
    form again (``replace_proposal``): then their values win on those fields.

    ``shown``: the record's values the form was checked against; the form
    showed them overlaid with the seen proposal's values.
    """
    unseen = [request for request in open_requests if str(request.uuid) != seen_proposal]
    if not unseen:
        return values
    shown = dict(shown)
    if seen_proposal:
        try:
            seen = ChangeRequest.objects.about(record).filter(uuid=seen_proposal).first()
        except ValidationError:  # not a uuid: the form showed no proposal we know
            seen = None
        if seen is not None:
            shown.update(seen.proposed)
    touched = {name for name, value in values.items() if shown.get(name) != value}
    merged = dict(values)
    for request in sorted(unseen, key=lambda r: (r.submitted_at, r.pk)):
        conflicts = [
            name
            for name, value in request.proposed.items()
            if name in touched and name in values and values[name] != value
        ]
        if conflicts and str(request.uuid) != (replace_proposal or ""):
            labels = [
                str(form.fields[name].label) if name in form.fields else name for name in conflicts
            ]
            form.add_error(
                None,
                _(
                    "While you were editing, %(person)s sent another proposal for this "
                    "record, which also changes: %(fields)s. Nothing was sent. Check those "
                    "fields below: sending the form again replaces their proposal for these "
                    "fields with yours, and keeps their other changes."
                )
                % {
                    "person": request.submitted_by.public_name
                    if request.submitted_by
                    else _("another administrator"),
                    "fields": ", ".join(labels),
                },
            )
            raise ProposalConflict(form, request)
        for name, value in request.proposed.items():
            if name in merged and name not in touched:
                merged[name] = value
    return merged


def _create(
    *, user, record, values: dict[str, Any], validator: bool, review: bool = False
) -> EditOutcome:
    changes = _without_empty(diff({}, values))
    channel = _channel(validator)
    with transaction.atomic():
        record.organisation = Organisation.objects.lock(record.organisation_id)
        if isinstance(record, Location) and (review or record_is_public(record)) and not validator:
            change_request = _open_request(
                record,
                kind=ChangeRequest.Kind.CREATE,
                proposed=values,
                previous={},
                submitted_by=user,
            )
            return EditOutcome(record=None, change_request=change_request, changes=changes)

        if isinstance(record, Service):
            if validator:
                record.state = PublicationState.PUBLISHED
                _mark_verified(record, user, timezone.now())
            else:
                record.state = PublicationState.PENDING
            _service_insert(record, values)
        else:
            apply_values(record, values)
        _history(
            record=record,
            action=RecordHistory.Action.CREATED,
            channel=channel,
            actor=user,
            changes=changes,
        )
        change_request = None
        if isinstance(record, Service) and not validator:
            change_request = _open_request(
                record,
                kind=ChangeRequest.Kind.CREATE,
                proposed=values,
                previous={},
                submitted_by=user,
            )
        return EditOutcome(
            record=record, applied=True, change_request=change_request, changes=changes
        )


def service_archive(*, user, service: Service) -> EditOutcome:
    """Take a service out of the directory: at once if it is not public, else via staff."""
    _require_editor(user, service.organisation)
    return _service_archive(
        actor=user, service=service, validator=_publishes_directly(user, service), review=False
    )


def service_archive_propose(*, service: Service) -> EditOutcome:
    """A survey answer says the service is no longer offered: always a request for staff
    (see :func:`change_request_propose`)."""
    return _service_archive(actor=None, service=service, validator=False, review=True)


def _service_archive(*, actor, service: Service, validator: bool, review: bool) -> EditOutcome:
    user = actor
    with transaction.atomic():
        record = _lock(service)
        if record.state == PublicationState.ARCHIVED:
            return EditOutcome(record=record)
        state_change = {"state": [record.state, PublicationState.ARCHIVED]}
        if (review or record_is_public(record)) and not validator:
            change_request = _open_request(
                record,
                kind=ChangeRequest.Kind.ARCHIVE,
                proposed={"state": PublicationState.ARCHIVED},
                previous={"state": record.state},
                submitted_by=user,
            )
            _supersede_pending(record, change_request)
            return EditOutcome(record=record, change_request=change_request, changes=state_change)
        withdrawn = list(ChangeRequest.objects.open_for(record))
        ChangeRequest.objects.open_for(record).update(status=ChangeRequest.Status.WITHDRAWN)
        record.state = PublicationState.ARCHIVED
        record.save(update_fields=["state", "updated_at"])
        _history(
            record=record,
            action=RecordHistory.Action.ARCHIVED,
            channel=_channel(validator),
            actor=user,
            changes=state_change,
        )
        return EditOutcome(record=record, applied=True, changes=state_change, withdrawn=withdrawn)


def location_archive(*, user, location: Location) -> EditOutcome:
    """Take a location out of the directory, with the rule of :func:`service_archive`.

    At once when the organisation is not public or the user publishes
    directly; otherwise an ``archive`` request, and the location stays public
    until staff approve it. An archived location disappears from every
    public surface (``LocationQuerySet.current``); its links to services are
    kept, hidden with it, so that :func:`location_restore` brings them back.
    Pending requests about it are withdrawn (at once) or superseded.
    """
    return _location_archive_or_restore(user=user, location=location, archive=True)


def location_restore(*, user, location: Location) -> EditOutcome:
    """Bring an archived location back into the directory (same validation rule)."""
    return _location_archive_or_restore(user=user, location=location, archive=False)


def _location_archive_or_restore(*, user, location: Location, archive: bool) -> EditOutcome:
    _require_editor(user, location.organisation)
    kind = ChangeRequest.Kind.ARCHIVE if archive else ChangeRequest.Kind.RESTORE
    with transaction.atomic():
        record = _lock(location)
        if record.is_archived == archive:
            return EditOutcome(record=record)
        previous = snapshot(record, ("archived_at",))
        validator = _publishes_directly(user, record)
        if record_is_public(record) and not validator:
            pending = ChangeRequest.objects.open_for(record).filter(kind=kind).first()
            if pending is not None:
                return EditOutcome(record=record, change_request=pending)
            change_request = _open_request(
                record,
                kind=kind,
                proposed={"archived_at": timezone.now().isoformat() if archive else None},
                previous=previous,
                submitted_by=user,
            )
            _supersede_pending(record, change_request)
            return EditOutcome(
                record=record,
                change_request=change_request,
                changes=diff(previous, change_request.proposed),
            )
        open_requests = ChangeRequest.objects.open_for(record)
        if not archive:  # edits wait for the restore; only a request to restore is moot
            open_requests = open_requests.filter(kind=kind)
        withdrawn = list(open_requests)
        open_requests.update(status=ChangeRequest.Status.WITHDRAWN)
        changes = _location_archived_set(
            record, archive=archive, actor=user, channel=_channel(validator)
        )
        return EditOutcome(record=record, applied=True, changes=changes, withdrawn=withdrawn)


def _location_archived_set(
    location: Location,
    *,
    archive: bool,
    actor,
    channel: str,
    change_request: ChangeRequest | None = None,
    note: str = "",
) -> dict[str, list]:
    """Archive or restore a locked location now, and log it. Returns the change."""
    before = snapshot(location, ("archived_at",))
    location.archived_at = timezone.now() if archive else None
    location.archived_by = actor if archive and actor and actor.is_authenticated else None
    # Only these two fields: archiving must not fail on an unrelated field an import
    # left invalid. post_save refreshes the search documents of its services.
    location.save(update_fields=["archived_at", "archived_by"])
    changes = diff(before, snapshot(location, ("archived_at",)))
    _history(
        record=location,
        action=RecordHistory.Action.ARCHIVED if archive else RecordHistory.Action.RESTORED,
        channel=channel,
        actor=actor,
        changes=changes,
        change_request=change_request,
        note=note,
    )
    return changes


def record_submit_for_verification(*, user, record) -> ChangeRequest:
    """Ask staff to publish a draft (or archived) organisation or service: it becomes pending."""
    if not isinstance(record, (Organisation, Service)):
        raise TypeError("Only organisations and services are submitted for verification.")
    _require_editor(user, organisation_of(record))
    with transaction.atomic():
        record = _lock(record)
        if record.state == PublicationState.PUBLISHED:
            raise ValidationError(_("This record is already published."), code="published")
        if ChangeRequest.objects.open_for(record).filter(kind=ChangeRequest.Kind.CREATE).exists():
            raise ValidationError(
                _("This record is already awaiting verification."), code="already_pending"
            )
        previous_state = record.state
        record.state = PublicationState.PENDING
        record.save(update_fields=["state", "updated_at"])
        spec = spec_for(record)
        change_request = _open_request(
            record,
            kind=ChangeRequest.Kind.CREATE,
            proposed=snapshot(record, spec.fields),
            previous={},
            submitted_by=user,
        )
        if previous_state != PublicationState.PENDING:
            _history(
                record=record,
                action=RecordHistory.Action.SUBMITTED,
                channel=RecordHistory.Channel.SITE,
                actor=user,
                changes={"state": [previous_state, PublicationState.PENDING]},
                change_request=change_request,
            )
        return change_request


def change_request_withdraw(*, change_request: ChangeRequest, user) -> ChangeRequest:
    """The organisation takes back a pending request (a new record goes back to draft)."""
    _require_editor(user, change_request.organisation)
    with transaction.atomic():
        change_request = _lock_request(change_request)
        _require_pending(change_request)
        change_request.status = ChangeRequest.Status.WITHDRAWN
        change_request.save(update_fields=["status"])
        _back_to_draft(change_request, actor=user, channel=RecordHistory.Channel.SITE)
        return change_request


# --- Staff -------------------------------------------------------------------------------


def _require_pending(change_request: ChangeRequest) -> None:
    if change_request.status != ChangeRequest.Status.PENDING:
        raise ValidationError(
            _("This request is no longer awaiting validation (%(status)s)."),
            code="not_pending",
            params={"status": change_request.get_status_display()},
        )


def _back_to_draft(change_request: ChangeRequest, *, actor, channel: str, note: str = "") -> None:
    """A refused or withdrawn new organisation or service is no longer awaiting verification."""
    if change_request.kind != ChangeRequest.Kind.CREATE:
        return
    record = change_request.target
    if not isinstance(record, (Organisation, Service)):
        return
    record = _lock(record)
    if record.state != PublicationState.PENDING:
        return
    record.state = PublicationState.DRAFT
    record.save(update_fields=["state", "updated_at"])
    _history(
        record=record,
        action=RecordHistory.Action.RETURNED_TO_DRAFT,
        channel=channel,
        actor=actor,
        changes={"state": [PublicationState.PENDING, PublicationState.DRAFT]},
        change_request=change_request,
        note=note,
    )


def change_request_approve(
    *, change_request: ChangeRequest, reviewer, seen: str, comment: str = ""
) -> ChangeRequest:
    """Apply a pending request in one transaction, mark the record verified, log it.

    ``seen`` is the fingerprint of the review the reviewer saw
    (:func:`directory.editing.review.change_request_review`). Refuses, with
    nothing applied: :class:`ChangeRequestChanged` when the record or the
    request changed since (a new record must be judged as it is now), and
    :class:`ChangeRequestConflict` when a field an update changes has
    changed on the record since it was submitted; see the module docstring.
    Approving a new record also stores on the request the values it
    published.
    """
    _require_reviewer(reviewer, change_request)
    now = timezone.now()
    with transaction.atomic():
        change_request = _lock_request(change_request)
        _require_pending(change_request)
        verified_on = _verified_on(change_request, now)
        target = change_request.target
        record = _lock(target) if target is not None else None
        review = change_request_review(change_request, record=record)
        if seen != review.fingerprint:
            raise ChangeRequestChanged()
        if review.conflicts:
            rows = ChangeDescriber().describe(
                type(record), {name: [None, None] for name in review.conflicts}
            )
            raise ChangeRequestConflict([row.label for row in rows])
        channel = RecordHistory.Channel.CHANGE_REQUEST
        kind = change_request.kind

        if kind == ChangeRequest.Kind.UPDATE:
            current = snapshot(record, tuple(change_request.proposed))
            _mark_verified(record, reviewer, verified_on)
            _mark_assured(record, verified_on, now)
            apply_values(record, change_request.proposed)
            _history(
                record=record,
                action=RecordHistory.Action.UPDATED,
                channel=channel,
                actor=reviewer,
                changes={
                    name: [current.get(name), value]
                    for name, value in change_request.proposed.items()
                },
                change_request=change_request,
                note=comment,
            )
        elif (
            kind == ChangeRequest.Kind.CREATE and change_request.target_kind == RecordKind.LOCATION
        ):
            location = Location(organisation=change_request.organisation)
            apply_values(location, change_request.proposed)
            change_request.location = location
            _history(
                record=location,
                action=RecordHistory.Action.CREATED,
                channel=channel,
                actor=reviewer,
                changes=_without_empty(diff({}, change_request.proposed)),
                change_request=change_request,
                note=comment,
            )
        elif change_request.target_kind == RecordKind.LOCATION:  # archive or restore
            location = record  # locked above, after its organisation
            archive = kind == ChangeRequest.Kind.ARCHIVE
            if location.is_archived != archive:
                _location_archived_set(
                    location,
                    archive=archive,
                    actor=reviewer,
                    channel=channel,
                    change_request=change_request,
                    note=comment,
                )
        else:
            previous_state = record.state
            new_state = (
                PublicationState.ARCHIVED
                if kind == ChangeRequest.Kind.ARCHIVE
                else PublicationState.PUBLISHED
            )
            record.state = new_state
            if kind == ChangeRequest.Kind.CREATE:
                _mark_verified(record, reviewer, verified_on)
                _mark_assured(record, verified_on, now)
                change_request.proposed = review.current
            record.full_clean()
            record.save()
            _history(
                record=record,
                action=RecordHistory.Action.ARCHIVED
                if kind == ChangeRequest.Kind.ARCHIVE
                else RecordHistory.Action.PUBLISHED,
                channel=channel,
                actor=reviewer,
                changes={"state": [previous_state, new_state]},
                change_request=change_request,
                note=comment,
            )

        change_request.status = ChangeRequest.Status.APPROVED
        change_request.reviewed_by = reviewer
        change_request.reviewed_at = now
        change_request.review_comment = comment.strip()
        change_request.save()
        transaction.on_commit(lambda: _notify_submitter(change_request.pk))
        return change_request


def _verified_on(change_request: ChangeRequest, now):
    """When the approved record was last confirmed true: the date of the survey answer the
    request came from (the organisation said so then), else the approval itself."""
    answered = change_request.campaign_answers.order_by("submitted_at").first()
    return answered.submitted_at if answered is not None else now


def _mark_assured(record, verified_on, now) -> None:
    """A service confirmed by its organisation (a survey answer, not the approval alone) was
    *assured* that day (HSDS ``assured_date``)."""
    if verified_on is not now and isinstance(record, Service):
        record.assured_date = timezone.localdate(verified_on)


def change_request_send_back(
    *, change_request: ChangeRequest, reviewer, comment: str
) -> ChangeRequest:
    """Return a pending request to the organisation with a comment (required).

    The proposed values stay on the request: the organisation's edit form
    opens on them, so they can be corrected and resubmitted.
    """
    _require_reviewer(reviewer, change_request)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": gettext("Say what should change, so that the organisation can fix it.")}
        )
    with transaction.atomic():
        change_request = _lock_request(change_request)
        _require_pending(change_request)
        change_request.status = ChangeRequest.Status.SENT_BACK
        change_request.reviewed_by = reviewer
        change_request.reviewed_at = timezone.now()
        change_request.review_comment = comment
        change_request.save()
        _back_to_draft(
            change_request,
            actor=reviewer,
            channel=RecordHistory.Channel.CHANGE_REQUEST,
            note=comment,
        )
        transaction.on_commit(lambda: _notify_submitter(change_request.pk))
        return change_request


def record_history_log_admin_edit(*, record, before: dict[str, Any] | None, actor) -> None:
    """Log a staff edit made in the Wagtail admin (``before`` is None for a new record).

    Called by the admin's create and edit views inside their transaction,
    after the form (and its many-to-many data) is saved.
    """
    after = snapshot(record)
    changes = _without_empty(diff({}, after)) if before is None else diff(before, after)
    if not changes and before is not None:
        return
    _history(
        record=record,
        action=RecordHistory.Action.CREATED if before is None else RecordHistory.Action.UPDATED,
        channel=RecordHistory.Channel.ADMIN,
        actor=actor,
        changes=changes,
    )


# --- E-mails (tasks, enqueued after commit: directory/editing/tasks.py) ----------------------


def _notify_staff_of_request(change_request_id: int) -> None:
    _enqueue_logged(tasks.change_request_submitted_notify, change_request_id=change_request_id)


def _notify_submitter(change_request_id: int) -> None:
    _enqueue_logged(tasks.change_request_decided_notify, change_request_id=change_request_id)


def _enqueue_logged(notify_task, **kwargs) -> None:
    """Called after commit: a failure to enqueue is logged, never turned into an error page."""
    try:
        notify_task.enqueue(**kwargs)
    except Exception:
        logger.exception("Could not enqueue %s(%s)", notify_task.name, kwargs)
