"""Organisation admins keep their own records current (self-service editing).

Thin views over :mod:`directory.editing.services` (writes) and
:mod:`directory.editing.selectors` (reads). Only the organisation's active
admins and staff get in (403 for other signed-in members, 404 when they may
not even see the organisation). Edits to public records become change
requests; the confirmation page shows what was sent for validation.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from directory.editing import selectors as editing_selectors
from directory.editing import services as editing
from directory.editing.forms import LocationForm, OrganisationProfileForm, ServiceForm
from directory.models import (
    ChangeRequest,
    Location,
    PublicationState,
    RecordKind,
    Service,
)


def _manage_url(organisation) -> str:
    return reverse("directory:manage_organisation", kwargs={"slug": organisation.slug})


def _after_edit(request, organisation, outcome: editing.EditOutcome, *, next_url: str):
    """Tell the editor what became of their edit, and where to look next."""
    if outcome.sent_for_validation:
        messages.success(
            request,
            gettext(
                "Your changes were sent for validation. The public keeps seeing the "
                "published version until staff approve them."
            ),
        )
        return redirect(outcome.change_request.get_manage_url())
    if outcome.applied and outcome.change_request is not None:
        messages.success(
            request,
            gettext("Saved. The new service awaits verification by staff before it is public."),
        )
        return redirect(next_url)
    if outcome.applied:
        messages.success(request, gettext("Your changes are saved."))
        return redirect(next_url)
    if outcome.withdrawn:
        messages.info(
            request,
            gettext(
                "Nothing differs from the published version: your pending proposal is withdrawn."
            ),
        )
    else:
        messages.info(request, gettext("Nothing changed."))
    return redirect(next_url)


def _start_values(request, record) -> tuple[dict | None, ChangeRequest | None]:
    """The proposal (pending or sent back) the form opens on, unless asked for the current one."""
    if request.GET.get("from") == "current" or record.pk is None:
        return None, None
    proposal = editing_selectors.proposal_to_start_from(record=record)
    return (proposal.proposed, proposal) if proposal else (None, None)


def _edit(request, *, organisation, record, form_class, template, next_url, extra=None):
    """GET shows the form; POST hands the data to the service, which validates and decides."""
    proposal = replace_proposal = None
    if request.method == "POST":
        # The form says which proposal it showed, so that one sent meanwhile by another
        # admin is merged rather than replaced (``editing._merge_unseen_proposals``).
        seen_proposal = request.POST.get("seen_proposal")
        try:
            outcome = editing.change_request_submit(
                user=request.user,
                target=record,
                data=request.POST,
                seen_proposal=seen_proposal,
                replace_proposal=request.POST.get("replace_proposal"),
            )
        except editing.ProposalConflict as error:
            form, replace_proposal = error.form, error.proposal.uuid
        except editing.InvalidEdit as error:
            form = error.form
            replace_proposal = request.POST.get("replace_proposal")
        else:
            return _after_edit(request, organisation, outcome, next_url=next_url)
    else:
        values, proposal = _start_values(request, record)
        seen_proposal = proposal.uuid if proposal else ""
        if values is None and "from" in request.GET and record.pk is None:
            values = _create_request_values(request, organisation, record)
        form = form_class(instance=record, organisation=organisation, values=values)
    context = {
        "organisation": organisation,
        "record": record,
        "form": form,
        "proposal": proposal,
        "seen_proposal": seen_proposal or "",
        "replace_proposal": replace_proposal or "",
        "is_public": record.pk is not None and editing.record_is_public(record),
        "waits_for_validation": editing.edit_waits_for_validation(user=request.user, record=record),
        "creation_sent_back": editing_selectors.creation_sent_back(record=record),
        **(extra or {}),
    }
    return render(request, template, context)


def _create_request_values(request, organisation, record) -> dict | None:
    """A new location form may start from a sent-back creation request (``?from=<uuid>``)."""
    try:
        change_request = editing_selectors.change_request_get_for_editor(
            organisation=organisation, uuid=request.GET["from"]
        )
    except (Http404, ValidationError):
        return None
    if change_request.kind == ChangeRequest.Kind.CREATE and change_request.target is None:
        return change_request.proposed
    return None


# --- Organisation ------------------------------------------------------------------------


@login_required
def manage_organisation(request, slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    requests = list(
        editing_selectors.change_requests_of_organisation(organisation=organisation)[:30]
    )
    history = editing_selectors.history_of_organisation(organisation=organisation)
    history_rows = editing_selectors.describe_history(history)
    for entry in history:
        entry.rows = history_rows[entry.pk]
    open_creation = any(
        r.is_pending
        and r.kind == ChangeRequest.Kind.CREATE
        and r.target_kind == RecordKind.ORGANISATION
        for r in requests
    )
    return render(
        request,
        "directory/manage/organisation.html",
        {
            "section": "overview",
            "organisation": organisation,
            "requests": requests,
            "pending_requests": [r for r in requests if r.is_pending],
            "history": history,
            "can_submit": organisation.state != PublicationState.PUBLISHED and not open_creation,
            "service_count": organisation.services.count(),
            "location_count": organisation.locations.current().count(),
        },
    )


@login_required
def organisation_edit(request, slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    return _edit(
        request,
        organisation=organisation,
        record=organisation,
        form_class=OrganisationProfileForm,
        template="directory/manage/organisation_form.html",
        next_url=_manage_url(organisation),
        extra={"section": "profile"},
    )


@login_required
@require_POST
def organisation_submit(request, slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    return _submit_for_verification(request, organisation, organisation)


def _submit_for_verification(request, organisation, record):
    try:
        change_request = editing.record_submit_for_verification(user=request.user, record=record)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_manage_url(organisation))
    messages.success(request, gettext("Sent for verification. Staff will review it."))
    return redirect(change_request.get_manage_url())


# --- Services ----------------------------------------------------------------------------


@login_required
def service_list(request, slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    services = list(organisation.services.order_by("name"))
    pending = {
        r.service_id: r
        for r in editing_selectors.change_requests_of_organisation(organisation=organisation)
        .filter(target_kind=RecordKind.SERVICE, status=ChangeRequest.Status.PENDING)
        .order_by("submitted_at")
    }
    for service in services:
        service.pending_request = pending.get(service.pk)
    return render(
        request,
        "directory/manage/services.html",
        {"section": "services", "organisation": organisation, "services": services},
    )


@login_required
def service_create(request, slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    return _edit(
        request,
        organisation=organisation,
        record=Service(organisation=organisation),
        form_class=ServiceForm,
        template="directory/manage/service_form.html",
        next_url=reverse("directory:manage_services", kwargs={"slug": organisation.slug}),
        extra={"section": "services"},
    )


@login_required
def service_edit(request, slug, service_slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    service = editing_selectors.service_get_for_editing(
        organisation=organisation, slug=service_slug
    )
    return _edit(
        request,
        organisation=organisation,
        record=service,
        form_class=ServiceForm,
        template="directory/manage/service_form.html",
        next_url=reverse("directory:manage_services", kwargs={"slug": organisation.slug}),
        extra={"section": "services"},
    )


@login_required
def service_archive(request, slug, service_slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    service = editing_selectors.service_get_for_editing(
        organisation=organisation, slug=service_slug
    )
    services_url = reverse("directory:manage_services", kwargs={"slug": organisation.slug})
    if request.method == "POST":
        outcome = editing.service_archive(user=request.user, service=service)
        if outcome.sent_for_validation:
            messages.success(
                request,
                gettext(
                    "Archiving was sent for validation. The service stays public until "
                    "staff approve."
                ),
            )
            return redirect(outcome.change_request.get_manage_url())
        messages.success(request, gettext("The service is archived."))
        return redirect(services_url)
    return render(
        request,
        "directory/manage/service_archive.html",
        {
            "section": "services",
            "organisation": organisation,
            "service": service,
            "waits_for_validation": editing.edit_waits_for_validation(
                user=request.user, record=service
            ),
            "services_url": services_url,
        },
    )


@login_required
@require_POST
def service_submit(request, slug, service_slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    service = editing_selectors.service_get_for_editing(
        organisation=organisation, slug=service_slug
    )
    return _submit_for_verification(request, organisation, service)


# --- Locations ---------------------------------------------------------------------------


@login_required
def location_list(request, slug):
    """The locations in use, then the archived ones apart (each with its pending request)."""
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    locations = list(organisation.locations.select_related("territory").order_by("name"))
    requests = (
        editing_selectors.change_requests_of_organisation(organisation=organisation)
        .filter(target_kind=RecordKind.LOCATION, status=ChangeRequest.Status.PENDING)
        .order_by("submitted_at")
    )
    # A pending archive is the one to show (it hides the Archive button) beside an edit.
    requests = sorted(
        requests, key=lambda r: (r.kind == ChangeRequest.Kind.ARCHIVE, r.submitted_at)
    )
    pending = {r.location_id: r for r in requests if r.location_id}
    for location in locations:
        location.pending_request = pending.get(location.pk)
    return render(
        request,
        "directory/manage/locations.html",
        {
            "section": "locations",
            "organisation": organisation,
            "locations": [location for location in locations if not location.is_archived],
            "archived_locations": [location for location in locations if location.is_archived],
            "pending_new": [r for r in requests if r.location_id is None],
            "waits_for_validation": editing.edit_waits_for_validation(
                user=request.user, record=Location(organisation=organisation)
            ),
        },
    )


@login_required
def location_create(request, slug):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    return _edit(
        request,
        organisation=organisation,
        record=Location(organisation=organisation),
        form_class=LocationForm,
        template="directory/manage/location_form.html",
        next_url=reverse("directory:manage_locations", kwargs={"slug": organisation.slug}),
        extra={"section": "locations"},
    )


@login_required
def location_edit(request, slug, location_uuid):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    location = editing_selectors.location_get_for_editing(
        organisation=organisation, uuid=location_uuid
    )
    if location.is_archived:
        messages.info(request, gettext("This location is archived: restore it to edit it."))
        return redirect("directory:manage_locations", slug=organisation.slug)
    return _edit(
        request,
        organisation=organisation,
        record=location,
        form_class=LocationForm,
        template="directory/manage/location_form.html",
        next_url=reverse("directory:manage_locations", kwargs={"slug": organisation.slug}),
        extra={"section": "locations"},
    )


@login_required
def location_archive(request, slug, location_uuid):
    """GET asks for confirmation (what archiving does, which services lose the place); POST
    archives, or asks staff to when the organisation is public."""
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    location = editing_selectors.location_get_for_editing(
        organisation=organisation, uuid=location_uuid
    )
    locations_url = reverse("directory:manage_locations", kwargs={"slug": organisation.slug})
    if request.method == "POST":
        outcome = editing.location_archive(user=request.user, location=location)
        if outcome.sent_for_validation:
            messages.success(
                request,
                gettext(
                    "Archiving was sent for validation. The location stays public until "
                    "staff approve."
                ),
            )
            return redirect(outcome.change_request.get_manage_url())
        if outcome.applied:
            messages.success(request, gettext("The location is archived."))
        else:
            messages.info(request, gettext("This location is already archived."))
        return redirect(locations_url)
    return render(
        request,
        "directory/manage/location_archive.html",
        {
            "section": "locations",
            "organisation": organisation,
            "location": location,
            "services": editing_selectors.services_at_location(location=location),
            "waits_for_validation": editing.edit_waits_for_validation(
                user=request.user, record=location
            ),
            "locations_url": locations_url,
        },
    )


@login_required
@require_POST
def location_restore(request, slug, location_uuid):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    location = editing_selectors.location_get_for_editing(
        organisation=organisation, uuid=location_uuid
    )
    outcome = editing.location_restore(user=request.user, location=location)
    if outcome.sent_for_validation:
        messages.success(
            request,
            gettext(
                "Restoring was sent for validation. The location comes back in the directory "
                "when staff approve."
            ),
        )
        return redirect(outcome.change_request.get_manage_url())
    if outcome.applied:
        messages.success(request, gettext("The location is restored."))
    else:
        messages.info(request, gettext("This location is not archived."))
    return redirect("directory:manage_locations", slug=organisation.slug)


# --- Change requests ---------------------------------------------------------------------


@login_required
def change_request_detail(request, slug, uuid):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    change_request = editing_selectors.change_request_get_for_editor(
        organisation=organisation, uuid=uuid
    )
    rows = editing_selectors.describe_requests([change_request])[change_request.pk]
    return render(
        request,
        "directory/manage/change_request.html",
        {
            "section": "overview",
            "organisation": organisation,
            "change_request": change_request,
            "rows": rows,
            "resubmit_url": _resubmit_url(change_request),
        },
    )


def _resubmit_url(change_request: ChangeRequest) -> str | None:
    """Where the editor picks a sent-back request up again (its values pre-filled)."""
    if change_request.status != ChangeRequest.Status.SENT_BACK:
        return None
    slug = change_request.organisation.slug
    target = change_request.target
    if target is None:  # a location that was never created
        url = reverse("directory:manage_location_create", kwargs={"slug": slug})
        return f"{url}?from={change_request.uuid}"
    if isinstance(target, Service):
        return reverse(
            "directory:manage_service_edit", kwargs={"slug": slug, "service_slug": target.slug}
        )
    if isinstance(target, Location):
        if change_request.kind == ChangeRequest.Kind.UPDATE and not target.is_archived:
            return reverse(
                "directory:manage_location_edit",
                kwargs={"slug": slug, "location_uuid": target.uuid},
            )
        return reverse("directory:manage_locations", kwargs={"slug": slug})
    if change_request.kind == ChangeRequest.Kind.UPDATE:
        return reverse("directory:manage_organisation_edit", kwargs={"slug": slug})
    return reverse("directory:manage_organisation", kwargs={"slug": slug})


@login_required
@require_POST
def change_request_withdraw(request, slug, uuid):
    organisation = editing_selectors.organisation_get_for_editing(user=request.user, slug=slug)
    change_request = editing_selectors.change_request_get_for_editor(
        organisation=organisation, uuid=uuid
    )
    try:
        editing.change_request_withdraw(change_request=change_request, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("The request is withdrawn."))
    return redirect(change_request.get_manage_url())
