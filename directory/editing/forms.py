"""The forms organisation admins fill on the site to keep their records current.

The same form validates twice over: in the view that shows it, and in the
service (:func:`directory.editing.services.change_request_submit`), which rebuilds it
from the submitted data, so that a change request never holds a value the
form would have refused.

Each form can start from JSON values (a change request's proposal) instead
of the record's current values: ``Form(instance=..., organisation=...,
values=proposal)``.
"""

from collections import OrderedDict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from directory.catalogue.validation import (
    PhoneExtensionFormField,
    PhoneNumberFormField,
    phone_number_parse,
    validate_plain_text,
    with_text_validation,
)
from directory.editing.fields import (
    LOCATION_SPEC,
    ORGANISATION_SPEC,
    PHONES,
    SERVICE_SPEC,
    RecordSpec,
    own_phones,
    phone_value,
)
from directory.models import (
    ClientStatus,
    Language,
    Location,
    Organisation,
    Phone,
    Service,
    ServiceCategory,
    Territory,
)

#: Row ids are 64-bit integers on every database we run on.
_ID_RANGE = range(-(2**63), 2**63)


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows, chosen by id: an id no row can have is refused before any query.

    SQLite (``make run``) raises ``OverflowError`` for an integer over 64 bits
    in ``id IN (…)`` (Django guards ``=`` and ``<`` against it, not ``IN``): a
    forged form value became a 500 instead of "not a valid value".
    """

    def _check_values(self, value):
        if self.to_field_name is None and isinstance(value, (list, tuple)):
            for pk in value:
                try:
                    out_of_range = int(str(pk).strip()) not in _ID_RANGE
                except ValueError:
                    continue  # Django refuses it as it is
                if out_of_range:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


def _formfield(db_field, **kwargs):
    """Web addresses typed without a scheme are taken as https://; text refuses control
    characters, as the importer does."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", RowsChoiceField)
    return with_text_validation(db_field.formfield(**kwargs))


class PhoneForm(forms.Form):
    """One phone number. A row left without a number is ignored (that is how one is removed).

    The number and the extension are read as :mod:`directory.catalogue.validation`
    reads them everywhere: "(819) 555-0123 poste 12" is saved as the number
    "819 555-0123" with the extension "12".
    """

    number = PhoneNumberFormField(
        label=pgettext_lazy("phone", "Number"),
        max_length=40,
        required=False,
        allow_extension=True,
        help_text=_("With the area code, for example 819 555-0123."),
    )
    extension = PhoneExtensionFormField(
        label=pgettext_lazy("phone", "Extension"), max_length=10, required=False
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("phone", "Kind"), choices=Phone.Kind.choices, initial=Phone.Kind.VOICE
    )
    description = forms.CharField(
        label=pgettext_lazy("phone", "Description"),
        max_length=200,
        required=False,
        help_text=_("For example: reception, appointments."),
        validators=[validate_plain_text],
    )

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("number")
        if not number and (cleaned.get("extension") or cleaned.get("description")):
            self.add_error("number", gettext("Enter the number, or empty the whole row."))
        elif number and not self.has_error("extension"):
            try:
                phone = phone_number_parse(number, cleaned.get("extension", ""))
            except ValidationError as error:
                self.add_error("extension", error)
            else:
                cleaned["number"], cleaned["extension"] = phone.number, phone.extension
        return cleaned


PhoneFormSet = forms.formset_factory(PhoneForm, extra=2, max_num=10, validate_max=True)


class LocationChoiceField(RowsChoiceField):
    """Locations as checkboxes, an archived one saying so."""

    def label_from_instance(self, obj) -> str:
        if obj.is_archived:
            return gettext("%(location)s (archived)") % {"location": obj}
        return str(obj)


class EditingFormMixin:
    """Shared by the editing forms: built for one organisation, optionally from JSON values."""

    spec: RecordSpec

    def __init__(self, *args, organisation: Organisation, values: dict | None = None, **kwargs):
        self.organisation = organisation
        self.start_values = values
        super().__init__(*args, **kwargs)
        self._limit_querysets()
        if values and not self.is_bound:
            self.initial.update(self.initial_from_values(values))

    def _limit_querysets(self) -> None:
        """Override point: narrow choice querysets to the organisation."""

    def initial_from_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """Form initial data from JSON values (codes and UUIDs become primary keys)."""
        initial: dict[str, Any] = {}
        for name, value in values.items():
            if name == PHONES or name not in self.fields:
                continue
            form_field = self.fields[name]
            if isinstance(form_field, forms.ModelMultipleChoiceField):
                key = "uuid" if form_field.queryset.model is Location else "code"
                initial[name] = list(
                    form_field.queryset.filter(**{f"{key}__in": value or []}).values_list(
                        "pk", flat=True
                    )
                )
            elif isinstance(form_field, forms.ModelChoiceField):
                initial[name] = (
                    form_field.queryset.filter(code=value).values_list("pk", flat=True).first()
                    if value
                    else None
                )
            else:
                initial[name] = value
        return initial

    @property
    def all_errors_count(self) -> int:
        return len(self.errors)


