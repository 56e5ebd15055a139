"""Forms of the tournée: a visit, its follow-ups, the needs heard, an attachment."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory import access
from directory.models import ClientStatus, Need, Organisation, ServiceCategory, Territory, Visit


def staff_users():
    """Who may own a follow-up or attend as staff: those who hold the tournée's permission."""
    return access.users_with_perm(access.MANAGE_VISITS).order_by("first_name", "email")


class UserChoiceMixin:
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class UserMultipleChoiceField(UserChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class UserChoiceField(UserChoiceMixin, forms.ModelChoiceField):
    pass


class VisitForm(forms.ModelForm):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations met"),
        queryset=Organisation.objects.exclude(state="archived").order_by("name"),
    )
    staff_attendees = UserMultipleChoiceField(
        label=_("Our team"), queryset=get_user_model().objects.none(), required=False
    )
    member_attendees = UserMultipleChoiceField(
        label=_("Members met"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "email"),
        required=False,
        help_text=_("People of the organisations met who have an account."),
    )

    class Meta:
        model = Visit
        fields = [
            "date",
            "place",
            "organisations",
            "staff_attendees",
            "member_attendees",
            "other_attendees",
            "notes",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 8}),
            "other_attendees": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_attendees"].queryset = staff_users()


class FollowUpForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = UserChoiceField(
        label=_("Who does it"), queryset=get_user_model().objects.none(), required=False
    )
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("owner") or cleaned.get("due_on")) and not cleaned.get("action"):
            self.add_error("action", gettext("Say what is to be done."))
        return cleaned


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3, max_num=30, validate_max=True)


class VisitNeedForm(forms.Form):
    """A need heard during the visit, from one of the organisations met."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Service category"),
        queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
        required=False,
        empty_label=_("Uncategorised"),
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.order_by("position", "name"),
        required=False,
        empty_label=_("The organisation's territories"),
    )
    client_statuses = forms.ModelMultipleChoiceField(
        label=_("Clients concerned"),
        queryset=ClientStatus.objects.order_by("position"),
        required=False,
    )
    text = forms.CharField(
        label=_("Need"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations or Organisation.objects.exclude(
            state="archived"
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("organisation"):
            self.add_error("organisation", gettext("Say which organisation has this need."))
        return cleaned


VisitNeedFormSet = forms.formset_factory(VisitNeedForm, extra=3, max_num=30, validate_max=True)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), max_length=200)


class StaffNeedForm(forms.Form):
    """A need staff heard outside a visit or a survey (a phone call, a meeting)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.exclude(state="archived").order_by("name"),
    )
    category = forms.ModelChoiceField(
        label=_("Service category"),
        queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
        required=False,
        empty_label=_("Uncategorised"),
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.order_by("position", "name"),
        required=False,
        empty_label=_("The organisation's territories"),
    )
    client_statuses = forms.ModelMultipleChoiceField(
        label=_("Clients concerned"),
        queryset=ClientStatus.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(label=_("Need"), widget=forms.Textarea(attrs={"rows": 3}))
    recorded_on = forms.DateField(
        label=_("Heard on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NeedFilterForm(forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.order_by("position", "name"),
        required=False,
        empty_label=_("All"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ServiceCategory.objects.filter(parent__isnull=True).order_by("position"),
        required=False,
        empty_label=_("All"),
        help_text=_("A category includes its sub-categories."),
    )
    source = forms.ChoiceField(
        label=_("Heard in"),
        choices=[("", _("All")), *Need.Source.choices],
        required=False,
    )
