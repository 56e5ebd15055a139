"""Pages of the events: list, month, event and occurrence, registration, "my events", management.

Thin: each view reads through ``events/selectors.py`` (which applies the
policy) or writes through one service of ``events/services.py``, then
renders or redirects. The online meeting link reaches a template only when
``selectors.may_see_meeting_link`` says so.

The feeds branch adds, on listing pages, the ``<link rel="alternate"
type="text/calendar">`` and the subscribe links: each listing view puts
``calendar_feed`` in its context (a dict with the feed's ``kind`` and
filters, ``None`` until ``events/ics.py`` fills :func:`calendar_feed_for`),
and the templates render ``{% block calendar_feed_head %}`` and the
``events/components/subscribe.html`` include where they belong.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from directory.models import Organisation, ServiceCategory, Territory
from events import access, selectors, services
from events.forms import (
    AttachmentForm,
    CancelForm,
    EventForm,
    MinutesForm,
    OccurrenceForm,
    PublicRegistrationForm,
)
from events.models import (
    Event,
    EventKind,
    EventState,
    Occurrence,
    Registration,
    RegistrationState,
)

PAGE_SIZE = 20


def calendar_feed_for(*, filters: selectors.EventFilters | None = None, organisation=None):
    """The page's feed and its subscribe links (``events/feeds/links.py``)."""
    from events.feeds import links

    if filters is None:
        return links.listing_feed(organisation=organisation)
    partial = bool(filters.territory or filters.category or (filters.organisation and filters.kind))
    return links.listing_feed(
        kind=filters.kind, organisation=filters.organisation or organisation, partial=partial
    )


def _event_feed(event):
    """The event's own feed ("add to my calendar"), for events that are not drafts."""
    from events.feeds import links

    return links.event_feed(event) if event.state != EventState.DRAFT else None


def member_feed_context(user) -> dict:
    """The member's private feed, if they created its address (``events/feeds/page_views.py``)."""
    from events.feeds import links
    from events.feeds.models import CalendarToken

    token = CalendarToken.objects.filter(user=user).first()
    return {
        "calendar_feed": links.member_feed(token) if token else None,
        "calendar_token_missing": token is None,
    }


def _filter_choices(user):
    return {
        "kinds": EventKind.choices,
        "organisations": Organisation.objects.visible_to(user)
        .filter(pk__in=Event.organisations.through.objects.values("organisation_id"))
        .only("pk", "slug", "name", "name_en")
        .order_by("name"),
        "territories": Territory.objects.order_by("position", "name"),
        "categories": ServiceCategory.objects.filter(parent__isnull=True).order_by("position"),
    }


def _user(request):
    return request.user if request.user.is_authenticated else None


