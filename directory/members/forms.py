"""Forms of accounts and memberships.

They only parse and validate input; the writes are services
(``directory/members/services.py``), which the views call with ``cleaned_data``.
"""

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from directory.editing.forms import CategoryChoiceField, LabelledChoiceField
from directory.models import Membership, Organisation, ServiceCategory, Territory

MESSAGE_MAX_LENGTH = 2000


class SignupProfileForm(forms.Form):
    """Extra fields on allauth's sign-up form: how the member is named to others.

    allauth uses this class as the base of its sign-up form, so ``field_order``
    here orders allauth's fields too: the name first, then e-mail and password.
    """

    field_order = ["display_name", "email", "password1", "password2"]

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("How your name appears to other members."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class MemberProfileForm(forms.Form):
    """What a member tells others about themselves, and the language of their e-mails.

    A plain form (not a ModelForm) so that an invalid submission never
    touches ``request.user``, which the page header still displays.
    """

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("How your name appears to other members, for example on the forum."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of the e-mails we send you"),
        choices=settings.LANGUAGES,
    )
    job_title = forms.CharField(
        label=_("Job title"),
        max_length=160,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    bio = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("A few words for the other members: your work, your interests."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    handle = forms.CharField(
        label=_("Handle"),
        max_length=41,
        required=False,
        help_text=_(
            "Your @name on the forum: 3 to 40 unaccented lower-case letters, digits "
            "and hyphens. Others mention you by writing @ followed by it."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    territories = LabelledChoiceField(
        label=_("Territories I work in"),
        queryset=Territory.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = CategoryChoiceField(
        label=_("My areas of expertise"),
        queryset=ServiceCategory.objects.select_related("parent").order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What other members may ask you about. They find you under these areas."),
    )

    @classmethod
    def for_member(cls, user, data=None) -> "MemberProfileForm":
        return cls(
            data=data,
            initial={
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "job_title": user.job_title,
                "bio": user.bio,
                "handle": user.handle,
                "territories": list(user.territories.values_list("pk", flat=True)),
                "expertise": list(user.expertise.values_list("pk", flat=True)),
            },
            prefix="profile",
        )

    def clean_handle(self) -> str | None:
        """Left empty: the handle stays as it is (every member has one)."""
        return self.cleaned_data["handle"].strip() or None

    def text_fields(self):
        """The fields shown one by one (the checkbox groups are shown as fieldsets)."""
        return [self[name] for name in self.fields if name not in ("territories", "expertise")]

    def expertise_groups(self) -> list[tuple[str, list]]:
        """The expertise checkboxes under their top-level category, in taxonomy order."""
        groups: dict[int, tuple[str, list]] = {}
        for checkbox in self["expertise"]:
            category = checkbox.data["value"].instance
            top = category if category.is_top_level else category.parent
            groups.setdefault(top.pk, (top.label, []))[1].append(checkbox)
        return list(groups.values())


class _OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        name = obj.i18n.name
        return f"{name} ({obj.acronym})" if obj.acronym else str(name)


class MembershipRequestForm(forms.Form):
    """Ask to join an organisation.

    The list offers only the organisations the member may still ask to join
    (``offered``), but any published organisation validates, so that a stale
    page (a second tab, a double submit) reaches the service and gets its
    clear "already asked" error instead of "select a valid choice".
    """

    organisation = _OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.published(),
        to_field_name="slug",
        empty_label=_("Choose an organisation"),
    )
    message = forms.CharField(
        label=_("Message to the administrators (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Who you are and why you would like to join."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, offered=None, **kwargs):
        super().__init__(*args, prefix="join", **kwargs)
        field = self.fields["organisation"]
        if offered is not None:
            offered_field = _OrganisationChoiceField(
                queryset=offered, to_field_name="slug", empty_label=field.empty_label
            )
            field.widget.choices = ModelChoiceIterator(offered_field)


class MembershipDecisionForm(forms.Form):
    """Accept or refuse one request; the two buttons carry ``decision``."""

    ACCEPT = "accept"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (REFUSE, _("Refuse"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note to the member (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_("Sent with the answer by e-mail."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, membership_id: int, **kwargs):
        super().__init__(*args, prefix=f"decision-{membership_id}", **kwargs)
        self.membership_id = membership_id


class InvitationForm(forms.Form):
    """An admin invites a colleague's address to join the organisation."""

    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect,
        help_text=_("Administrators answer requests, invite, and keep the record current."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)


class NoticesForm(forms.Form):
    """One checkbox per kind of notice the member could receive (checked: receive it)."""

    def __init__(self, *args, kinds, user, **kwargs):
        super().__init__(*args, prefix="notices", **kwargs)
        self.kinds = kinds
        off = set(user.notices_off or [])
        for kind in kinds:
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label,
                help_text=kind.help_text,
                required=False,
                initial=kind.key not in off,
            )

    def receive(self) -> list[str]:
        return [key for key, value in self.cleaned_data.items() if value]
