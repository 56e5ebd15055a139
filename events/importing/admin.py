"""The admin's "Partner calendars" pages: subscribe to a partner's feed, sync it, upload a file.

Registered by ``events/wagtail_hooks.py`` under ``/admin/events/calendars/``.
Wagtail checks admin access; these views also require the permission to
manage events (the *Animation* role, ``events/access.py``).
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from directory.models import Organisation
from events import access
from events.ics.parse import FeedError
from events.importing import services
from events.importing.fetch import FetchError
from events.importing.models import CalendarSubscription

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class SubscriptionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Partner organisation"),
        queryset=Organisation.objects.order_by("name"),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    url = forms.CharField(
        label=gettext_lazy("Calendar address"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "The partner's public iCalendar address (https:// or webcal://), synchronised "
            "every hour. Leave empty to upload a file instead."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Or an iCalendar file (.ics)"),
        required=False,
        help_text=gettext_lazy("5 MB at most."),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Who sees the imported events"),
        choices=CalendarSubscription._meta.get_field("audience").choices,
        initial="public",
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file"):
            raise ValidationError(_("Give the calendar's address or upload its file."))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("iCalendar file (.ics)"))


def _managers_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(access.MANAGE_EVENTS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _sync(request, subscription, data=None) -> bool:
    try:
        report = services.subscription_sync(subscription=subscription, data=data, by=request.user)
    except (FeedError, FetchError) as error:
        problems = getattr(error, "problems", None) or [str(error)]
        messages.error(
            request,
            _("The calendar was not imported; nothing changed. %(reasons)s")
            % {"reasons": " ".join(problems)},
        )
        return False
    messages.success(
        request,
        _(
            "Calendar imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, "
            "%(removed)s removed."
        )
        % report,
    )
    return True


@_managers_only
@require_http_methods(["GET", "POST"])
def index(request):
    form = SubscriptionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.subscription_create(
                organisation=data["organisation"],
                name=data["name"],
                url=data["url"],
                audience=data["audience"],
                by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            upload = data.get("file")
            _sync(request, subscription, upload.read() if upload else None)
            return redirect("events_calendars:index")
    subscriptions = CalendarSubscription.objects.select_related("organisation").order_by("name")
    return render(
        request,
        "events/admin/calendars.html",
        {"form": form, "subscriptions": subscriptions, "upload_form": UploadForm()},
    )


@_managers_only
@require_POST
def sync(request, pk: int):
    subscription = get_object_or_404(CalendarSubscription, pk=pk)
    upload_form = UploadForm(request.POST, request.FILES)
    data = None
    if request.FILES:
        if not upload_form.is_valid():
            messages.error(request, _("Choose an iCalendar file."))
            return redirect("events_calendars:index")
        upload = upload_form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            messages.error(request, _("The file is larger than 5 MB."))
            return redirect("events_calendars:index")
        data = upload.read()
    _sync(request, subscription, data)
    return redirect("events_calendars:index")


@_managers_only
@require_POST
def delete(request, pk: int):
    subscription = get_object_or_404(CalendarSubscription, pk=pk)
    count = services.subscription_delete(subscription=subscription, by=request.user)
    messages.success(
        request,
        _("Partner calendar removed, with its %(count)s imported events.") % {"count": count},
    )
    return redirect("events_calendars:index")


urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/sync/", sync, name="sync"),
    path("<int:pk>/delete/", delete, name="delete"),
]
