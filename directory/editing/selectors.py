"""Permission-checked reads for self-service editing and validation.

Editors (``EDIT_ORGANISATION``: an organisation's active admins, or the
right to edit any organisation) see its requests and history; only
validators (``REVIEW_CHANGES``) see the validation queue.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from directory import access
from directory.catalogue import selectors
from directory.editing.fields import ChangeDescriber, diff
from directory.models import (
    ChangeRequest,
    Initiative,
    Location,
    Membership,
    Organisation,
    Partnership,
    RecordHistory,
    RecordKind,
    Service,
)

MODELS_BY_KIND = {
    RecordKind.ORGANISATION: Organisation,
    RecordKind.SERVICE: Service,
    RecordKind.LOCATION: Location,
    RecordKind.INITIATIVE: Initiative,
    RecordKind.PARTNERSHIP: Partnership,
    RecordKind.MEMBERSHIP: Membership,
}


def organisation_get_for_editing(*, user, slug: str) -> Organisation:
    """The organisation if the user may edit it: 404 if they may not even see it, else 403."""
    organisation = selectors.organisation_get_visible(user=user, slug=slug)
    if not user.has_perm(access.EDIT_ORGANISATION, organisation):
        raise PermissionDenied
    return organisation


def service_get_for_editing(*, organisation: Organisation, slug: str) -> Service:
    """One of the organisation's services (precondition: the user may edit the organisation)."""
    try:
        return organisation.services.get(slug=slug)
    except Service.DoesNotExist as error:
        raise Http404 from error


def location_get_for_editing(*, organisation: Organisation, uuid) -> Location:
    try:
        return organisation.locations.select_related("territory").get(uuid=uuid)
    except Location.DoesNotExist as error:
        raise Http404 from error


def services_at_location(*, location: Location) -> list[Service]:
    """Every service linked to the location, whatever its state (editors and validators only):
    what archiving the location takes it away from."""
    return list(location.services.order_by("name", "pk"))


def change_requests_of_organisation(*, organisation: Organisation):
    """Every request about the organisation and its records, newest first (editors only)."""
    return ChangeRequest.objects.filter(organisation=organisation).select_related(
        "organisation", "service", "location", "submitted_by", "reviewed_by"
    )


def change_request_get_for_editor(*, organisation: Organisation, uuid) -> ChangeRequest:
    try:
        return change_requests_of_organisation(organisation=organisation).get(uuid=uuid)
    except ChangeRequest.DoesNotExist as error:
        raise Http404 from error


def history_of_organisation(*, organisation: Organisation, limit: int = 50):
    return list(
        RecordHistory.objects.filter(organisation=organisation).select_related(
            "actor", "service", "location", "change_request"
        )[:limit]
    )


def proposal_to_start_from(*, record) -> ChangeRequest | None:
    """The proposal an edit form should open on, so that nothing written is lost.

    The latest request about the record, if it is still pending or was sent
    back (and not followed by a newer one). None when the form should open
    on the record's current values.
    """
    latest = ChangeRequest.objects.about(record).order_by("-submitted_at", "-pk").first()
    open_statuses = (ChangeRequest.Status.PENDING, ChangeRequest.Status.SENT_BACK)
    if latest and latest.status in open_statuses and latest.kind == ChangeRequest.Kind.UPDATE:
        return latest
    return None


def creation_sent_back(*, record) -> ChangeRequest | None:
    """The sent-back request to publish this (now draft) record, if that is the latest word."""
    if record.pk is None:
        return None
    latest = ChangeRequest.objects.about(record).order_by("-submitted_at", "-pk").first()
    if (
        latest
        and latest.kind == ChangeRequest.Kind.CREATE
        and latest.status == ChangeRequest.Status.SENT_BACK
    ):
        return latest
    return None


def describe_requests(requests) -> dict[int, list]:
    """Labelled diff rows for several requests, with reference labels fetched once."""
    describer = ChangeDescriber()
    changes_of = {}
    for change_request in requests:
        changes = diff(change_request.previous, change_request.proposed)
        if change_request.kind == ChangeRequest.Kind.CREATE:
            changes = {k: v for k, v in changes.items() if v[1] not in (None, "", [])}
        changes_of[change_request.pk] = (MODELS_BY_KIND[change_request.target_kind], changes)
    describer.prefetch(changes_of.values())
    return {pk: describer.describe(model, changes) for pk, (model, changes) in changes_of.items()}


def describe_history(entries) -> dict[int, list]:
    """Labelled rows for history entries, in a number of queries that does not grow with them."""
    describer = ChangeDescriber()
    describer.prefetch((MODELS_BY_KIND[entry.target_kind], entry.changes) for entry in entries)
    return {
        entry.pk: describer.describe(MODELS_BY_KIND[entry.target_kind], entry.changes)
        for entry in entries
    }


# --- Validators --------------------------------------------------------------------------------


def _require_reviewer(user) -> None:
    if user is None or not user.has_perm(access.REVIEW_CHANGES):
        raise PermissionDenied


def change_requests_awaiting_review(*, user):
    """The validation queue: pending requests, oldest first (validators only)."""
    _require_reviewer(user)
    return (
        ChangeRequest.objects.pending()
        .select_related("organisation", "service", "location", "submitted_by")
        .prefetch_related("campaign_answers")  # requests from survey answers say so
        .order_by("submitted_at", "pk")
    )


def change_request_get_for_review(*, user, pk: int) -> ChangeRequest:
    _require_reviewer(user)
    try:
        return ChangeRequest.objects.select_related(
            "organisation", "service", "location", "submitted_by", "reviewed_by"
        ).get(pk=pk)
    except ChangeRequest.DoesNotExist as error:
        raise Http404 from error


def stale_filter(prefix: str = "") -> Q:
    """Records nobody verified within the freshness window (or ever)."""
    limit = timezone.now() - timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)
    return Q(**{f"{prefix}verified_at__isnull": True}) | Q(**{f"{prefix}verified_at__lt": limit})
