"""Forms of the event pages: public registration, and the management forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, ServiceCategory, Territory
from events.models import (
    Event,
    EventAttachment,
    EventAudience,
    EventKind,
    EventLanguage,
    EventMode,
)


class PublicRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm your registration."),
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

    def format_value(self, value):
        if value and not isinstance(value, str) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return super().format_value(value)


class LocalDateTimeField(forms.DateTimeField):
    widget = LocalDateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _formfield(field, **kwargs):
    """Links typed without a scheme are https (Django 6's default, chosen now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class EventForm(forms.ModelForm):
    """Create or change an event or a series (managers: Animation, hosts' admins)."""

    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    registration_deadline = LocalDateTimeField(label=_("Registration deadline"), required=False)

    class Meta:
        model = Event
        formfield_callback = _formfield
        fields = [
            "kind",
            "title",
            "title_en",
            "description",
            "description_en",
            "organisations",
            "territories",
            "categories",
            "start",
            "end",
            "all_day",
            "rrule",
            "mode",
            "venue",
            "address",
            "municipality",
            "online_url",
            "capacity",
            "registration_enabled",
            "registration_url",
            "registration_deadline",
            "registration_deadline_hours",
            "audience",
            "language",
            "accessibility_notes",
            "accessibility_notes_en",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes_en": forms.Textarea(attrs={"rows": 3}),
            "rrule": forms.TextInput(),
            "organisations": forms.SelectMultiple(attrs={"size": 8}),
            "territories": forms.CheckboxSelectMultiple(),
            "categories": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.visible_to(user).order_by(
            "name"
        )
        self.fields["organisations"].required = False
        self.fields["territories"].queryset = Territory.objects.order_by("position", "name")
        self.fields["categories"].queryset = ServiceCategory.objects.order_by(
            "parent__position", "position"
        )
        self.fields["kind"].choices = EventKind.choices
        self.fields["mode"].choices = EventMode.choices
        self.fields["audience"].choices = EventAudience.choices
        self.fields["language"].choices = EventLanguage.choices

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["registration_deadline_hours"] = data.get("registration_deadline_hours")
        return data


class OccurrenceForm(forms.Form):
    """Move or change one occurrence of a series."""

    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    title = forms.CharField(
        label=_("Title for this occurrence"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the series' title."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=120, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the page and in the e-mails: why it moved, what changes."),
    )


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Message to registered people (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _document_field(label, *, required: bool) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        validators=[FileExtensionValidator(allowed_extensions=settings.WAGTAILDOCS_EXTENSIONS)],
        help_text=_("PDF, Word, PowerPoint, OpenDocument, text or spreadsheet."),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    document = _document_field(_("Minutes as a document (optional)"), required=False)


class AttachmentForm(forms.Form):
    """Add a document to an event: its agenda, its slides..."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=EventAttachment.Kind.choices)
    title = forms.CharField(label=_("Title of the document"), max_length=255)
    file = _document_field(_("File"), required=True)
