from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import Poll


class PollForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Options, one per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For a meeting date, one date and time per line."),
    )
    kind = forms.ChoiceField(
        label=_("Members may choose"),
        choices=Poll.Kind.choices,
        initial=Poll.Kind.SINGLE,
        widget=forms.RadioSelect,
    )
    results = forms.ChoiceField(
        label=_("Results are shown"),
        choices=Poll.Results.choices,
        initial=Poll.Results.AFTER_VOTE,
        widget=forms.RadioSelect,
    )
    allow_change = forms.BooleanField(
        label=_("Voters may change their vote until the poll closes"),
        required=False,
        initial=True,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes on (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["options"] = data["options"].splitlines()
        return data
