"""Forms of the members pages: finding whom to ask, and asking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import Category
from forum.peers import selectors
from forum.peers.services import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class ExpertiseChoiceField(forms.ModelChoiceField):
    """One area, by code; a sub-area is shown under its top-level area."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.label} › {obj.label}" if obj.parent_id else obj.label


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class MemberFilterForm(forms.Form):
    """The filters of "who to ask" (GET): every search is a link."""

    expertise = ExpertiseChoiceField(
        label=_("Area of expertise"),
        queryset=selectors.expertise_choices(),
        required=False,
        to_field_name="code",
        empty_label=_("Any area"),
    )
    territory = TerritoryChoiceField(
        label=_("Territory"),
        queryset=selectors.territory_choices(),
        required=False,
        to_field_name="code",
        empty_label=_("Anywhere in Estrie"),
    )
    q = forms.CharField(label=_("Name or job title"), required=False, max_length=100)


class QuestionForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Your question"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Your name and profile are shown with it; your e-mail address is not. "
            "They answer you on the platform."
        ),
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.i18n.name)


class ExpertsQuestionForm(QuestionForm):
    """A question to everyone with an expertise, optionally shared as a forum thread."""

    category = CategoryChoiceField(
        label=_("Also post it in the forum (optional)"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("No, only to these members"),
        help_text=_("The question then opens a thread in this category: answers help everyone."),
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories or Category.objects.none()
