"""Forms of the recensement: the organisations' answer form, and the staff's campaign forms.

The answer form is made of parts, each a Django form: who answers; the
organisation's profile and each of its services, prefilled with the
record (the self-service editing forms, ``directory/editing/forms.py``,
with a prefix each); one blank service to add; the campaign's questions;
the needs. A record's part counts as a correction only when something in it
changed (``has_changed``), so that a record the organisation leaves as it
is counts as confirmed, and a record left invalid by an old import never
blocks an answer about something else.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from directory.catalogue.validation import validate_plain_text
from directory.editing.forms import OrganisationProfileForm, ServiceForm
from directory.models import (
    Campaign,
    CampaignInvitation,
    CampaignQuestion,
    Organisation,
    Service,
    ServiceCategory,
    Territory,
)

#: How many empty rows of needs the form offers (more: answer the link again).
NEEDS_ROWS = 3


class RespondentForm(forms.Form):
    respondent_name = forms.CharField(
        label=_("Your name"), max_length=200, validators=[validate_plain_text]
    )
    respondent_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Optional: in case staff have a question about your answer."),
    )
    comment = forms.CharField(
        label=_("Anything else to tell us?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_plain_text],
    )
    answers_seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ServiceDecisionForm(forms.Form):
    """Whether a service is still offered. Corrections are made in its own form below."""

    OFFERED = "offered"
    GONE = "gone"

    decision = forms.ChoiceField(
        label=_("Is this service still offered?"),
        choices=[
            (OFFERED, _("Yes, still offered (correct it below if needed)")),
            (GONE, _("No, it is no longer offered")),
        ],
        initial=OFFERED,
        widget=forms.RadioSelect,
    )


class NeedForm(forms.Form):
    """One need: a category of the service taxonomy (optional), a territory, free text."""

    category = forms.ModelChoiceField(
        label=_("Kind of service needed"),
        queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
        required=False,
        empty_label=pgettext_lazy("need category", "Other or not sure"),
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.in_estrie().order_by("position", "name"),
        required=False,
        empty_label=_("All the territories we serve"),
    )
    text = forms.CharField(
        label=_("The need, in your words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: (
            c.label if c.is_top_level else f"{c.parent.label} › {c.label}"
        )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("category") or cleaned.get("territory")) and not cleaned.get("text"):
            self.add_error("text", gettext("Describe the need in a few words."))
        return cleaned


NeedFormSet = forms.formset_factory(NeedForm, extra=NEEDS_ROWS, max_num=20, validate_max=True)


def question_field(question: CampaignQuestion) -> forms.Field | None:
    """The form field of a question (None for a needs question: a formset of its own)."""
    label = question.localized("label")
    help_text = question.localized("help_text")
    common = {"label": label, "help_text": help_text, "required": question.required}
    kind = question.Kind
    if question.kind == kind.SHORT_TEXT:
        return forms.CharField(max_length=500, validators=[validate_plain_text], **common)
    if question.kind == kind.LONG_TEXT:
        return forms.CharField(
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            validators=[validate_plain_text],
            **common,
        )
    if question.kind == kind.YES_NO:
        return forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )
    if question.kind == kind.CHOICE:
        return forms.ChoiceField(
            choices=[(choice.get("fr", ""), choice_label(choice)) for choice in question.choices],
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == kind.NUMBER:
        return forms.IntegerField(min_value=0, max_value=10**9, **common)
    return None


def choice_label(choice: dict) -> str:
    from django.utils import translation

    if (translation.get_language() or "fr").startswith("en") and choice.get("en"):
        return choice["en"]
    return choice.get("fr", "")


class QuestionsForm(forms.Form):
    """The campaign's questions, one field each (``q<id>``), needs questions aside."""

    def __init__(self, *args, questions: list[CampaignQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = question_field(question)
            if field is not None:
                self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[str, object]:
        return {
            name[1:]: value for name, value in self.cleaned_data.items() if value not in (None, "")
        }


class AnswerForm:
    """Every part of the answer form for one invitation, bound to ``data`` or not."""

    def __init__(self, invitation: CampaignInvitation, data=None, *, answers_seen: int = 0):
        self.invitation = invitation
        self.organisation: Organisation = invitation.organisation
        self.data = data
        organisation = self.organisation
        self.respondent = RespondentForm(data, initial={"answers_seen": answers_seen})
        self.organisation_form = OrganisationProfileForm(
            data, instance=organisation, organisation=organisation, prefix="org"
        )
        self.services = []
        for service in self.current_services():
            self.services.append(
                (
                    service,
                    ServiceDecisionForm(data, prefix=f"d{service.pk}"),
                    ServiceForm(
                        data, instance=service, organisation=organisation, prefix=f"s{service.pk}"
                    ),
                )
            )
        self.new_service = ServiceForm(
            data,
            instance=Service(organisation=organisation),
            organisation=organisation,
            prefix="new",
        )
        questions = list(invitation.campaign.questions.all())
        self.questions = QuestionsForm(data, questions=questions, prefix="q")
        self.needs_questions = [q for q in questions if q.kind == CampaignQuestion.Kind.NEEDS]
        self.needs = NeedFormSet(data, prefix="needs") if self.needs_questions else None
        #: Filled by the view after a refusal: prefix → uuid of the proposal to replace.
        self.replace: dict[str, str] = {}

    def current_services(self):
        return (
            Service.objects.filter(organisation=self.organisation)
            .exclude(state="archived")
            .order_by("name")
        )

    def substitute(self, prefix: str, form) -> None:
        """Show ``form`` (as the service validated it, with its errors) for part ``prefix``."""
        if prefix == "org":
            self.organisation_form = form
        elif prefix == "new":
            self.new_service = form
        else:
            self.services = [
                (service, decision, form if f"s{service.pk}" == prefix else current)
                for service, decision, current in self.services
            ]

    # --- What changed ---------------------------------------------------------------

    def organisation_changed(self) -> bool:
        form = self.organisation_form
        return form.has_changed() or form.phones.has_changed()

    def changed_services(self):
        return [
            (service, form)
            for service, decision, form in self.services
            if self._decision(decision) == ServiceDecisionForm.OFFERED and form.has_changed()
        ]

    def gone_services(self):
        return [
            service
            for service, decision, _form in self.services
            if self._decision(decision) == ServiceDecisionForm.GONE
        ]

    def confirmed_services(self):
        changed = {service.pk for service, _form in self.changed_services()}
        gone = {service.pk for service in self.gone_services()}
        return [
            service
            for service, _decision, _form in self.services
            if service.pk not in changed and service.pk not in gone
        ]

    def adds_service(self) -> bool:
        return self.new_service.has_changed()

    @staticmethod
    def _decision(form) -> str:
        if form.is_valid():
            return form.cleaned_data["decision"]
        return ServiceDecisionForm.OFFERED

    # --- Validation ---------------------------------------------------------------------

    def is_valid(self) -> bool:
        """Every part that counts. The record forms are validated again by the service."""
        checks = [self.respondent.is_valid(), self.questions.is_valid()]
        checks += [decision.is_valid() for _service, decision, _form in self.services]
        if self.needs is not None:
            checks.append(self.needs.is_valid())
        if self.organisation_changed():
            checks.append(self.organisation_form.is_valid())
        checks += [form.is_valid() for _service, form in self.changed_services()]
        if self.adds_service():
            checks.append(self.new_service.is_valid())
        return all(checks)

    def needs_rows(self) -> list[dict]:
        if self.needs is None:
            return []
        return [form.cleaned_data for form in self.needs.forms if form.cleaned_data.get("text")]

    def error_count(self) -> int:
        count = len(self.respondent.errors) + len(self.questions.errors)
        count += sum(len(d.errors) for _s, d, _f in self.services)
        if self.needs is not None:
            count += sum(len(f.errors) for f in self.needs.forms)
            count += len(self.needs.non_form_errors())
        count += self.organisation_form.all_errors_count if self.organisation_form.is_bound else 0
        count += sum(len(f.errors) for _s, _d, f in self.services if f.is_bound and f._errors)
        if self.new_service.is_bound and self.new_service._errors:
            count += len(self.new_service.errors)
        return count


# --- Staff forms --------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "title",
            "title_en",
            "introduction",
            "introduction_en",
            "starts_on",
            "ends_on",
            "auto_reminders",
            "reminder_interval_days",
            "max_reminders",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "introduction_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", gettext("The period must end after it starts."))
        return cleaned


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a list: one choice per line, French first, then “|” and the English "
            "version if any (for example: Oui, souvent | Yes, often)."
        ),
    )

    class Meta:
        model = CampaignQuestion
        fields = ["kind", "label", "label_en", "help_text", "help_text_en", "required"]

    def clean(self):
        cleaned = super().clean()
        lines = [line.strip() for line in cleaned.get("choices_text", "").splitlines()]
        choices = []
        for line in filter(None, lines):
            french, _sep, english = line.partition("|")
            choices.append({"fr": french.strip(), "en": english.strip()})
        if cleaned.get("kind") == CampaignQuestion.Kind.CHOICE and len(choices) < 2:
            self.add_error("choices_text", gettext("Give at least two choices."))
        cleaned["choices"] = choices if cleaned.get("kind") == CampaignQuestion.Kind.CHOICE else []
        return cleaned


class InviteForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations to invite"),
        queryset=Organisation.objects.exclude(state="archived").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each one receives its private link by e-mail, at the organisation's address. "
            "Organisations already invited are not invited twice."
        ),
    )


class ReminderForm(forms.Form):
    invitations = forms.ModelMultipleChoiceField(
        label=_("Remind"),
        queryset=CampaignInvitation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to remind every organisation that has not answered."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitations"].queryset = campaign.invitations.unanswered().select_related(
            "organisation"
        )
        self.fields["invitations"].label_from_instance = lambda i: i.organisation.name


class DocumentFindingForm(forms.Form):
    """A service found in a document, recorded as a draft awaiting verification."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.exclude(state="archived").order_by("name"),
    )
    name = forms.CharField(label=_("Name of the service"), max_length=250)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
        required=False,
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories served"),
        queryset=Territory.objects.order_by("position", "name"),
        required=False,
    )
    reference = forms.CharField(
        label=_("Document"),
        max_length=500,
        help_text=_("Title, link or file name of the document the service was found in."),
    )
    document_date = forms.DateField(
        label=_("Date of the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
