from django import forms
from django.utils.translation import gettext_lazy as _


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form: how the member is named to others."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("How your name appears to other members."),
    )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