class OrganisationProfileForm(EditingFormMixin, forms.ModelForm):
    """The organisation's public profile, with its phone numbers (a nested formset)."""

    spec = ORGANISATION_SPEC

    class Meta:
        model = Organisation
        fields = ORGANISATION_SPEC.model_fields
        formfield_callback = _formfield
        widgets = {
            "territories": forms.CheckboxSelectMultiple,
            "mission": forms.Textarea(attrs={"rows": 6}),
            "mission_en": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if data is None:
            if self.start_values and PHONES in self.start_values:
                phones = self.start_values[PHONES]
            elif self.instance.pk:
                phones = [phone_value(p) for p in own_phones(self.instance)]
            else:
                phones = []
            self.phones = PhoneFormSet(prefix="phones", initial=phones)
        else:
            self.phones = PhoneFormSet(data, prefix="phones")

    def is_valid(self) -> bool:
        form_valid = super().is_valid()
        phones_valid = self.phones.is_valid()
        return form_valid and phones_valid

    @property
    def all_errors_count(self) -> int:
        return (
            len(self.errors)
            + sum(len(form.errors) for form in self.phones.forms)
            + len(self.phones.non_form_errors())
        )

    @property
    def cleaned_phones(self) -> list[dict[str, str]]:
        return [
            {
                key: form.cleaned_data.get(key, "")
                for key in ("number", "extension", "kind", "description")
            }
            for form in self.phones.forms
            if form.cleaned_data.get("number")
        ]


class CategoryChoiceField(RowsChoiceField):
    def label_from_instance(self, obj: ServiceCategory) -> str:
        if obj.is_top_level:
            return gettext("%(category)s (in general)") % {"category": obj.label}
        return obj.label


class LabelledChoiceField(RowsChoiceField):
    """Choices labelled in the current language (reference rows' ``label``)."""

    def label_from_instance(self, obj) -> str:
        return obj.label


class ServiceForm(EditingFormMixin, forms.ModelForm):
    """A service: what it is, for whom, where, in which languages, and how to reach it."""

    spec = SERVICE_SPEC

    categories = CategoryChoiceField(
        label=_("Categories"),
        queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    client_statuses = LabelledChoiceField(
        label=_("Client statuses accepted"),
        queryset=ClientStatus.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Immigration statuses and client groups this service accepts."),
    )
    languages = LabelledChoiceField(
        label=_("Languages offered"),
        queryset=Language.objects.order_by("position", "label_fr"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territories = RowsChoiceField(
        label=_("Territories served"),
        queryset=Territory.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    locations = LocationChoiceField(
        label=_("Locations"),
        queryset=Location.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Where the service is given. Add a location first if it is missing."),
    )

    class Meta:
        model = Service
        fields = SERVICE_SPEC.model_fields
        formfield_callback = _formfield
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "description",
                "description_en",
                "eligibility",
                "eligibility_en",
                "fees",
                "fees_en",
                "how_to_access",
                "how_to_access_en",
                "required_documents",
                "required_documents_en",
                "schedule",
                "schedule_en",
            )
        }

    def _limit_querysets(self) -> None:
        """The organisation's locations in use, and the archived ones the service still names
        (shown as such: a link nobody chose to remove is never dropped by a save)."""
        in_use = Q(archived_at__isnull=True)
        if self.instance.pk:
            in_use |= Q(pk__in=self.instance.locations.values("pk"))
        self.fields["locations"].queryset = (
            Location.objects.filter(organisation=self.organisation)
            .filter(in_use)
            .order_by("name", "address")
        )

    def category_groups(self) -> list[tuple[str, list]]:
        """The category checkboxes grouped under their top-level category, in taxonomy order."""
        groups: OrderedDict[int, tuple[str, list]] = OrderedDict()
        for checkbox in self["categories"]:
            category = checkbox.data["value"].instance
            top = category if category.is_top_level else category.parent
            groups.setdefault(top.pk, (top.label, []))[1].append(checkbox)
        return list(groups.values())


class LocationForm(EditingFormMixin, forms.ModelForm):
    """A place where the organisation receives people, or a virtual channel.

    An archived location is not edited: it is restored first (so that staff
    review what the public will see again, when it is public).
    """

    spec = LOCATION_SPEC

    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, for example 45.4042. Leave empty if unknown."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, for example -71.8929. Leave empty if unknown."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    class Meta:
        model = Location
        fields = LOCATION_SPEC.model_fields
        formfield_callback = _formfield
        widgets = {
            "accessibility": forms.Textarea(attrs={"rows": 4}),
            "accessibility_en": forms.Textarea(attrs={"rows": 4}),
        }

    def _limit_querysets(self) -> None:
        self.fields["territory"].queryset = Territory.objects.order_by("position", "name")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_archived:
            raise forms.ValidationError(
                gettext("This location is archived: restore it before editing it."),
                code="archived",
            )
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, gettext("Give both latitude and longitude, or neither."))
        if not any(cleaned.get(name) for name in ("name", "address", "url")):
            self.add_error(
                "name", gettext("Give at least a name, a street address or an online address.")
            )
        return cleaned


FORMS = {
    Organisation: OrganisationProfileForm,
    Service: ServiceForm,
    Location: LocationForm,
}


def form_class_for(record) -> type[forms.ModelForm]:
    return FORMS[type(record)]