def event_list(request):
    user = _user(request)
    filters = selectors.filters_read(request.GET, user=user)
    page = Paginator(selectors.occurrences_upcoming(user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/list.html",
        {
            "page_obj": page,
            "filters": filters,
            "choices": _filter_choices(user),
            "calendar_feed": calendar_feed_for(filters=filters),
            "may_manage": _may_manage(request.user),
        },
    )


def month(request, year: int | None = None, month: int | None = None):
    user = _user(request)
    if year is None or month is None:
        today = timezone.localdate()
        year, month = today.year, today.month
    filters = selectors.filters_read(request.GET, user=user)
    grid = selectors.month_read(user, year, month, filters)
    return render(
        request,
        "events/month.html",
        {
            "month": grid,
            "filters": filters,
            "choices": _filter_choices(user),
            "calendar_feed": calendar_feed_for(filters=filters),
        },
    )


def event_detail(request, slug: str):
    user = _user(request)
    event = selectors.event_for_page(user, slug)
    occurrences = selectors.event_occurrences(event)
    occurrence = None
    if not event.is_series:
        occurrence = event.occurrences.first()
    return _event_page(request, event, occurrence, occurrences)


def occurrence_detail(request, slug: str, pk: int):
    occurrence = selectors.occurrence_for_page(_user(request), slug, pk)
    event = occurrence.event
    return _event_page(request, event, occurrence, selectors.event_occurrences(event))


def _event_page(request, event, occurrence, occurrences, *, public_form=None, status=200):
    user = request.user
    context = {
        "event": event,
        "occurrence": occurrence,
        "occurrences": occurrences,
        "attachments": event.attachments.select_related("document"),
        "may_manage": user.has_perm(access.MANAGE_EVENT, event),
        "calendar_feed": _event_feed(event),
    }
    if occurrence is not None:
        registration = selectors.registration_of(user, occurrence)
        context.update(
            {
                "registration": registration,
                "places_left": selectors.places_left(occurrence),
                "closed_reason": selectors.registration_closed_reason(
                    occurrence, user=_user(request)
                ),
                "public_form": public_form or PublicRegistrationForm(),
                "meeting_link": (
                    event.online_url
                    if event.online_url
                    and event.is_online
                    and selectors.may_see_meeting_link(user, occurrence)
                    else ""
                ),
            }
        )
    return render(request, "events/event.html", context, status=status)


@require_POST
def register(request, slug: str, pk: int):
    occurrence = selectors.occurrence_for_page(_user(request), slug, pk)
    if request.user.is_authenticated:
        try:
            registration = services.registration_create(occurrence=occurrence, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if registration.state == RegistrationState.CONFIRMED:
                messages.success(
                    request, gettext("You are registered. A confirmation is on its way by e-mail.")
                )
            else:
                messages.warning(
                    request,
                    gettext(
                        "This event is full: you are on the waiting list. If a place frees up, "
                        "it is yours and we will tell you by e-mail."
                    ),
                )
        return redirect(occurrence.get_absolute_url())
    form = PublicRegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.registration_create(
                occurrence=occurrence,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                language=(request.LANGUAGE_CODE or "fr")[:2],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                gettext(
                    "Almost done: open the link we sent to %(email)s to confirm your registration."
                )
                % {"email": form.cleaned_data["email"]},
            )
            return redirect(occurrence.get_absolute_url())
    return _event_page(
        request,
        occurrence.event,
        occurrence,
        selectors.event_occurrences(occurrence.event),
        public_form=form,
        status=400,
    )


@require_POST
@login_required
def member_cancel(request, slug: str, pk: int):
    occurrence = selectors.occurrence_for_page(request.user, slug, pk)
    registration = selectors.registration_of(request.user, occurrence)
    if registration is None:
        messages.error(request, gettext("You are not registered for this event."))
    else:
        try:
            services.registration_cancel(registration=registration, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("Your registration is cancelled."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = occurrence.get_absolute_url()
    return redirect(next_url)


def _registration_by_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("occurrence__event").filter(token=token).first()
    )
    if registration is None:
        raise Http404
    return registration


def registration_confirm(request, token: str):
    """The e-mail's link: a page with a button, so that a mail scanner's visit confirms nothing."""
    registration = _registration_by_token(token)
    if request.method == "POST":
        try:
            registration = services.registration_confirm(token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if registration.state == RegistrationState.CONFIRMED:
                messages.success(request, gettext("Your registration is confirmed. See you there!"))
            else:
                messages.warning(
                    request,
                    gettext(
                        "The event filled up meanwhile: you are on the waiting list. If a place "
                        "frees up, it is yours and we will tell you by e-mail."
                    ),
                )
            return redirect(registration.occurrence.get_absolute_url())
    return render(
        request,
        "events/registration_token.html",
        {"registration": registration, "action": "confirm"},
    )


def registration_cancel(request, token: str):
    registration = _registration_by_token(token)
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration, token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("Your registration is cancelled."))
        return redirect(registration.occurrence.get_absolute_url())
    return render(
        request,
        "events/registration_token.html",
        {"registration": registration, "action": "cancel"},
    )


@login_required
def my_events(request):
    upcoming, past = selectors.my_registrations(request.user)
    return render(
        request,
        "events/my_events.html",
        {"upcoming": upcoming, "past": past, **member_feed_context(request.user)},
    )


# --- Management ------------------------------------------------------------------------------


def _may_manage(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(access.ADD_EVENT))


@login_required
def manage_list(request):
    if not _may_manage(request.user):
        raise PermissionDenied
    return render(
        request, "events/manage/list.html", {"events": selectors.events_managed(request.user)}
    )


def _managed_event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm(access.MANAGE_EVENT, event):
        raise PermissionDenied
    return event


@login_required
def manage_create(request):
    if not _may_manage(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        try:
            event = services.event_create(by=request.user, **data)
        except PermissionDenied as error:
            form.add_error("organisations", str(error))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, gettext("The event is saved as a draft."))
            return redirect("events:manage_event", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"form": form, "event": None})


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def manage_event(request, slug: str):
    event = _managed_event(request, slug)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    attachment_form = AttachmentForm(
        request.POST if action == "attach" else None,
        request.FILES if action == "attach" else None,
    )
    if action == "attach" and attachment_form.is_valid():
        try:
            services.event_attachment_add(
                event=event, by=request.user, **attachment_form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(attachment_form, error)
        else:
            messages.success(request, gettext("The document is attached."))
            return redirect("events:manage_event", slug=event.slug)
    if action == "detach":
        attachment = get_object_or_404(event.attachments, pk=request.POST.get("attachment"))
        services.event_attachment_remove(attachment=attachment, by=request.user)
        messages.success(request, gettext("The document is removed from the event."))
        return redirect("events:manage_event", slug=event.slug)
    form = EventForm(
        request.POST if action == "" and request.method == "POST" else None,
        instance=event,
        user=request.user,
    )
    if request.method == "POST" and not action and form.is_valid():
        data = form.service_fields()
        event.refresh_from_db()  # the form wrote into the instance; the service compares
        try:
            event = services.event_update(event=event, by=request.user, **data)
        except PermissionDenied as error:
            form.add_error("organisations", str(error))
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, gettext("The event is saved."))
            return redirect("events:manage_event", slug=event.slug)
    return render(
        request,
        "events/manage/event_form.html",
        {
            "form": form,
            "event": event,
            "occurrences": event.occurrences.order_by("start")[:60],
            "cancel_form": CancelForm(),
            "attachment_form": attachment_form,
            "attachments": event.attachments.select_related("document"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def manage_publish(request, slug: str):
    event = _managed_event(request, slug)
    try:
        services.event_publish(event=event, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The event is published."))
    return redirect("events:manage_event", slug=event.slug)


@require_POST
@login_required
def manage_delete(request, slug: str):
    event = _managed_event(request, slug)
    try:
        services.event_draft_delete(event=event, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:manage_event", slug=event.slug)
    messages.success(request, gettext("The draft is deleted."))
    return redirect("events:manage")


@require_POST
@login_required
def manage_cancel(request, slug: str):
    event = _managed_event(request, slug)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.event_cancel(event=event, by=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The event is cancelled; registered people are told."))
    return redirect("events:manage_event", slug=event.slug)


@login_required
def manage_occurrence(request, slug: str, pk: int):
    event = _managed_event(request, slug)
    occurrence = get_object_or_404(Occurrence.objects.select_related("event"), event=event, pk=pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = OccurrenceForm(
        request.POST if action == "change" else None,
        initial={
            "start": occurrence.start,
            "end": occurrence.end,
            "title": occurrence.title,
            "venue": occurrence.venue,
            "address": occurrence.address,
            "municipality": occurrence.municipality,
            "note": occurrence.note,
        },
    )
    minutes_form = MinutesForm(
        request.POST if action == "minutes" else None,
        request.FILES if action == "minutes" else None,
        initial={"minutes": occurrence.minutes},
    )
    try:
        if action == "change" and form.is_valid():
            services.occurrence_update(occurrence=occurrence, by=request.user, **form.cleaned_data)
            messages.success(
                request, gettext("This occurrence is changed; registered people are told.")
            )
            return redirect("events:manage_occurrence", slug=slug, pk=pk)
        if action == "cancel":
            cancel = CancelForm(request.POST)
            cancel.is_valid()
            services.occurrence_cancel(
                occurrence=occurrence, by=request.user, note=cancel.cleaned_data.get("note", "")
            )
            messages.success(
                request, gettext("This occurrence is cancelled; registered people are told.")
            )
            return redirect("events:manage_occurrence", slug=slug, pk=pk)
        if action == "minutes" and minutes_form.is_valid():
            services.occurrence_minutes_update(
                occurrence=occurrence,
                by=request.user,
                minutes=minutes_form.cleaned_data["minutes"],
                file=minutes_form.cleaned_data["document"],
            )
            messages.success(request, gettext("The minutes are saved."))
            return redirect("events:manage_occurrence", slug=slug, pk=pk)
        if action == "attendance":
            values = {}
            for registration in occurrence.registrations.all():
                value = request.POST.get(f"attended-{registration.pk}", "")
                values[registration.pk] = {"yes": True, "no": False}.get(value)
            services.attendance_record(occurrence=occurrence, by=request.user, attended=values)
            messages.success(request, gettext("Attendance is saved."))
            return redirect("events:manage_occurrence", slug=slug, pk=pk)
        if action == "unregister":
            registration = get_object_or_404(
                Registration, occurrence=occurrence, pk=request.POST.get("registration")
            )
            services.registration_cancel(registration=registration, by=request.user)
            messages.success(request, gettext("The registration is cancelled."))
            return redirect("events:manage_occurrence", slug=slug, pk=pk)
    except ValidationError as error:
        if action == "change":
            _errors_to_form(form, error)
        else:
            messages.error(request, " ".join(error.messages))
    occurrence.refresh_from_db()
    return render(
        request,
        "events/manage/occurrence.html",
        {
            "event": event,
            "occurrence": occurrence,
            "form": form,
            "minutes_form": minutes_form,
            "cancel_form": CancelForm(),
            "registrations": selectors.occurrence_registrations(occurrence),
            "places_left": selectors.places_left(occurrence),
            "started": occurrence.start <= timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )
